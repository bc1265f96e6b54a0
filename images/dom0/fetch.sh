#!/bin/sh
# Fetches Debian's kernel (the version linux-image-amd64 points at) and
# busybox-static with apt-get download and unpacks them under $1.
# Nothing fetched is ever committed.
set -e
out=$1
mkdir -p "$out/debs"
kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
if [ -z "$kpkg" ]; then
	apt-get update -q >/dev/null
	kpkg=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
fi
[ -n "$kpkg" ] || { echo "fetch: cannot tell which kernel linux-image-amd64 depends on" >&2; exit 1; }
cd "$out/debs"
ls ${kpkg}_*.deb >/dev/null 2>&1 || apt-get download "$kpkg"
ls busybox-static_*.deb >/dev/null 2>&1 || apt-get download busybox-static
cd ..
rm -rf kernel-root busybox-root
dpkg-deb -x debs/${kpkg}_*.deb kernel-root
dpkg-deb -x debs/busybox-static_*.deb busybox-root
cp kernel-root/boot/vmlinuz-* vmlinuz
echo "$kpkg" > kernel-package
echo "fetch: $kpkg and busybox-static unpacked in $out"
