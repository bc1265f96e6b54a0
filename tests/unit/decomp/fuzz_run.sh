# Sourced by the decoder suites' run.sh (tests/unit/xz, tests/unit/unzip):
# fuzz_run FUZZER WORKDIR SECONDS SEED... runs the libFuzzer binary for
# SECONDS on a corpus seeded with the SEED files, and reports through the
# caller's pass and fail.
fuzz_run() {
	_fz=$1 _dir=$2 _secs=$3
	shift 3
	mkdir -p "$_dir/fuzz-corpus"
	cp "$@" "$_dir/fuzz-corpus/"
	if (cd "$_dir" && timeout $((_secs + 60)) "$_fz" -max_total_time="$_secs" \
		-max_len=8192 -rss_limit_mb=1024 fuzz-corpus >fuzz.log 2>&1); then
		pass "libFuzzer: $(grep -o 'Done [0-9]* runs' "$_dir/fuzz.log") in ${_secs}s without a crash"
	else
		fail "libFuzzer - $(grep -m1 -E 'ERROR|SUMMARY' "$_dir/fuzz.log") (see $_dir/fuzz.log)"
	fi
}
