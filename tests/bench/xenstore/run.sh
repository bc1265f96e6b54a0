#!/bin/sh
# Benchmark: requests/second for a 4:1 READ/WRITE mix through the Unix
# socket, our xenstored against Xen 4.17's C xenstored from Debian's
# xen-utils-4.17 (both with --no-domain-init, foreground, private socket),
# measured in the same run with the same client.  Prints both figures and
# the ratio, or why the reference could not be measured.
# Usage: run.sh <our xenstored> <xs-bench>
ours=$1
bench=$2
requests=${XS_BENCH_REQUESTS:-200000}
ref=/usr/lib/xen-4.17/bin/xenstored
dir=$(mktemp -d /tmp/xs-bench.XXXXXX)

# measure <name> <daemon command...>: prints ops/s or a reason on stdout
measure() {
	name=$1
	shift
	XENSTORED_PATH=$dir/$name.sock XENSTORED_RUNDIR=$dir timeout 600 "$@" \
		>"$dir/$name.log" 2>&1 &
	pid=$!
	for i in $(seq 50); do [ -S "$dir/$name.sock" ] && break; sleep 0.1; done
	if ! [ -S "$dir/$name.sock" ]; then
		echo "did not start: $(head -c 300 "$dir/$name.log")"
		kill $pid 2>/dev/null; wait $pid 2>/dev/null
		return
	fi
	if out=$(timeout 300 "$bench" "$dir/$name.sock" "$requests" 2>&1); then
		echo "$out"
	else
		sleep 0.2
		if kill -0 $pid 2>/dev/null; then
			echo "failed: $out"
		else
			wait $pid
			echo "daemon died (exit status $?) at the first requests: $out"
		fi
	fi
	kill $pid 2>/dev/null
	wait $pid 2>/dev/null
}

echo "xenstore bench: $requests requests, 4 READ : 1 WRITE, 256 keys x 64 bytes, one client"
our_ops=$(measure ours "$ours" -N -D)
echo "ours: build/appliance/xenstored -N -D: $our_ops (ops/s)"
if [ -x "$ref" ]; then
	ref_ops=$(measure ref "$ref" --no-domain-init -N)
else
	ref_ops="not installed (apt-get install xen-utils-4.17)"
fi
echo "Xen 4.17 C xenstored: $ref --no-domain-init -N: $ref_ops (ops/s)"
case "$our_ops$ref_ops" in
*[!0-9]*) echo "ratio ours/Xen: not available (see above)" ;;
*) echo "ratio ours/Xen: $(awk "BEGIN { printf \"%.2f\", $our_ops / $ref_ops }")" ;;
esac
rm -rf "$dir"
case "$our_ops" in *[!0-9]*|"") exit 1 ;; esac
