#!/bin/sh
# Host instructions per decode+emulate of one MOV to MMIO, counted by
# callgrind: the difference between runs of 1000 and 101000 iterations,
# divided by 100000, so start-up cost drops out.  Also prints wall time.
# Usage: bench.sh OUTDIR (with OUTDIR/bench built)
set -eu
out=$1
ir() {
	valgrind --tool=callgrind --callgrind-out-file=/dev/null "$out/bench" "$1" 2>&1 |
		awk '/Collected :/ { print $NF }'
}
a=$(ir 1000)
b=$(ir 101000)
[ -n "$a" ] && [ -n "$b" ] || { echo "bench-x86emu: callgrind gave no count" >&2; exit 1; }
echo "x86emu: $(( (b - a) / 100000 )) host instructions per MOV-to-MMIO decode+emulate (callgrind, ($b - $a) / 100000)"
"$out/bench" 10000000
