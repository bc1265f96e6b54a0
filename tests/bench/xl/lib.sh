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

# bench_table OP1 OP2 REF REF_TEXT TAG HV...: MB/s for every hypervisor and
# case in $CASES (the caller's mbs HV CASE OP), the ratios against xen's
# case REF when xen ran, then the guest's TAG lines.  Returns 1 when no
# run gave a figure.
bench_table() {
	local o1=$1 o2=$2 ref=$3 ref_text=$4 tag=$5 bad=1 hv c a b x1 x2
	shift 5
	printf '%-8s %-17s %10s %10s\n' hv case "$o1" "$o2"
	for hv; do
		for c in ${CASES//+/ }; do
			a=$(mbs "$hv" "$c" "$o1") b=$(mbs "$hv" "$c" "$o2")
			printf '%-8s %-17s %10s %10s\n' "$hv" "$c" "$a" "$b"
			[ "$a$b" != "??" ] && bad=0
		done
	done
	if [[ " $* " == *" xen "* ]]; then
		x1=$(mbs xen "$ref" "$o1") x2=$(mbs xen "$ref" "$o2")
		echo
		echo "ratios against $ref_text (xen $ref: $o1 $x1, $o2 $x2 MB/s)"
		printf '%-8s %-17s %10s %10s\n' hv case "$o1" "$o2"
		for hv; do
			for c in ${CASES//+/ }; do
				[ "$hv/$c" = "xen/$ref" ] && continue
				printf '%-8s %-17s %10s %10s\n' "$hv" "$c" "$(ratio "$(mbs "$hv" "$c" "$o1")" "$x1")" \
					"$(ratio "$(mbs "$hv" "$c" "$o2")" "$x2")"
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
