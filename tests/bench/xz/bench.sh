#!/bin/sh
# bench-xz: decode speed of Debian's kernel bzImage with the hv's XZ decoder
# (host build, -O2, no sanitizers; best of 5, payload in memory, output
# into one buffer) against `xz -dc --single-stream` on the same payload cut
# out with dd (best of 5, output to /dev/null).  MB are 10^6 bytes of output.
# Usage: bench.sh XZ_TOOL_FAST WORKDIR
here=$(dirname "$0")/../../unit/xz
tool=$1 work=$2
k=$("$here/kernel.sh" "$work") || exit 1
"$here/payload.sh" "$k" "$work/payload.xz" || exit 1
size=$("$tool" bzsize "$k") || exit 1
ours=$("$tool" bench "$k" 5) || exit 1
best=
for i in 1 2 3 4 5; do
	t0=$(date +%s%N)
	xz -dc --single-stream "$work/payload.xz" >/dev/null || exit 1
	t=$(($(date +%s%N) - t0))
	[ -z "$best" ] || [ "$t" -lt "$best" ] && best=$t
done
ours_mbs=${ours%% MB/s*}
echo "kernel: $(basename "$k"), payload $(stat -c %s "$work/payload.xz") bytes -> $size bytes"
echo "bastion xz_decode: $ours"
awk -v s="$size" -v ns="$best" -v o="$ours_mbs" 'BEGIN {
	x = s / (ns / 1e9) / 1e6
	printf "xz -dc (XZ Utils %s): %.1f MB/s (%.3f s, best of 5)\n", "'"$(xz --version | head -n 1 | cut -d' ' -f4)"'", x, ns / 1e9
	printf "ratio bastion/xz: %.2f\n", o / x }'
