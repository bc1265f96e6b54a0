#!/bin/sh
# Runs a host test binary whose checks need a xenstore (libbx/xl's and the
# console daemon's): starts our xenstored on a private socket (no domains,
# foreground), runs the binary with BX_TEST_SOCKET naming it, then stops
# the daemon.
# Usage: with-xenstored.sh <xenstored> <unit-test>
daemon=$1
test=$2
dir=$(mktemp -d /tmp/xs-unit.XXXXXX)
XENSTORED_PATH=$dir/sock timeout 120 "$daemon" -N -D >"$dir/log" 2>&1 &
pid=$!
for i in $(seq 50); do [ -S "$dir/sock" ] && break; sleep 0.1; done
BX_TEST_SOCKET=$dir/sock timeout 60 "$test"
rc=$?
if kill -0 $pid 2>/dev/null; then
	kill $pid
	wait $pid 2>/dev/null
else
	echo "FAIL: xenstored ran through the client tests - it died (log: $dir/log)"
	cat "$dir/log"
	rc=1
fi
[ $rc = 0 ] && rm -rf "$dir"
exit $rc
