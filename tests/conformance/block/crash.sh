#!/bin/sh
# Crash safety: a workload writes 8 KiB blocks in random order, 8 in flight
# through the asynchronous layer, flushing every 24 completions and logging
# the blocks each completed flush covered.  It is killed with SIGKILL
# mid-run; then qemu-img (the independent judge) must find the image
# consistent (`qemu-img check`: no corruption; leaks are allowed, they are
# what an interrupted allocation leaves) and every block must hold, as read
# by qemu-img's own reader (qemu-img convert -O raw), its last flushed
# state or a state a later submitted request could have left.
# Usage: crash.sh BASTION_IMG TEST_BLOCK TMPDIR
IMG=$1
TB=$2
T=$3
rm -rf "$T" && mkdir -p "$T" || exit 1
failed=0
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; failed=1; }

run_one() { # run_one NAME FMT DELAY SIZE [create args...]
	name=$1 fmt=$2 delay=$3 size=$4
	shift 4
	f=$T/$name.img
	rm -f "$f" "$T/log"
	"$IMG" create "$@" "$f" $size >/dev/null || { fail "$name: create"; return; }
	"$TB" crash-workload "$f" "$T/log" &
	pid=$!
	i=0 # the delay counts from the first completed flush
	while ! grep -q '^F' "$T/log" 2>/dev/null && [ $i -lt 200 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	sleep "$delay"
	if ! kill -0 $pid 2>/dev/null; then
		fail "$name: workload ended before the kill at ${delay}s"
		return
	fi
	kill -9 $pid
	wait $pid 2>/dev/null
	n=$(wc -l <"$T/log")
	if [ "$fmt" = qcow2 ]; then
		qemu-img check "$f" >"$T/chk" 2>&1
		rc=$?
		if [ $rc = 0 ] || [ $rc = 3 ]; then
			pass "$name killed at ${delay}s: qemu-img check finds no corruption ($(grep -c leaked "$T/chk") leak lines)"
		else
			fail "$name killed at ${delay}s: qemu-img check exit $rc: $(head -3 "$T/chk" | tr '\n' ' ')"
		fi
	fi
	if ! qemu-img convert -f "$fmt" -O raw "$f" "$T/out.raw" 2>"$T/err"; then
		fail "$name: qemu-img cannot read the image - $(cat "$T/err")"
	elif out=$("$TB" crash-verify "$T/out.raw" "$T/log" 2>&1); then
		pass "$name killed at ${delay}s: every block of $n log records holds its flushed state, read through qemu-img ($out)"
	else
		fail "$name killed at ${delay}s: $out (kept as $f.failed, $T/log.failed)"
		cp "$f" "$f.failed"
		cp "$T/log" "$T/log.failed"
	fi
	if [ -z "$control_done" ]; then # the verifier must notice a lost write
		control_done=1
		blk=$(grep '^F 0 ' "$T/log" | head -1 | cut -d' ' -f3)
		dd if=/dev/urandom of="$T/out.raw" bs=8192 seek="$blk" count=1 conv=notrunc 2>/dev/null
		"$TB" crash-verify "$T/out.raw" "$T/log" >/dev/null 2>&1 &&
			fail "control: verifier missed a clobbered flushed block $blk" ||
			pass "control: verifier detects a flushed block ($blk) that does not hold its data"
	fi
	# and the image stays writable by us: finish the workload on it
	if "$TB" crash-workload "$f" "$T/log2" 1 >/dev/null 2>&1 &&
		qemu-img convert -f "$fmt" -O raw "$f" "$T/out.raw" 2>/dev/null &&
		"$TB" crash-verify "$T/out.raw" "$T/log2" >/dev/null; then
		pass "$name: after the crash the image takes a full rewrite that reads back"
	else
		fail "$name: rewriting after the crash failed"
	fi
}

qemu-img create -f qcow2 "$T/base.qcow2" 32M >/dev/null
qemu-io -c "write -P 0x5a 0 16M" "$T/base.qcow2" >/dev/null
for delay in 0.1 0.4 0.9; do
	run_one qcow2-v3 qcow2 $delay 32M -f qcow2 -o cluster_size=16k
	run_one qcow2-v3-backing qcow2 $delay "" -f qcow2 -b base.qcow2 -F qcow2
	run_one qcow2-v2 qcow2 $delay 32M -f qcow2 -o compat=0.10,cluster_size=4k
	run_one vhd-dynamic vpc $delay 32M -f vhd
	run_one raw-io_uring raw $delay 32M -f raw # (through io_uring where the kernel has it)
done
exit $failed
