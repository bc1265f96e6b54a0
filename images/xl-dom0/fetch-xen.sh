#!/bin/bash
# Fetches Debian's Xen 4.17 hypervisor (xen-hypervisor-4.17-amd64) with
# apt-get download and writes its uncompressed ELF to OUT/xen.elf, which
# QEMU's -kernel can boot (multiboot).  The reference the xl tests compare
# Bastion with; nothing fetched is ever committed.
#   fetch-xen.sh OUT
set -euo pipefail
out=$1
pkg=xen-hypervisor-4.17-amd64
mkdir -p "$out/debs"
cd "$out/debs"
ls ${pkg}_*.deb >/dev/null 2>&1 || apt-get download "$pkg" ||
	{ apt-get update -q >/dev/null && apt-get download "$pkg"; }
deb=$(ls ${pkg}_*.deb | tail -n 1)
rm -rf ../pkg
dpkg-deb -x "$deb" ../pkg
zcat ../pkg/boot/xen-4.17-amd64.gz >../xen.elf.tmp
mv ../xen.elf.tmp ../xen.elf
dpkg-deb -f "$deb" Version >../version
echo "fetch-xen: $pkg $(cat ../version) -> $out/xen.elf"
