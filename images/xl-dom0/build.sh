#!/bin/bash
# Builds the xl test dom0: a Debian bookworm (minbase) root filesystem with
# Debian's Xen 4.17 userland (xl, libxl, libxenctrl, xen-init-dom0,
# xenconsoled, the C xenstored), packed as one uncompressed initramfs.
#
#   build.sh OUT DOM0_DIR GUEST_CFG
#
# OUT       output directory (rootfs/ and rootfs.cpio land there)
# DOM0_DIR  what `make dom0` fetched: vmlinuz, kernel-root/, busybox-root/
# GUEST_CFG the xl configuration of the PVH test guest (installed in /etc/xen)
# XENSTORED_BIN (environment) our xenstored, installed as
#           /usr/lib/bastion/xenstored beside Debian's
# XL_BIN (environment) our static xl (appliance/xl), installed as
#           /usr/lib/bastion/xl; Debian's /usr/sbin/xl stays
# BASTION_BINS (environment) our console daemon and client and our device
#           model (bastion-dm), installed in
#           /usr/lib/bastion without their -static suffix
# GUEST_KERNELS (environment): more domU kernels for /var/lib/xen/images
# DOMU_TOOLS, DOM0_TOOLS (environment): static programs for the guest's
#           /bin and the dom0's /usr/local/bin
#
# The debootstrap + apt-get stage is the slow one (about a minute); it is
# skipped when OUT/rootfs was built from the same suite, mirrors and
# package list (OUT/rootfs.stamp).  Everything after it is redone each time.
set -euo pipefail
out=$1 dom0=$2 cfg=$3
root=$out/rootfs
suite=bookworm
# (libslirp0: our bastion-dm's user networking; it links it dynamically)
pkgs="xen-utils-4.17 xen-utils-common xenstore-utils kmod busybox e2fsprogs qemu-utils libslirp0"

# The archives this machine's apt already uses, one-line or deb822 sources.
mirror_for() {
	cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null |
		grep -v '^[[:space:]]*#' | grep -oE 'https?://[^ ]+' | grep -E "$1" | head -n 1 || true
}
mirror=${XL_DOM0_MIRROR:-$(mirror_for '/debian/?$')}
security=${XL_DOM0_SECURITY:-$(mirror_for '/debian-security/?$')}
[ -n "$mirror" ] || { echo "xl-dom0: no Debian mirror in this machine's apt sources" >&2; exit 1; }

mkdir -p "$out"
SECONDS=0

# Refuse to delete a tree that still has something mounted inside it.
remove_root() {
	if grep -q " $(realpath -m "$root")/" /proc/mounts; then
		echo "xl-dom0: something is still mounted under $root; not deleting it" >&2
		exit 1
	fi
	rm -rf "$root"
}

unmount_all() {
	mountpoint -q "$root/proc" && umount "$root/proc"
	true
}

stamp="suite=$suite mirror=$mirror security=$security pkgs=$pkgs"
if [ -x "$root/usr/bin/apt-get" ] && [ "$(cat "$out/rootfs.stamp" 2>/dev/null)" = "$stamp" ]; then
	echo "xl-dom0: packages unchanged, keeping $root"
else
	remove_root
	rm -f "$out/rootfs.stamp"
	debootstrap --variant=minbase "$suite" "$root" "$mirror"
	{
		echo "deb $mirror $suite main"
		echo "deb $mirror $suite-updates main"
		[ -z "$security" ] || echo "deb $security $suite-security main"
	} >"$root/etc/apt/sources.list"
	# Package scripts must not start daemons inside the chroot.
	printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
	chmod 755 "$root/usr/sbin/policy-rc.d"
	trap unmount_all EXIT
	mount -t proc proc "$root/proc"
	chroot "$root" apt-get update -q
	chroot "$root" env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -q --no-install-recommends $pkgs
	chroot "$root" apt-get clean
	unmount_all
	trap - EXIT
	rm -f "$root/usr/sbin/policy-rc.d"
	echo "$stamp" >"$out/rootfs.stamp"
	echo "xl-dom0: debootstrap and packages took ${SECONDS} s"
fi
chroot "$root" dpkg-query -W -f '${Package} ${Version}\n' >"$out/versions.txt"

# Trim what a test dom0 never reads (udev is a dependency but never runs).
rm -rf "$root"/usr/share/{doc,man,info,locale,lintian,linda,bash-completion} \
	"$root"/usr/lib/udev/hwdb.* "$root"/usr/lib/x86_64-linux-gnu/gconv \
	"$root"/var/cache/apt/* "$root"/var/lib/apt/lists/* "$root"/var/cache/debconf/*-old \
	"$root"/var/log/{apt,dpkg.log,bootstrap.log,alternatives.log}
find "$root/usr/lib" -name __pycache__ -prune -exec rm -rf {} +

# Kernel modules from the dom0 kernel `make dom0` fetched.
kver=$(ls "$dom0/kernel-root/lib/modules")
src=$dom0/kernel-root/lib/modules/$kver
dst=$root/lib/modules/$kver
rm -rf "$root/lib/modules"
mkdir -p "$dst/kernel/drivers/block"
cp -a "$src/kernel/drivers/xen" "$dst/kernel/drivers/"
cp -a "$src/kernel/drivers/block/xen-blkback" "$src/kernel/drivers/block/loop.ko" "$dst/kernel/drivers/block/"
# The bridge and taps our device model's vifs plug into (vif-bridge's world).
mkdir -p "$dst/kernel/net" "$dst/kernel/drivers/net"
cp -a "$src/kernel/net/bridge" "$src/kernel/net/802" "$src/kernel/net/llc" "$dst/kernel/net/"
cp -a "$src/kernel/drivers/net/tun.ko" "$dst/kernel/drivers/net/"
# Linux's kernel netback, for Debian's xl's vifs (bench-net).
cp -a "$src/kernel/drivers/net/xen-netback" "$dst/kernel/drivers/net/"
# ext4 and what it needs, for the guest's initramfs below.
ext4_mods="lib/crc16.ko crypto/crc32c_generic.ko fs/mbcache.ko fs/jbd2/jbd2.ko fs/ext4/ext4.ko"
cp -a "$src"/modules.builtin* "$src/modules.order" "$dst/"
chroot "$root" depmod "$kver"

# Guest configuration, kernel and initramfs.
mkdir -p "$root/etc/xen" "$root/var/lib/xen/images" "$root/var/log/xen/console"
cp "$cfg" "$root/etc/xen/"
cp "$dom0/vmlinuz" "$root/var/lib/xen/images/vmlinuz"
for k in ${GUEST_KERNELS:-}; do # more kernels for domUs
	cp "$k" "$root/var/lib/xen/images/"
done
domu=$out/domu-root
rm -rf "$domu"
mkdir -p "$domu"/{bin,sbin,dev,proc,sys,lib/modules}
cp "$dom0/busybox-root/bin/busybox" "$domu/bin/busybox"
cp "$src/kernel/drivers/block/xen-blkfront.ko" "$src/kernel/drivers/xen/xen-privcmd.ko" \
	"$src/kernel/drivers/net/xen-netfront.ko" "$domu/lib/modules/"
# What blk-hostile needs: gntalloc and evtchn (xenbus's /dev/xen/xenbus
# is built into the kernel).
cp "$src/kernel/drivers/xen/xen-gntalloc.ko" "$src/kernel/drivers/xen/xen-evtchn.ko" "$domu/lib/modules/"
for m in $ext4_mods; do # in the order the guest loads them
	cp "$src/kernel/$m" "$domu/lib/modules/"
done
# Debian's mke2fs as the guest's mkfs.ext4, with the libraries it links.
install -D -m 755 "$root/sbin/mke2fs" "$domu/sbin/mkfs.ext4" # (busybox has its own mke2fs)
install -D -m 644 "$root/etc/mke2fs.conf" "$domu/etc/mke2fs.conf"
for lib in $(chroot "$root" ldd /sbin/mke2fs | grep -oE '/[^ ]+\.so[^ ]*'); do
	install -D -m 755 "$root$lib" "$domu$lib"
done
for tool in ${DOMU_TOOLS:-}; do # static test programs the guest runs
	cp "$tool" "$domu/bin/"
done
here=$(dirname "$0")
install -m 755 "$here/domu-init" "$domu/init"
install -m 755 "$here/domu-poweroff" "$domu/sbin/poweroff"
(cd "$domu" && find . | LC_ALL=C sort | cpio -o -H newc --quiet | gzip -9) \
	>"$root/var/lib/xen/images/domu-initrd.cpio.gz"

for tool in ${DOM0_TOOLS:-}; do # test programs dom0 runs
	install -m 755 "$tool" "$root/usr/local/bin/"
done
install -m 755 "$here/init" "$root/init"
rm -rf "$root/usr/lib/bastion"
if [ -n "${XENSTORED_BIN:-}" ]; then
	install -D -m 755 "$XENSTORED_BIN" "$root/usr/lib/bastion/xenstored"
fi
if [ -n "${XL_BIN:-}" ]; then # our xl, compared with Debian's /usr/sbin/xl
	install -D -m 755 "$XL_BIN" "$root/usr/lib/bastion/xl"
fi
for tool in ${BASTION_BINS:-}; do
	install -D -m 755 "$tool" "$root/usr/lib/bastion/$(basename "$tool" -static)"
done
install -m 644 "$here/bench.sh" "$root/xl-bench.sh"
install -m 644 "$here/ours.sh" "$root/xl-ours.sh"
install -m 644 "$here/bench-blk.sh" "$root/xl-bench-blk.sh"
install -m 644 "$here/bench-net.sh" "$root/xl-bench-net.sh"
install -m 644 "$here/net.sh" "$root/xl-net.sh"

# Pack the dom0 initramfs uncompressed.  Measured on Xen under QEMU -icount:
# the kernel unpacks these 117 MiB in 0.34 s of guest time, a gzip -6 of
# them (47 MiB) in 2.2 s; the whole boot took 6 s more wall time with gzip.
(cd "$root" && find . -xdev | LC_ALL=C sort | cpio -o -H newc --quiet) >"$out/rootfs.cpio.tmp"
mv "$out/rootfs.cpio.tmp" "$out/rootfs.cpio"
echo "xl-dom0: $out/rootfs.cpio $(($(stat -c %s "$out/rootfs.cpio") / 1048576)) MiB" \
	"($(du -sm "$root" | cut -f1) MiB tree), kernel $kver, built in ${SECONDS} s"
