#!/bin/sh
# Runs the xenstored protocol tests: starts the daemon in the foreground on
# a private socket with --no-domain-init and a ring directory, runs the C
# client tests against it, then checks the daemon survived them all.
# Usage: run.sh <xenstored> <xs-protocol-test>
daemon=$1
test=$2
dir=$(mktemp -d /tmp/xs-proto.XXXXXX)
mkdir -p "$dir/rings"
XENSTORED_PATH=$dir/sock timeout 300 "$daemon" -N -D --ring-dir "$dir/rings" \
	-T "$dir/trace" >"$dir/log" 2>&1 &
pid=$!
for i in $(seq 50); do [ -S "$dir/sock" ] && break; sleep 0.1; done
XST_SOCKET=$dir/sock XST_RING_DIR=$dir/rings timeout 200 "$test"
rc=$?
if kill -0 $pid 2>/dev/null; then
	echo "PASS: xenstored is still running after the protocol tests"
	kill $pid
	wait $pid
else
	echo "FAIL: xenstored still running - it died (log: $dir/log)"
	cat "$dir/log"
	rc=1
fi
[ $rc = 0 ] && rm -rf "$dir"
exit $rc
