#!/bin/sh
# Runs each make target named on the command line as a test suite.  A suite
# prints one line per check, "PASS: what it proves" or "FAIL: what - why";
# a suite that exits non-zero without printing a FAIL counts as one failure.
# Ends with the line "N passed, N failed" and exits 1 if anything failed.
#
# A suite named in RETRY_SUITES (those that boot a hypervisor under QEMU's
# TCG) that fails is run once more and the second run counts; both runs'
# output is printed and the first run's failures are repeated at the end.
# QEMU 7.2's emulated SVM now and then corrupts a guest - seen with Debian's
# Xen 4.17 as with Bastion (issue 10's notes) - so one failed run alone
# does not say which; the same failure twice does.
passed=0
failed=0
log=$(mktemp)
digest=$(mktemp)
trap 'rm -f "$log" "$digest"' EXIT
# run SUITE: runs it into $log; sets p and f (and rc, start).
run() {
	start=$(date +%s)
	${MAKE:-make} --no-print-directory "$1" >"$log" 2>&1
	rc=$?
	p=$(grep -c '^PASS: ' "$log")
	f=$(grep -c '^FAIL: ' "$log")
	if [ $rc != 0 ] && [ "$f" = 0 ]; then
		echo "FAIL: $1 - exited with status $rc" >>"$log"
		f=1
	fi
}

# first_failures SUITE WHY: its first failures and how its emulator ended.
first_failures() {
	echo "--- $1: $f failed$2"
	grep -a -m 3 '^FAIL: ' "$log"
	grep -a -A 8 '^  (.*QEMU status' "$log" | head -n 12
}

for suite in "$@"; do
	echo "=== $suite"
	run "$suite"
	case " $RETRY_SUITES " in
	*" $suite "*)
		if [ "$f" != 0 ]; then
			# (the first run's lines marked, so only the second's count)
			sed 's/^/run 1| /' "$log"
			echo "=== $suite: run 1: $p passed, $f failed ($(($(date +%s) - start)) s); once more"
			first_failures "$suite" " in its first run (run again: the second counts)" |
				cut -c 1-400 | sed "s/^/  /" >>"$digest"
			run "$suite"
		fi
		;;
	esac
	cat "$log"
	echo "=== $suite: $p passed, $f failed ($(($(date +%s) - start)) s)"
	# a failed suite's first failures and how its emulator ended, repeated
	# at the end (where a long log's tail shows them)
	if [ "$f" != 0 ]; then
		first_failures "$suite" ""
	fi | cut -c 1-400 | sed "s/^/  /" >>"$digest"
	passed=$((passed + p))
	failed=$((failed + f))
done
if [ -s "$digest" ]; then
	echo "=== the failures again, in short:"
	head -n 40 "$digest"
fi
echo "$passed passed, $failed failed"
[ $failed = 0 ]
