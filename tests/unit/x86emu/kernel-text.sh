#!/bin/sh
# Fetches Debian's amd64 kernel package into DIR (default build/x86emu/kernel),
# extracts vmlinux from the bzImage (the compressed payload is an XZ stream:
# find its magic FD 37 7A 58 5A 00 and decompress from there, as Linux's
# scripts/extract-vmlinux does for every format), and writes the .text
# section's raw bytes to DIR/text.bin and its load address to DIR/text.addr.
# Nothing here is committed; it is all build output.
set -eu
dir=${1:-build/x86emu/kernel}
mkdir -p "$dir"
cd "$dir"
if [ ! -s text.bin ] || [ ! -s text.addr ]; then
	if [ ! -s vmlinux ]; then
		kernel_pkg() {
			apt-cache depends linux-image-amd64 2>/dev/null |
				awk '/Depends: linux-image-[0-9]/ { print $2; exit }'
		}
		pkg=$(kernel_pkg)
		[ -n "$pkg" ] || { apt-get update -q >/dev/null 2>&1; pkg=$(kernel_pkg); }
		[ -n "$pkg" ] || { echo "kernel-text: apt-cache knows no linux-image-amd64 dependency, even after apt-get update" >&2; exit 1; }
		ls ./"$pkg"_*.deb >/dev/null 2>&1 || apt-get download "$pkg" >download.log 2>&1 ||
			{ apt-get update -q >/dev/null 2>&1 && apt-get download "$pkg" >download.log 2>&1; } ||
			{ echo "kernel-text: apt-get download $pkg failed, see $dir/download.log" >&2; exit 1; }
		rm -rf boot
		dpkg-deb --fsys-tarfile ./"$pkg"_*.deb | tar -x --wildcards './boot/vmlinuz-*'
		img=$(ls boot/vmlinuz-* | head -n 1)
		off=$(LC_ALL=C grep -obUaP '\xfd\x37\x7a\x58\x5a\x00' "$img" | head -n 1 | cut -d: -f1)
		[ -n "$off" ] || { echo "kernel-text: no XZ stream in $img" >&2; exit 1; }
		# xz complains about the bytes after the stream; the ELF check below
		# is what decides whether the extraction worked
		tail -c +"$((off + 1))" "$img" | xz -dc >vmlinux.tmp 2>/dev/null || true
		head -c 4 vmlinux.tmp | grep -q 'ELF' ||
			{ echo "kernel-text: $img: XZ payload at offset $off is not an ELF" >&2; exit 1; }
		mv vmlinux.tmp vmlinux
	fi
	objcopy -O binary --only-section=.text vmlinux text.bin
	objdump -h vmlinux | awk '$2 == ".text" { print $4 }' >text.addr
fi
