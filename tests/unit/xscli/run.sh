#!/bin/bash
# test-xscli: the appliance's xenstore-read and xenstore-ls (appliance/xscli)
# print what Debian's xenstore-utils print, against our xenstored on a
# private socket with a tree Debian's xenstore-write made.
# Usage: run.sh <xenstored> <bastion-xenstore>
daemon=$1 cli=$(realpath "$2")
dir=$(mktemp -d /tmp/xscli.XXXXXX)
export XENSTORED_PATH=$dir/sock
timeout 60 "$daemon" -N -D >"$dir/log" 2>&1 &
pid=$!
for i in $(seq 50); do [ -S "$dir/sock" ] && break; sleep 0.1; done
ln -s "$cli" "$dir/xenstore-ls" && ln -s "$cli" "$dir/xenstore-read"
failed=0
check() { # what, then the two commands' outputs are compared
	what=$1; shift
	if [ "$("$dir/$@" 2>&1; echo "rc=$?")" = "$("$@" 2>&1; echo "rc=$?")" ]; then
		echo "PASS: xscli: $what"
	else
		echo "FAIL: xscli: $what"; failed=1
		diff <("$dir/$@" 2>&1) <("$@" 2>&1) 2>/dev/null || "$dir/$@"
	fi
}
xenstore-write /local/domain/0/name Domain-0 /local/domain/0/backend/qdisk/1/51712/state 4 \
	/local/domain/0/backend/qdisk/1/51712/params "qcow2:/var/lib/bastion/images/demo.qcow2" \
	/local/domain/1/device/vbd/51712/state 4 /a/b "x y"
check "xenstore-read of one node and of two" xenstore-read /local/domain/0/backend/qdisk/1/51712/state /local/domain/0/name
check "xenstore-read of a missing node fails as Xen's does" xenstore-read /local/domain/0/nope
check "xenstore-ls -f of the whole tree" xenstore-ls -f
check "xenstore-ls of a subtree, indented" xenstore-ls /local/domain
check "xenstore-ls of a missing node fails" xenstore-ls /nope
kill $pid 2>/dev/null
wait $pid 2>/dev/null
rm -rf "$dir"
exit $failed
