# What the xl benchmarks (run.sh, blk.sh, net.sh) share: the QEMU line and hv
# command line both hypervisors boot with, the run loop and the report.  Sourced
# with OUT set; QEMU is bounded by BENCH_XL_TIMEOUT and stopped (by its
# PID) when its log has not grown for BENCH_XL_STALL host seconds.
KERNEL=build/dom0/vmlinuz
INITRD=build/xl-dom0/rootfs.cpio
APPEND="console=com1 com1=115200 dom0_mem=1024M dom0=pvh guest_loglvl=all"
QEMU=(qemu-system-x86_64 -M q35 -accel tcg -icount shift=0,sleep=off -cpu EPYC,+svm,-rdtscp,-monitor
	-smp "${BENCH_XL_SMP:-1}" -m 2048 -rtc base=2025-01-01T00:00:00,clock=vm -device amd-iommu -display none -no-reboot)

# shell_words WORD...: the words as one could paste them into a shell.
shell_words() {
	local w out=
	for w; do
		[[ $w =~ ^[A-Za-z0-9_./:=,+-]+$ ]] || w="'$w'"
		out+="${out:+ }$w"
	done
	echo "$out"
}

# bench_run NAME ELF DOM0_ARGS: boots ELF with the bench dom0 (DOM0_ARGS on
# its command line); the serial log is $OUT/NAME.log.
bench_run() {
	local log=$OUT/$1.log cmd start pid size last=-1 still=0 rc
	cmd=(timeout "${BENCH_XL_TIMEOUT:-1800}" "${QEMU[@]}" -serial "file:$log" -kernel "$2"
		-append "$APPEND" -initrd "$KERNEL console=hvc0 $3,$INITRD")
	echo "$1: $(shell_words "${cmd[@]}")"
	rm -f "$log"
	start=$(date +%s)
	"${cmd[@]}" ${BENCH_XL_QEMU_EXTRA:-} >"$OUT/$1.qemu.txt" 2>&1 &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		sleep 5
		size=$(stat -c %s "$log" 2>/dev/null || echo 0)
		if [ "$size" = "$last" ]; then still=$((still + 5)); else still=0 last=$size; fi
		if [ "$still" -ge "${BENCH_XL_STALL:-300}" ]; then
			echo "$1: no console output for $still s, stopping QEMU"
			kill "$pid"
			break
		fi
	done
	wait "$pid"
	rc=$?
	echo "$1: QEMU exited with $rc after $(($(date +%s) - start)) s (host), log $log"
	grep -aq 'XL-DONE' "$log" || echo "$1: the dom0 never finished (last line: $(tail -n 1 "$log" | tr -d '\r'))"
	return 0
}

# ratio A B: A / B to three places, or ? when either is unknown.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "?" || b == "?" || b == 0) print "?"; else printf "%.3f\n", a / b }'; }

# bench_need WHAT HV...: every hypervisor's ELF, the kernel and the dom0
# are there, or the run stops naming the missing file.
bench_need() {
	local what=$1 hv f
	shift
	for hv; do
		for f in "$(elf_of "$hv")" "$KERNEL" "$INITRD"; do
			[ -f "$f" ] || { echo "$what: $f is missing (make $what builds it)" >&2; exit 1; }
		done
	done
}

# bench_table "OP..." REF REF_TEXT TAG HV...: MB/s for every hypervisor and
# case in $CASES and each op (the caller's mbs HV CASE OP), the ratios
# against xen's case REF when xen ran, then the guest's TAG lines.
# Returns 1 when no run gave a figure.
bench_table() {
	local ops=$1 ref=$2 ref_text=$3 tag=$4 bad=1 hv c o v refs=""
	shift 4
	bench_row hv case $ops
	for hv; do
		for c in ${CASES//+/ }; do
			local row=()
			for o in $ops; do
				v=$(mbs "$hv" "$c" "$o")
				row+=("$v")
				[ "$v" != "?" ] && bad=0
			done
			bench_row "$hv" "$c" "${row[@]}"
		done
	done
	if [[ " $* " == *" xen "* ]]; then
		for o in $ops; do refs+=" $o $(mbs xen "$ref" "$o"),"; done
		echo
		echo "ratios against $ref_text (xen $ref:${refs%,} MB/s)"
		bench_row hv case $ops
		for hv; do
			for c in ${CASES//+/ }; do
				[ "$hv/$c" = "xen/$ref" ] && continue
				local row=()
				for o in $ops; do
					row+=("$(ratio "$(mbs "$hv" "$c" "$o")" "$(mbs xen "$ref" "$o")")")
				done
				bench_row "$hv" "$c" "${row[@]}"
			done
		done
	fi
	echo
	echo "the guest's lines:"
	for hv; do
		tr -d '\r' <"$OUT/$hv.log" 2>/dev/null | grep -a "^$tag: " | sed "s/^$tag: /  $hv: /"
	done
	return $bad
}

# bench_row HV CASE FIGURE...: one line of bench_table.
bench_row() {
	printf '%-8s %-17s' "$1" "$2"
	shift 2
	printf ' %10s' "$@"
	echo
}
