# Shared by the integration tests: boot something under QEMU, wait for a
# line on its serial console, and check what it printed.
# Every QEMU run is bounded by timeout and stopped by the PID we started.

INTEG_OUT=${INTEG_OUT:-build/tests/integration}
QEMU_SVM_CPU=${QEMU_SVM_CPU:-EPYC,+svm,-rdtscp,-monitor}
# QEMU's accelerator; QEMU_GUEST_ACCEL is the one for a Bastion that runs
# domUs: QEMU 7.2's multi-threaded TCG now and then faults the hv's first
# instruction after a #VMEXIT (issue 10's triple fault, walking page tables
# that are intact in memory); one thread for both CPUs has not.
QEMU_ACCEL=${QEMU_ACCEL:-tcg}
QEMU_GUEST_ACCEL=${QEMU_GUEST_ACCEL:-tcg,thread=single}
integ_failed=0

# qemu_boot NAME SECONDS DONE_REGEX QEMU-ARGS...
# Boots QEMU with the serial port in $INTEG_OUT/NAME.log and returns when
# DONE_REGEX appears, QEMU exits, or SECONDS pass; leaves the log path in
# $LOG and QEMU's exit status in $QEMU_RC (124 when the timeout hit).
# The previous boot's logs of NAME are kept as *.prev (a suite's retry
# must not erase what its failed run left).
qemu_boot() {
	local name=$1 secs=$2 done_re=$3 f
	shift 3
	mkdir -p "$INTEG_OUT"
	LOG=$INTEG_OUT/$name.log
	for f in "$LOG" "$INTEG_OUT/$name.qemu-log.txt" "$INTEG_OUT/$name.qemu.txt"; do
		[ -f "$f" ] && mv -f "$f" "$f.prev"
	done
	: >"$LOG"
	# -d cpu_reset: QEMU notes a triple fault of the machine (which
	# -no-reboot turns into an exit) in $name.qemu-log.txt.  With
	# QEMU_RESET_DUMP=1 the machine resets instead, so QEMU logs every
	# CPU's registers as the fault left them; the wait below stops it.
	local reboot=-no-reboot
	[ -n "${QEMU_RESET_DUMP:-}" ] && reboot=
	timeout "$secs" qemu-system-x86_64 -M q35 -accel "$QEMU_ACCEL" -m 2048 -display none $reboot \
		-d cpu_reset -D "$INTEG_OUT/$name.qemu-log.txt" \
		-serial "file:$LOG" "$@" >"$INTEG_OUT/$name.qemu.txt" 2>&1 &
	local pid=$! waited=0
	while kill -0 "$pid" 2>/dev/null; do
		if grep -aqE "$done_re" "$LOG"; then
			sleep 0.2 # let the rest of the line arrive
			kill "$pid" 2>/dev/null
			break
		fi
		if [ -z "$reboot" ] && grep -aq "Triple fault" "$INTEG_OUT/$name.qemu-log.txt" 2>/dev/null; then
			sleep 2 # the reset's register dumps
			kill "$pid" 2>/dev/null
			break
		fi
		sleep 0.25
		waited=$((waited + 1))
	done
	wait "$pid" 2>/dev/null
	QEMU_RC=$? # 124: stopped by timeout
	# a triple fault of the machine (-no-reboot made it an exit), said
	# whatever the caller waits for.  QEMU logs one only outside guest
	# mode (a guest's is our SHUTDOWN intercept): the hv's own CPU.  It
	# dumps no registers then.
	grep -aq "Triple fault" "$INTEG_OUT/$name.qemu-log.txt" 2>/dev/null &&
		echo "  | qemu: Triple fault outside guest mode (the hv's own CPU), QEMU status $QEMU_RC"
	if [ "$QEMU_RC" = 124 ] || { [ "$done_re" != '^never-matches$' ] && ! grep -aqE "$done_re" "$LOG"; }; then
		echo "  ($name: QEMU status $QEMU_RC, '$done_re' not seen; last lines of $LOG:)"
		tail -n 15 "$LOG" | sed 's/^/  | /'
		# what QEMU itself said (an abort, a reset with -no-reboot), less
		# its warnings about CPUID bits TCG lacks
		grep -av "TCG doesn't support requested feature" "$INTEG_OUT/$name.qemu.txt" |
			tail -n 5 | sed 's/^/  | qemu: /'
	fi
}

pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; integ_failed=1; }

# expect NAME REGEX DESCRIPTION: the log of the last boot matches REGEX.
expect() {
	if grep -aqE "$2" "$LOG"; then pass "$1: $3"; else fail "$1: $3 - no line matching '$2' in $LOG"; fi
}

# expect_not NAME REGEX DESCRIPTION
expect_not() {
	if grep -aqE "$2" "$LOG"; then fail "$1: $3 - found '$2' in $LOG"; else pass "$1: $3"; fi
}

# expect_number_between NAME REGEX(with one capture) LOW HIGH DESCRIPTION
expect_number_between() {
	local v
	v=$(grep -aoE "$2" "$LOG" | head -n 1 | sed -E "s/$2/\\1/")
	if [ -n "$v" ] && [ "$v" -ge "$3" ] && [ "$v" -le "$4" ]; then
		pass "$1: $5 ($v)"
	else
		fail "$1: $5 - got '${v:-nothing}', expected $3..$4"
	fi
}

# expect_number_range NAME REGEX(one capture, may be decimal) LOW HIGH DESCRIPTION
expect_decimal_between() {
	local v
	v=$(grep -aoE "$2" "$LOG" | head -n 1 | sed -E "s/$2/\\1/")
	if [ -n "$v" ] && awk "BEGIN { exit !($v >= $3 && $v <= $4) }"; then
		pass "$1: $5 ($v)"
	else
		fail "$1: $5 - got '${v:-nothing}', expected $3..$4"
	fi
}
