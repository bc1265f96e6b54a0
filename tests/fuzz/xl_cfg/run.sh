#!/bin/sh
# Runs one of xl's parser fuzzers (xl.cfg, or libxl's JSON) for a bounded
# time, seeded with the unit tests' files.
# Usage: run.sh <fuzzer> <seconds> <seed dir> <output dir> [<what it parses>]
fuzzer=$1
secs=$2
seeds=$3
out=$4
what=${5:-xl.cfg}
corpus=$out/fuzz-corpus
log=$out/fuzz-$secs.log
mkdir -p "$corpus"
if timeout $((secs + 60)) "$fuzzer" -max_total_time="$secs" -timeout=10 -max_len=4096 \
	-rss_limit_mb=1024 -print_final_stats=1 "$corpus" "$seeds" >"$log" 2>&1; then
	runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
	echo "PASS: $what fuzzer ran ${secs}s (${runs:-?} inputs) without a crash, leak or UB"
else
	echo "FAIL: $what fuzzer - found a problem (see $log)"
	tail -40 "$log"
	exit 1
fi
