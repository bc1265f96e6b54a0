#!/bin/sh
# Finds a Debian 6.1 amd64 kernel bzImage: /boot/vmlinuz-6.1.0-*-amd64 if
# installed, else the one in the linux-image package apt-get downloads into
# WORKDIR (cached there, never committed).  Prints its path.
# Usage: kernel.sh WORKDIR
work=$1
for k in /boot/vmlinuz-6.1.0-*-amd64; do
	[ -f "$k" ] && { echo "$k"; exit 0; }
done
mkdir -p "$work/kpkg"
for k in "$work"/kpkg/boot/vmlinuz-6.1.0-*-amd64; do
	[ -f "$k" ] && { echo "$k"; exit 0; }
done
pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
	sed -n 's/^ *Depends: \(linux-image-6\.1\.0-[0-9]*-amd64\)$/\1/p' | head -n 1)
[ -n "$pkg" ] || pkg=$(apt-cache search --names-only '^linux-image-6\.1\.0-[0-9]+-amd64$' |
	sort -V | tail -n 1 | cut -d' ' -f1)
[ -n "$pkg" ] || { echo "no linux-image-6.1.0-*-amd64 package known to apt" >&2; exit 1; }
(cd "$work/kpkg" && timeout 300 apt-get download "$pkg" >/dev/null 2>&1) ||
	{ echo "apt-get download $pkg failed" >&2; exit 1; }
dpkg-deb --fsys-tarfile "$work"/kpkg/"$pkg"_*.deb | tar -x -C "$work/kpkg" ./boot/ ||
	{ echo "cannot unpack $pkg" >&2; exit 1; }
for k in "$work"/kpkg/boot/vmlinuz-6.1.0-*-amd64; do
	[ -f "$k" ] && { echo "$k"; exit 0; }
done
echo "$pkg holds no /boot/vmlinuz" >&2
exit 1
