#!/bin/sh
# test-unzip: the hv's zstd and gzip decoders against Debian's zstd and
# gzip, and Debian's kernels.
#  1. round trips: gen_corpus.py inputs compressed by `zstd` (levels, the
#     kernel build's -22 --ultra from a pipe, --long, window logs, no
#     checksum/size, multi-frame with skippable frames) and by `gzip`
#     (levels, -n -9 as the kernel build does, names, multi-member) decode
#     to the input bytes into a buffer of exactly the input's size;
#  2. test_unzip: byte flips, truncations, crafted headers, bzImages;
#  3. Debian's 6.12 bzImage decodes to what `zstd -d` gives for its
#     payload; a 6.1 kernel re-wrapped with a gzip payload decodes to what
#     `xz -d` gives for its own;
#  4. a short libFuzzer run.
# Usage: run.sh UNZIP_TOOL TEST_UNZIP FUZZER WORKDIR FUZZ_SECONDS
here=$(dirname "$0")
tool=$1 test=$2 fuzzer=$(realpath "$3") work=$4 fuzz_secs=$5
c=$work/corpus
failed=0
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; failed=1; }

rm -rf "$c" && python3 "$here/../xz/gen_corpus.py" "$c" || { fail "corpus generation"; exit 1; }
# long-distance repeats (libc again 4 MB on) for --long and big windows
cat "$c/elf_libc.raw" "$c/text.raw" "$c/mix.raw" "$c/elf_libc.raw" >"$c/long.raw"
# inputs that make zstd -19 use the rarer literal forms: few small byte
# values (Huffman weights stored directly, not FSE-coded); blocks whose
# literals are all one byte (RLE literals)
python3 - "$c" <<'PY'
import random, sys
r = random.Random(20261206)
open(sys.argv[1] + '/nibbles.raw', 'wb').write(bytes(r.randrange(16) for _ in range(3000)))
block = r.randbytes(131072)
data = bytearray(block)
while len(data) < 400000:
    at = r.randrange(0, 120000)
    data += b'Z' + block[at:at + r.randint(200, 2000)]
open(sys.argv[1] + '/onelit.raw', 'wb').write(bytes(data))
PY

# check KIND FILE EXPECTED WHAT: decodes FILE and compares with EXPECTED
check() {
	kind=$1 file=$2 expected=$3 what=$4 name=$(basename "$2")
	if ! "$tool" "$kind" "$file" "$file.out" "$(stat -c %s "$expected")" 2>"$file.err"; then
		fail "$name: $what - $(cat "$file.err")"
	elif ! cmp -s "$file.out" "$expected"; then
		fail "$name: $what - output differs from the input"
	else
		pass "$name: $what"
	fi
	rm -f "$file.out"
}

# zrt NAME INPUT zstd-options...
zrt() {
	name=$1 raw=$2
	shift 2
	zstd -q -c "$@" "$c/$raw.raw" >"$c/$name.zst" || { fail "$name: zstd $* failed"; return; }
	check zstd "$c/$name.zst" "$c/$raw.raw" "decodes what \`zstd $*\` made of $raw"
}

for raw in empty one small text elf_bash random repeats medium; do
	zrt "$raw-z3" "$raw" -3
done
for l in 1 5 9 15 19; do
	zrt "mix-z$l" mix -$l
done
zrt nibbles-z19 nibbles -19
zrt onelit-z19 onelit -19
zrt elf_libc-ultra22 elf_libc -22 --ultra
zrt long-ultra22 long -22 --ultra
zrt long-long27 long --long=27 -3
zrt long-long27-19 long --long=27 -19
zrt text-fast text --fast=5
zrt mix-nocheck mix -9 --no-check
zrt text-nosize text -6 --no-content-size
zrt small-check small -19 --check
for wlog in 10 12 17 20; do
	zrt "mix-wlog$wlog" mix "--zstd=wlog=$wlog"
done
zrt mix-T2 mix -T2 -6
zrt elf_bash-strat elf_bash --zstd=strategy=9,wlog=23 -19
# as the kernel build does: zstd -22 --ultra from a pipe (no content size)
cat "$c/long.raw" | zstd -q -22 --ultra >"$c/long-pipe.zst"
check zstd "$c/long-pipe.zst" "$c/long.raw" "decodes \`cat | zstd -22 --ultra\` (no content size)"
size=$("$tool" zsize "$c/long-ultra22.zst" 2>&1)
[ "$size" = "$(stat -c %s "$c/long.raw")" ] && pass "zstd content size from the frame header ($size)" ||
	fail "zstd content size from the frame header - $size"
"$tool" zsize "$c/long-pipe.zst" 2>&1 | grep -q "does not record" &&
	pass "zstd content size: a frame without one is named" ||
	fail "zstd content size of a piped frame - $("$tool" zsize "$c/long-pipe.zst" 2>&1)"

# frames one after another, with skippable frames before, between, after
# (magic 0x184D2A5?, little-endian; octal escapes for dash's printf)
skip() { printf "$1\052\115\030\005\000\000\000hello"; }
{ skip '\120'; cat "$c/small-z3.zst"; skip '\137'; cat "$c/text-fast.zst" "$c/one-z3.zst"; skip '\127'; } \
	>"$c/multi.zst"
cat "$c/small.raw" "$c/text.raw" "$c/one.raw" >"$c/multi.raw"
check zstd "$c/multi.zst" "$c/multi.raw" "three frames and four skippable frames decode as one file"

# grt NAME INPUT gzip-options...
grt() {
	name=$1 raw=$2
	shift 2
	gzip -c "$@" "$c/$raw.raw" >"$c/$name.gz" || { fail "$name: gzip $* failed"; return; }
	check gzip "$c/$name.gz" "$c/$raw.raw" "decodes what \`gzip $*\` made of $raw"
}
for raw in empty one small text elf_bash random repeats medium long; do
	grt "$raw-g9n" "$raw" -n -9
done
for l in 1 3 6; do
	grt "mix-g$l" mix -$l
done
grt elf_libc-rsync elf_libc --rsyncable
cat "$c/small-g9n.gz" "$c/mix-g1.gz" "$c/one-g9n.gz" >"$c/multi.gz"
cat "$c/small.raw" "$c/mix.raw" "$c/one.raw" >"$c/multi-gz.raw"
check gzip "$c/multi.gz" "$c/multi-gz.raw" "three concatenated members decode as one file"
# header fields gzip itself does not write: FEXTRA, FCOMMENT, FHCRC
python3 - "$c/small.raw" "$c/fields.gz" <<'PY'
import sys, zlib, struct
data = open(sys.argv[1], 'rb').read()
raw = zlib.compressobj(9, zlib.DEFLATED, -15)
body = raw.compress(data) + raw.flush()
hdr = b'\x1f\x8b\x08' + bytes([0x04 | 0x08 | 0x10 | 0x02]) + b'\0\0\0\0\x02\x03'
hdr += struct.pack('<H', 5) + b'XYxyz' + b'name.txt\0' + b'a comment\0'
hdr += struct.pack('<H', zlib.crc32(hdr) & 0xFFFF)
open(sys.argv[2], 'wb').write(hdr + body + struct.pack('<II', zlib.crc32(data), len(data)))
PY
check gzip "$c/fields.gz" "$c/small.raw" "FEXTRA, FNAME, FCOMMENT and a good FHCRC are read"

# damage, truncation, crafted headers, bzImages
"$test" "$c/small-check.zst" "$c/small.raw" "$c/medium-z3.zst" "$c/medium.raw" \
	"$c/small-g9n.gz" "$c/small.raw" "$c/medium-g9n.gz" "$c/medium.raw" \
	"$c/fields.gz" "$c/small.raw" || failed=1

# Debian's 6.12 kernel: zstd
if k=$("$here/kernel612.sh" "$work" 2>"$work/kernel.err"); then
	"$here/../xz/payload.sh" "$k" "$work/payload.zst"
	head -c $(($(stat -c %s "$work/payload.zst") - 4)) "$work/payload.zst" >"$work/frames.zst"
	zstd -q -d -c "$work/frames.zst" >"$work/vmlinux.ref" 2>"$work/zstd.err"
	if ! "$tool" bzimage "$k" "$work/vmlinux.ours" 2>"$work/ours.err"; then
		fail "$(basename "$k"): bzImage decodes - $(cat "$work/ours.err")"
	elif ! cmp -s "$work/vmlinux.ours" "$work/vmlinux.ref" || [ ! -s "$work/vmlinux.ref" ]; then
		fail "$(basename "$k"): output equals zstd -d of the payload - differs"
	elif [ "$(od -An -tx1 -N5 "$work/vmlinux.ours" | tr -d ' ')" != 7f454c4602 ]; then
		fail "$(basename "$k"): output is ELF64 - starts $(od -An -tx1 -N5 "$work/vmlinux.ours")"
	else
		pass "$(basename "$k"): zstd bzImage decodes to the ELF64 vmlinux, $(stat -c %s \
			"$work/vmlinux.ours") bytes equal to zstd -d of the payload"
	fi
	size=$("$tool" bzsize "$k" 2>&1)
	[ "$size" = "$(stat -c %s "$work/vmlinux.ref")" ] &&
		pass "$(basename "$k"): decoded size from the payload's trailer ($size)" ||
		fail "$(basename "$k"): decoded size from the payload's trailer - got $size"
	rm -f "$work/vmlinux.ours" "$work/vmlinux.ref" "$work/frames.zst"
else
	fail "Debian 6.12 kernel bzImage - $(cat "$work/kernel.err")"
fi

# Debian's 6.1 kernel re-wrapped with a gzip payload, as `gzip -n -9`
if k=$("$here/../xz/kernel.sh" "$work" 2>"$work/kernel.err"); then
	"$here/../xz/payload.sh" "$k" "$work/payload.xz"
	xz -dc --single-stream "$work/payload.xz" >"$work/vmlinux.ref"
	gzip -n -9 -c "$work/vmlinux.ref" >"$work/payload.gz"
	python3 "$here/rewrap.py" "$k" "$work/payload.gz" "$work/vmlinuz-gzip"
	if ! "$tool" bzimage "$work/vmlinuz-gzip" "$work/vmlinux.ours" 2>"$work/ours.err"; then
		fail "$(basename "$k") re-wrapped with gzip: decodes - $(cat "$work/ours.err")"
	elif ! cmp -s "$work/vmlinux.ours" "$work/vmlinux.ref"; then
		fail "$(basename "$k") re-wrapped with gzip: output equals xz -d of the original"
	else
		pass "$(basename "$k") re-wrapped with gzip -n -9: decodes to the same $(stat -c %s \
			"$work/vmlinux.ours") bytes as xz -d of its XZ payload"
	fi
	rm -f "$work/vmlinux.ours" "$work/vmlinux.ref" "$work/payload.gz"
else
	fail "Debian 6.1 kernel bzImage - $(cat "$work/kernel.err")"
fi

# fuzzing, seeded with the small files
. "$here/../decomp/fuzz_run.sh"
fuzz_run "$fuzzer" "$work" "$fuzz_secs" "$c"/small-*.zst "$c"/one-*.zst "$c"/small-*.gz "$c/fields.gz"
exit $failed
