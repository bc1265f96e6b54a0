#!/bin/sh
# Runs each make target named on the command line as a test suite.  A suite
# prints one line per check, "PASS: what it proves" or "FAIL: what - why";
# a suite that exits non-zero without printing a FAIL counts as one failure.
# Ends with the line "N passed, N failed" and exits 1 if anything failed.
passed=0
failed=0
log=$(mktemp)
digest=$(mktemp)
trap 'rm -f "$log" "$digest"' EXIT
for suite in "$@"; do
	echo "=== $suite"
	start=$(date +%s)
	${MAKE:-make} --no-print-directory "$suite" >"$log" 2>&1
	rc=$?
	cat "$log"
	p=$(grep -c '^PASS: ' "$log")
	f=$(grep -c '^FAIL: ' "$log")
	if [ $rc != 0 ] && [ "$f" = 0 ]; then
		echo "FAIL: $suite - exited with status $rc"
		f=1
	fi
	echo "=== $suite: $p passed, $f failed ($(($(date +%s) - start)) s)"
	# a failed suite's first failures and how its emulator ended, repeated
	# at the end (where a long log's tail shows them)
	if [ "$f" != 0 ]; then
		echo "--- $suite: $f failed"
		grep -a -m 3 '^FAIL: ' "$log"
		grep -a -A 8 '^  (.*QEMU status' "$log" | head -n 12
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
