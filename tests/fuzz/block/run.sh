#!/bin/sh
# Runs the block-format fuzzer for SECONDS over a seed corpus of small
# images made by qemu-img (generated here, never committed).
# Usage: run.sh FUZZER WORKDIR SECONDS
FUZZER=$1
W=$2
SECS=$3
mkdir -p "$W/corpus" "$W/seeds" || exit 1
S=$W/seeds
mkimg() { # mkimg NAME PREFIXBYTE FMT OPTS SIZE [qemu-io commands...]
	name=$1 pre=$2 fmt=$3 opts=$4 size=$5
	shift 5
	qemu-img create -q -f "$fmt" ${opts:+-o "$opts"} "$S/$name.img" "$size" || return
	for c in "$@"; do qemu-io -f "$fmt" -c "$c" "$S/$name.img" >/dev/null || return; done
	{ printf "$pre"; cat "$S/$name.img"; } >"$W/corpus/seed-$name"
}
if [ ! -e "$W/corpus/seed-qs" ]; then
	mkimg q3 '\004' qcow2 cluster_size=512 64k "write -P 1 0 3k" "write -z 8k 1k" "discard 1k 512"
	mkimg q2 '\000' qcow2 cluster_size=512,compat=0.10 64k "write -P 2 512 2k"
	mkimg q1bit '\004' qcow2 cluster_size=512,refcount_bits=1 32k "write -P 3 0 1k"
	qemu-img create -q -f qcow2 -u -b seed.raw -F raw -o cluster_size=512 "$S/qb.img" 16k
	{ printf '\004'; cat "$S/qb.img"; } >"$W/corpus/seed-qb"
	head -c 16384 /dev/urandom >"$S/r.raw"
	qemu-img convert -c -f raw -O qcow2 -o cluster_size=4k "$S/r.raw" "$S/qc.img"
	{ printf '\000'; cat "$S/qc.img"; } >"$W/corpus/seed-qc"
	qemu-img create -q -f qcow2 -o cluster_size=512 "$S/qs.img" 32k &&
		qemu-io -c "write -P 5 0 2k" "$S/qs.img" >/dev/null &&
		qemu-img snapshot -c s1 "$S/qs.img" &&
		qemu-io -c "write -P 6 1k 2k" "$S/qs.img" >/dev/null &&
		{ printf '\004'; cat "$S/qs.img"; } >"$W/corpus/seed-qs"
	mkimg vd '\005' vpc "" 64k
	mkimg vf '\001' vpc subformat=fixed 32k "write -P 4 0 4k"
fi
log=$W/fuzz.log
timeout $((SECS + 60)) "$FUZZER" -max_total_time="$SECS" -max_len=70000 \
	-rss_limit_mb=2048 -timeout=10 -print_final_stats=1 "$W/corpus" >"$log" 2>&1
rc=$?
runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
if [ $rc = 0 ]; then
	echo "PASS: libFuzzer over qcow2/VHD header and table parsing: ${runs:-?} inputs in ${SECS}s, no crash, leak or UB"
else
	grep -E 'ERROR|SUMMARY|runtime error' "$log" | head -5
	echo "FAIL: block fuzzer - exit $rc (crash input and log in $W)"
	exit 1
fi
