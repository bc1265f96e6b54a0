#!/bin/sh
# Runs the xenstored message fuzzer for a bounded time from a small seed
# corpus of well-formed requests.  Usage: run.sh <fuzzer> <seconds>
fuzzer=$1
secs=$2
corpus=build/tests/xenstored/fuzz-corpus
seeds=build/tests/xenstored/fuzz-seeds
mkdir -p "$corpus" "$seeds"
# seeds: split byte, chunk byte, ring share, ring flags, then (ring share:
# 16 index bytes + request bytes) and xsd_sockmsg (type, req, tx, len LE) + payload
msg() { printf "$1"; }
msg '\200\001\000\000\013\000\000\000\001\000\000\000\000\000\000\000\011\000\000\000/a/b\000val' >"$seeds/write"
msg '\377\001\000\000\002\000\000\000\002\000\000\000\000\000\000\000\005\000\000\000/a/b\000' >"$seeds/read"
msg '\200\001\000\000\006\000\000\000\001\000\000\000\000\000\000\000\001\000\000\000\000\013\000\000\000\002\000\000\000\001\000\000\000\006\000\000\000/x\000yy\000' >"$seeds/txn"
msg '\200\001\000\000\004\000\000\000\001\000\000\000\000\000\000\000\005\000\000\000/a\000t\000' >"$seeds/watch"
msg '\200\001\000\000\016\000\000\000\001\000\000\000\000\000\000\000\010\000\000\000/a\000b0\000r7\000' >"$seeds/perms"
msg '\377\001\377\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\013\000\000\000\001\000\000\000\000\000\000\000\010\000\000\000data/x\000v' >"$seeds/ring"
# Inputs that once found a bug (tests/fuzz/xenstore/regress) seed every run.
cp tests/fuzz/xenstore/regress/* "$seeds/"
log=build/tests/xenstored/fuzz.log
# Run where the files a fuzzed "CONTROL logfile <name>" opens can land.
top=$(pwd)
scratch=build/tests/xenstored/fuzz-cwd
rm -rf "$scratch"
mkdir -p "$scratch"
case $fuzzer in /*) ;; *) fuzzer=$top/$fuzzer ;; esac
if (cd "$scratch" && timeout $((secs + 60)) "$fuzzer" -max_total_time="$secs" -timeout=10 \
	-rss_limit_mb=1024 -print_final_stats=1 "$top/$corpus" "$top/$seeds") >"$log" 2>&1; then
	runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
	echo "PASS: xenstored message fuzzer ran ${secs}s (${runs:-?} inputs) without a crash, leak or UB"
else
	echo "FAIL: xenstored message fuzzer - found a problem (see $log)"
	tail -40 "$log"
	exit 1
fi
