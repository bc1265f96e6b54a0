#!/bin/sh
# Fetches Debian's kernel (the version linux-image-amd64 points at, or with
# "i386" as $2 the one linux-image-686-pae:i386 points at) and
# busybox-static of the same architecture with apt-get download and
# unpacks them under $1.  i386 is added to dpkg's architectures if it is
# not there yet.  Nothing fetched is ever committed.
set -e
out=$1 arch=${2:-amd64}
case $arch in
amd64) meta=linux-image-amd64 suffix= ;;
i386) meta=linux-image-686-pae:i386 suffix=:i386
	if ! dpkg --print-foreign-architectures | grep -qx i386; then
		dpkg --add-architecture i386
		apt-get update -q >/dev/null
	fi ;;
*) echo "fetch: unknown architecture $arch (amd64 or i386)" >&2; exit 1 ;;
esac
mkdir -p "$out/debs"
depends() { apt-cache depends "$meta" 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}'; }
kpkg=$(depends)
if [ -z "$kpkg" ]; then
	apt-get update -q >/dev/null
	kpkg=$(depends)
fi
[ -n "$kpkg" ] || { echo "fetch: cannot tell which kernel $meta depends on" >&2; exit 1; }
kpkg=${kpkg%:i386}
cd "$out/debs"
ls ${kpkg}_*.deb >/dev/null 2>&1 || apt-get download "$kpkg$suffix"
ls busybox-static_*.deb >/dev/null 2>&1 || apt-get download "busybox-static$suffix"
cd ..
rm -rf kernel-root busybox-root
dpkg-deb -x debs/${kpkg}_*.deb kernel-root
dpkg-deb -x debs/busybox-static_*.deb busybox-root
cp kernel-root/boot/vmlinuz-* vmlinuz
echo "$kpkg" > kernel-package
echo "fetch: $kpkg and busybox-static ($arch) unpacked in $out"
