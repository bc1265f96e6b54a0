#!/bin/sh
# Puts the appliance into a dom0 root tree (images/appliance/appliance.mk).
#   install.sh ROOT DOM0_DIR DEMO_INITRD XL XENSTORED CONSOLED INIT_DOM0 DM IMG XENSTORE
set -eu
root=$1 dom0=$2 demo_initrd=$3 xl=$4 xenstored=$5 consoled=$6 init_dom0=$7 dm=$8 img=$9 xscli=${10}
lib=$root/usr/lib/bastion
mkdir -p "$lib/demo" "$root/etc/bastion" "$root/usr/sbin" "$root/usr/bin" "$root/lib/modules"
cp "$xl" "$lib/xl"
cp "$xenstored" "$lib/xenstored"
cp "$consoled" "$lib/bastion-consoled"
cp "$init_dom0" "$lib/bastion-init-dom0"
cp "$dm" "$lib/bastion-dm" # (xl starts it for a guest's disks)
cp "$img" "$lib/bastion-img"
cp "$xscli" "$lib/bastion-xenstore"
cp images/appliance/appliance-start images/appliance/appliance-check "$lib/"
ln -sf ../lib/bastion/xl "$root/usr/sbin/xl"
ln -sf ../lib/bastion/bastion-img "$root/usr/bin/bastion-img"
for cmd in xenstore-read xenstore-ls; do
	ln -sf ../lib/bastion/bastion-xenstore "$root/usr/bin/$cmd"
done
cp images/appliance/demo.cfg "$root/etc/bastion/demo.cfg"
cp "$dom0/vmlinuz" "$lib/demo/vmlinuz"
cp "$demo_initrd" "$lib/demo/initrd.cpio.gz"
for m in xen-gntdev xen-gntalloc; do
	cp "$dom0"/kernel-root/lib/modules/*/kernel/drivers/xen/$m.ko "$root/lib/modules/"
done
