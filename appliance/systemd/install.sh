#!/bin/sh
# Installs Bastion's control-domain userland into a Debian dom0 root
# (`make install`, DESTDIR=ROOT): the static xl, xenstored, console daemon
# and client, bastion-init-dom0, the device model bastion-dm (which xl
# starts for a guest's disks), the image tool bastion-img (also as
# /usr/bin/bastion-img) and bastion-domains in /usr/lib/bastion,
# the systemd units in /lib/systemd/system, /etc/bastion/auto for guests
# started at boot, and /usr/sbin/xl unless another xl is there already
# (Debian's xen-utils keeps its own; ours is then /usr/lib/bastion/xl).
#   install.sh ROOT XL XENSTORED CONSOLED CONSOLE INIT_DOM0 DM IMG
set -eu
root=$1
here=$(dirname "$0")
lib=$root/usr/lib/bastion units=$root/lib/systemd/system
mkdir -p "$lib" "$units" "$root/etc/bastion/auto" "$root/usr/sbin" "$root/usr/bin"
install -m 755 "$2" "$lib/xl"
install -m 755 "$3" "$lib/xenstored"
install -m 755 "$4" "$lib/bastion-consoled"
install -m 755 "$5" "$lib/bastion-console"
install -m 755 "$6" "$lib/bastion-init-dom0"
install -m 755 "$7" "$lib/bastion-dm"
install -m 755 "$8" "$lib/bastion-img"
ln -sf ../lib/bastion/bastion-img "$root/usr/bin/bastion-img"
install -m 755 "$here/bastion-domains" "$lib/bastion-domains"
for u in "$here"/*.service; do
	install -m 644 "$u" "$units/"
done
if [ ! -e "$root/usr/sbin/xl" ]; then
	ln -s ../lib/bastion/xl "$root/usr/sbin/xl"
fi
echo "installed in ${root:-/}: enable with systemctl enable bastion-xenstored bastion-init-dom0" \
	"bastion-consoled bastion-domains"
