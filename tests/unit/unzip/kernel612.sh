#!/bin/sh
# Finds Debian's 6.12 amd64 kernel bzImage (zstd-compressed): the one in
# the newest linux-image-6.12.*-amd64-unsigned package apt knows,
# downloaded with apt-get download into WORKDIR (cached there, never
# committed).  Prints its path.
# Usage: kernel612.sh WORKDIR
work=$1
mkdir -p "$work/kpkg612"
for k in "$work"/kpkg612/boot/vmlinuz-6.12.*-amd64; do
	[ -f "$k" ] && { echo "$k"; exit 0; }
done
pkg=$(apt-cache search --names-only '^linux-image-6\.12\.[0-9]+\+deb[0-9]+-amd64-unsigned$' |
	cut -d' ' -f1 | sort -V | tail -n 1)
[ -n "$pkg" ] || { echo "no linux-image-6.12.*-amd64-unsigned package known to apt" >&2; exit 1; }
(cd "$work/kpkg612" && timeout 600 apt-get download "$pkg" >/dev/null 2>&1) ||
	{ echo "apt-get download $pkg failed" >&2; exit 1; }
dpkg-deb --fsys-tarfile "$work"/kpkg612/"$pkg"_*.deb | tar -x -C "$work/kpkg612" ./boot/ ||
	{ echo "cannot unpack $pkg" >&2; exit 1; }
rm -f "$work"/kpkg612/*.deb
for k in "$work"/kpkg612/boot/vmlinuz-6.12.*-amd64; do
	[ -f "$k" ] && { echo "$k"; exit 0; }
done
echo "$pkg holds no /boot/vmlinuz" >&2
exit 1
