#!/bin/sh
# test-pvh-build: the builder's unit tests, then real kernels through the
# loader.  Debian's dom0 kernel (build/dom0/vmlinuz, a bzImage with XZ)
# is decompressed; the vmlinux it holds is re-compressed with each tool
# exactly as Linux's build runs it (scripts/Makefile.lib: gzip -n -f -9;
# bzip2 -9, lzma -9, lzop -9, lz4 -l -9 - - (newer trees; older ones ran
# -l -c1 stdin stdout, which lz4 1.9.4 refuses), zstd -22 --ultra, and
# scripts/xz_wrap.sh's xz --check=crc32 --x86 --lzma2=,dict=32MiB, each
# followed by the size as u32 LE but gzip's) and put back into the real
# bzImage; each must decode to the identical vmlinux and entry point, and
# truncated or damaged copies must be refused.  Then the ELF vmlinux
# itself, the ACPI tables through `iasl -d`, a static link, and Debian's
# 6.12 kernel (zstd payload) fetched with apt-get download.
# Usage: run.sh OUTDIR TEST INSPECT "MAKE-STATIC-CMD"
out=$1 test=$2 inspect=$3 make_static=$4
dir=$(dirname "$0")
work=$out/run
mkdir -p "$work"
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; }

"$test"

kernel=build/dom0/vmlinuz
if [ ! -f "$kernel" ]; then
	fail "Debian dom0 kernel $kernel is missing - run make dom0 (or cp -a the main checkout's build/dom0)"
	exit 1
fi
if ref=$("$inspect" "$kernel" "$work/vmlinux.new" 2>"$work/err"); then
	pass "Debian's dom0 bzImage loads: $ref"
else
	fail "Debian's dom0 bzImage loads - $(cat "$work/err")"
	exit 1
fi
# Keep the old copy (and the compressed streams cached from it) if unchanged.
if cmp -s "$work/vmlinux.new" "$work/vmlinux"; then
	rm -f "$work/vmlinux.new"
else
	mv "$work/vmlinux.new" "$work/vmlinux"
fi
entry=$(echo "$ref" | cut -d' ' -f2-)
size=$(stat -c %s "$work/vmlinux")

# compress NAME: the stream as Linux's build makes it, cached in $work.
compress() {
	s=$work/vmlinux.$1
	[ -s "$s" ] && [ "$s" -nt "$work/vmlinux" ] && return 0
	case $1 in
	gzip) gzip -n -f -9 <"$work/vmlinux" ;;
	bzip2) bzip2 -9 <"$work/vmlinux" ;;
	xz) xz --check=crc32 --x86 --lzma2=,dict=32MiB <"$work/vmlinux" ;;
	lzma) lzma -9 <"$work/vmlinux" ;;
	lzo) lzop -9 <"$work/vmlinux" ;;
	lz4) lz4 -q -l -9 - - <"$work/vmlinux" ;;
	zstd) zstd -q -22 --ultra <"$work/vmlinux" ;;
	esac >"$s.tmp" && mv "$s.tmp" "$s"
}

for c in gzip bzip2 xz lzma lzo lz4 zstd; do
	if ! compress $c; then
		fail "$c: compressing the vmlinux failed"
		continue
	fi
	trailer=$size
	[ $c = gzip ] && trailer=""
	python3 "$dir/rewrap.py" "$kernel" "$work/vmlinux.$c" "$work/bz.$c" "" $trailer
	got=$("$inspect" "$work/bz.$c" "$work/vmlinux.out" 2>"$work/err")
	if [ -n "$got" ] && cmp -s "$work/vmlinux" "$work/vmlinux.out" &&
		[ "$(echo "$got" | cut -d' ' -f2-)" = "$entry" ]; then
		pass "bzImage/$c decodes to the identical vmlinux ($size bytes), entry and span $entry ($(echo "$got" | cut -d' ' -f1))"
	else
		fail "bzImage/$c decodes to the identical vmlinux - got '$got' $(cat "$work/err")"
	fi
	rm -f "$work/vmlinux.out"
	modes="truncate"
	case $c in gzip | bzip2 | xz | lzo | zstd) modes="truncate flip" ;; esac
	for m in $modes; do
		python3 "$dir/rewrap.py" "$kernel" "$work/vmlinux.$c" "$work/bad.$c" $m $trailer
		if "$inspect" "$work/bad.$c" >/dev/null 2>"$work/err"; then
			fail "bzImage/$c with a $m-damaged stream refused - it loaded"
		else
			pass "bzImage/$c with a $m-damaged stream refused: $(cat "$work/err")"
		fi
	done
	rm -f "$work/bz.$c" "$work/bad.$c"
done

# The plan for Debian's kernel + the dom0 initramfs, 256 MiB, 2 vCPUs: the
# figures of notes/xl-pvh-4.17.md 2d (e820 in libxl's order, special gfns).
rd=build/dom0/initramfs.cpio.gz
if [ -f "$rd" ] && "$inspect" --plan "$kernel" "$rd" 256 2 >"$work/plan" 2>"$work/err"; then
	kend=$(echo "$entry" | cut -d' ' -f3)
	rdline=$(grep "^region ramdisk " "$work/plan")
	si=$(printf '%#x' $(($(echo "$rdline" | cut -d' ' -f3) + $(echo "$rdline" | cut -d' ' -f4))))
	want="e820 0 0x10000000 1
e820 0xfeff8000 0x8000 2
e820 0xfc002000 0x40 3
e820 0xfc000000 0x1000 3
e820 0xfc001000 0x1000 3"
	if [ "$(grep '^e820 ' "$work/plan")" = "$want" ] &&
		grep -qx "region kernel 0x1000000 .*" "$work/plan" &&
		echo "$rdline" | grep -q "^region ramdisk $kend " &&
		grep -q "^region start_info $si " "$work/plan" &&
		grep -qx "cpu rip=$(echo "$entry" | cut -d' ' -f1) rbx=$si" "$work/plan" &&
		grep -qx "param 1 0xfeffc" "$work/plan" && grep -qx "param 17 0xfefff" "$work/plan"; then
		pass "Debian kernel + initramfs, 256 MiB/2 vCPUs: e820 as libxl's 5 entries, kernel at 0x1000000, ramdisk at $kend, start info at $si = rbx, store/console gfns 0xfeffc/0xfefff"
	else
		fail "plan for Debian kernel + initramfs - got: $(tr '\n' ';' <"$work/plan")"
	fi
else
	fail "plan for Debian kernel + $rd - $(cat "$work/err" 2>/dev/null)"
fi

head -c 3000000 "$kernel" >"$work/short"
if "$inspect" "$work/short" >/dev/null 2>"$work/err"; then
	fail "truncated bzImage refused - it loaded"
else
	pass "truncated bzImage refused: $(cat "$work/err")"
fi
got=$("$inspect" "$work/vmlinux" 2>"$work/err")
if [ "$(echo "$got" | cut -d' ' -f2-)" = "$entry" ] && [ "$(echo "$got" | cut -d' ' -f1)" = ELF64 ]; then
	pass "the ELF vmlinux itself loads with the same entry and span: $got"
else
	fail "the ELF vmlinux loads - got '$got' $(cat "$work/err")"
fi

for v in 1 2; do
	rm -rf "$work/acpi$v" && mkdir -p "$work/acpi$v"
	if ! "$inspect" --acpi "$work/acpi$v" $v 2>"$work/err"; then
		fail "ACPI tables for $v vCPU(s) dumped - $(cat "$work/err")"
		continue
	fi
	bad=""
	for t in "$work/acpi$v"/*.dat; do
		(cd "$work/acpi$v" && iasl -d "$(basename "$t")" >/dev/null 2>&1) || bad="$bad $(basename "$t")"
	done
	n=$(ls "$work/acpi$v"/*.dsl 2>/dev/null | wc -l)
	if [ -z "$bad" ] && [ "$n" = 6 ] && ! grep -qil "error\|invalid\|incorrect" "$work/acpi$v"/*.dsl; then
		pass "iasl -d disassembles all 6 tables for $v vCPU(s) (DSDT FADT FADT1 MADT XSDT RSDT) cleanly"
	else
		fail "iasl -d on the ACPI tables for $v vCPU(s) - failed on:$bad ($n .dsl)"
	fi
done
ids=$(grep "Local Apic ID" "$work/acpi2/APIC.dsl" | awk '{print $NF}' | tr '\n' ' ')
[ "$ids" = "00 02 " ] && pass "iasl reads MADT APIC ids 0 and 2 for 2 vCPUs" ||
	fail "iasl reads MADT APIC ids 0 and 2 - got '$ids'"

if $make_static >"$work/static.log" 2>&1; then
	pass "the library links statically with Debian's libz, libbz2, liblzma, liblzo2, liblz4, libzstd"
else
	fail "static link - see $work/static.log"
fi

deb=$(ls build/appliance/builder/deb612/linux-image-6.12.*-amd64*.deb 2>/dev/null | head -1)
if [ -z "$deb" ]; then
	pkg=$(apt-cache search --names-only '^linux-image-6\.12\.[0-9.]+\+deb12-amd64-unsigned$' |
		awk '{print $1}' | sort -V | tail -1)
	mkdir -p build/appliance/builder/deb612
	[ -n "$pkg" ] && (cd build/appliance/builder/deb612 && timeout 300 apt-get download "$pkg" >/dev/null 2>&1)
	deb=$(ls build/appliance/builder/deb612/linux-image-6.12.*-amd64*.deb 2>/dev/null | head -1)
fi
if [ -z "$deb" ]; then
	fail "Debian 6.12 kernel - apt-get download of linux-image-6.12.*-amd64-unsigned failed"
	exit 1
fi
x=build/appliance/builder/deb612/root
[ -d "$x/boot" ] || dpkg-deb -x "$deb" "$x"
k612=$(ls "$x"/boot/vmlinuz-6.12.* | head -1)
got=$("$inspect" "$k612" 2>"$work/err")
case $got in
bzImage/zstd*) pass "Debian's $(basename "$k612") (zstd payload) loads: $got" ;;
*) fail "Debian's 6.12 kernel loads as bzImage/zstd - got '$got' $(cat "$work/err")" ;;
esac
