# What the xl benchmarks (run.sh, blk.sh) share: the QEMU line and hv
# command line both hypervisors boot with, and the run loop.  Sourced
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
