#!/bin/sh
# test-xz: the hv's XZ decoder against Debian's xz (XZ Utils) and kernel.
#  1. round trips: inputs from gen_corpus.py compressed by `xz` with many
#     option sets (checks, presets, BCJ, block sizes, lc/lp/pb, threads,
#     concatenated streams) must decode to the input bytes;
#  2. files xz writes with filters/checks we lack are refused by name;
#  3. test_xz: byte flips, truncations, error classes, bzImage headers;
#  4. Debian's kernel bzImage decodes to what `xz -dc` gives for the
#     payload (cut out with dd at the header's offsets): an ELF64 file;
#  5. a short libFuzzer run.
# Usage: run.sh XZ_TOOL TEST_XZ FUZZER WORKDIR FUZZ_SECONDS
here=$(dirname "$0")
tool=$1 test=$2 fuzzer=$(realpath "$3") work=$4 fuzz_secs=$5
c=$work/corpus
failed=0
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; failed=1; }

rm -rf "$c" && python3 "$here/gen_corpus.py" "$c" || { fail "corpus generation"; exit 1; }

# decodes NAME.xz and compares with EXPECTED
check_decode() {
	name=$1 expected=$2 what=$3
	if ! "$tool" decode "$c/$name.xz" "$c/$name.out" 2>"$c/$name.err"; then
		fail "$name: $what - $(cat "$c/$name.err")"
	elif ! cmp -s "$c/$name.out" "$expected"; then
		fail "$name: $what - output differs from the input"
	elif [ "$("$tool" size "$c/$name.xz" 2>&1)" != "$(stat -c %s "$expected")" ]; then
		fail "$name: $what - index size $("$tool" size "$c/$name.xz" 2>&1)"
	else
		pass "$name: $what"
	fi
	rm -f "$c/$name.out"
}

# round trip: NAME INPUT xz-options...
rt() {
	name=$1 raw=$2
	shift 2
	if ! xz -c "$@" "$c/$raw.raw" >"$c/$name.xz"; then
		fail "$name: xz $* failed"
		return
	fi
	check_decode "$name" "$c/$raw.raw" "decodes what \`xz $*\` made of $raw"
}

kern="--check=crc32 --x86 --lzma2=dict=32MiB"
for raw in empty one small text elf_bash elf_libc; do
	rt "$raw-kernel" "$raw" $kern
done
for chk in none crc32 crc64; do
	for raw in empty one small text; do
		rt "$raw-$chk" "$raw" --check=$chk
	done
done
for p in 0 1 2 3 4 5 6 7 8 9; do
	rt "text-p$p" text -$p
done
rt text-p0e text -0e
rt mix-p6e mix -6e
rt text-p9e text -9e
rt random-p6 random -6
rt mix-crc64 mix --check=crc64
rt repeats-p9 repeats -9
rt elf_bash-plain elf_bash --lzma2=preset=6
rt elf_libc-x86-crc64 elf_libc --check=crc64 --x86 --lzma2
rt elf_bash-x86-start elf_bash --x86=start=4198400 --lzma2=preset=6
rt elf_libc-x86-blocks elf_libc --x86 --lzma2=dict=1MiB --block-size=300000 --check=crc64
rt text-blocks text --block-size=100000
rt small-blocks small --block-size=1000 --check=crc32 --x86 --lzma2
rt mix-threads mix -T2 --block-size=500000
rt text-dict4k text --lzma2=dict=4KiB
rt text-lc0lp4 text --lzma2=lc=0,lp=4,pb=0
rt mix-lc4pb4 mix --lzma2=lc=4,lp=0,pb=4
rt elf_bash-lc1lp3 elf_bash --x86 --lzma2=lc=1,lp=3,pb=2
rt bcj-x86 bcj --x86 --lzma2=preset=1
rt bcj-x86-start bcj --x86=start=4294967000 --lzma2=preset=1
rt medium-kernel-blocks medium --block-size=16384 $kern

# concatenated streams, with and without stream padding
cat "$c/small-crc32.xz" "$c/one-crc64.xz" >"$c/concat.xz"
cat "$c/small.raw" "$c/one.raw" >"$c/concat.raw"
check_decode concat "$c/concat.raw" "two concatenated streams decode as one file"
{ cat "$c/small-crc32.xz"; printf '\0\0\0\0'; cat "$c/one-crc64.xz"; printf '\0\0\0\0\0\0\0\0'; } \
	>"$c/concat-padded.xz"
check_decode concat-padded "$c/concat.raw" "streams separated and followed by stream padding"

# refused inputs: NAME expected-message-fragment producer...
refuse() {
	name=$1 want=$2
	shift 2
	"$@" >"$c/$name.xz" 2>/dev/null || { fail "$name: producing it failed ($*)"; return; }
	if "$tool" decode "$c/$name.xz" "$c/$name.out" 2>"$c/$name.err"; then
		fail "$name: decoded although it should be refused ($*)"
	elif grep -q "$want" "$c/$name.err"; then
		pass "$name: refused, naming \"$want\": $(cat "$c/$name.err")"
	else
		fail "$name: refused without naming \"$want\" - $(cat "$c/$name.err")"
	fi
}
refuse delta "Delta" xz -c --delta=dist=4 --lzma2 "$c/small.raw"
refuse arm "ARM BCJ" xz -c --arm --lzma2 "$c/small.raw"
refuse sha256 "SHA-256" xz -c --check=sha256 "$c/small.raw"
refuse lzma-alone "bad magic" xz -c --format=lzma "$c/small.raw"
refuse gzip "bad magic" gzip -c "$c/small.raw"
refuse bad-padding "not a multiple of 4" sh -c "cat '$c/small-crc32.xz'; printf '\0\0\0'"
refuse trailing "bad magic" sh -c "cat '$c/small-crc32.xz'; printf 'junk'"
gzip -c "$c/small.raw" >"$c/small.gz"

# damage: the first pair also gets the error-class and bzImage checks
"$test" "$c/small.gz" "$c/small-kernel.xz" "$c/small.raw" "$c/small-blocks.xz" "$c/small.raw" \
	"$c/small-none.xz" "$c/small.raw" "$c/small-crc64.xz" "$c/small.raw" \
	"$c/one-crc32.xz" "$c/one.raw" "$c/empty-kernel.xz" "$c/empty.raw" \
	"$c/medium-kernel-blocks.xz" "$c/medium.raw" || failed=1

# Debian's kernel
if k=$("$here/kernel.sh" "$work" 2>"$work/kernel.err"); then
	"$here/payload.sh" "$k" "$work/payload.xz"
	xz -dc --single-stream "$work/payload.xz" >"$work/vmlinux.ref" 2>"$work/xz.err"
	if ! "$tool" bzimage "$k" "$work/vmlinux.ours" 2>"$work/ours.err"; then
		fail "$(basename "$k"): bzImage decodes - $(cat "$work/ours.err")"
	elif ! cmp -s "$work/vmlinux.ours" "$work/vmlinux.ref"; then
		fail "$(basename "$k"): output equals xz -dc of the payload - differs"
	elif [ "$(od -An -tx1 -N5 "$work/vmlinux.ours" | tr -d ' ')" != 7f454c4602 ]; then
		fail "$(basename "$k"): output is ELF64 - starts $(od -An -tx1 -N5 "$work/vmlinux.ours")"
	else
		pass "$(basename "$k"): bzImage decodes to the ELF64 vmlinux, $(stat -c %s \
			"$work/vmlinux.ours") bytes equal to xz -dc of the payload"
	fi
	size=$("$tool" bzsize "$k" 2>&1)
	[ "$size" = "$(stat -c %s "$work/vmlinux.ref")" ] &&
		pass "$(basename "$k"): decoded size from the XZ index ($size) before decoding" ||
		fail "$(basename "$k"): decoded size from the XZ index - got $size"
	rm -f "$work/vmlinux.ours" "$work/vmlinux.ref"
else
	fail "Debian kernel bzImage - $(cat "$work/kernel.err")"
fi

# fuzzing, seeded with the small files
. "$here/../decomp/fuzz_run.sh"
fuzz_run "$fuzzer" "$work" "$fuzz_secs" "$c"/small-*.xz "$c"/one-*.xz "$c"/empty-*.xz "$c/concat-padded.xz"
exit $failed
