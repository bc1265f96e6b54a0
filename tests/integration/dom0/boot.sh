#!/bin/bash
# Debian's own kernel (its bzImage, unpacked by the hv) boots as a PVH dom0
# on Bastion under QEMU TCG with emulated AMD-V, with 1 and with 2 vCPUs:
# it reaches its initramfs' /init, believes it runs on Xen, sees every
# vCPU, keeps time, passes an event-channel round trip, survives garbage
# hypercalls, and its power-off ends the QEMU process with the reason
# printed by the hv.  With more vCPUs than CPUs (4 on 2, 2 on 1) the
# scheduler shares them: with a CPU-bound process on every vCPU, time
# still flows at its rate and no vCPU's SSE/AVX/x87 state leaks into
# another's; sched=null still boots as before the scheduler existed;
# with nox2apic, the same checks pass on the emulated xAPIC.
cd "$(dirname "$0")/../../.." || exit 1
. tests/integration/lib.sh
HV=build/hv/bastion.elf
KERNEL=build/dom0/vmlinuz
INITRD=build/dom0/initramfs.cpio.gz
NEVER='^never-matches$' # wait for QEMU to end by itself

. tests/integration/dom0/check_dom0.sh

CPU="-cpu $QEMU_SVM_CPU"
make --no-print-directory -s dom0 >/dev/null || { fail "dom0: building the kernel and initramfs"; exit 1; }

qemu_boot dom0-1vcpu 400 "$NEVER" $CPU -smp 2 -kernel $HV -append "console=com1 dom0_max_vcpus=1" \
	-initrd "$KERNEL console=hvc0 bastion.test=1,$INITRD"
check_dom0 dom0-1vcpu 1

qemu_boot dom0-2vcpu 400 "$NEVER" $CPU -smp 2 -kernel $HV -append "console=com1 dom0_max_vcpus=2" \
	-initrd "$KERNEL console=hvc0 bastion.test=1 bastion.garbage=1,$INITRD"
check_dom0 dom0-2vcpu 2
expect dom0-2vcpu 'NMI backtrace for cpu 1' "an NMI IPI reaches the other vCPU (sysrq l prints its backtrace)"
expect dom0-2vcpu 'd0v1: local APIC in x2APIC mode' \
	"each vCPU's APIC starts in xAPIC mode, as on Xen, and Linux switches it to x2APIC (v1 too)"
expect dom0-2vcpu 'DOM0-CHECK: APIC IDs: 0 2([^0-9]|$)' "Linux reads APIC IDs 0 and 2 through the x2APIC MSRs"
expect dom0-2vcpu 'HCALL-GARBAGE: done: [0-9]+ calls' "thousands of garbage hypercalls all returned"
expect_not dom0-2vcpu 'HCALL-GARBAGE: FAIL' "each targeted bad call got the error Xen gives"
n=$(grep -ac 'EVTCHN-LOOP: ok' "$LOG")
if [ "$n" = 2 ]; then pass "dom0-2vcpu: event channels still work after the garbage"
else fail "dom0-2vcpu: event channels still work after the garbage - $n of 2 round trips"; fi

# nox2apic: Linux keeps the APIC in the xAPIC mode it starts in and drives
# the xAPIC page, which the hv emulates instruction by instruction.
qemu_boot dom0-xapic 400 "$NEVER" $CPU -smp 2 -kernel $HV -append "console=com1 dom0_max_vcpus=2" \
	-initrd "$KERNEL console=hvc0 bastion.test=1 bastion.nmi=1 nox2apic,$INITRD"
check_dom0 dom0-xapic 2
expect_not dom0-xapic 'local APIC in x2APIC mode' "nox2apic: no vCPU's APIC leaves xAPIC mode"
expect dom0-xapic 'DOM0-CHECK: APIC IDs: 0 2([^0-9]|$)' "Linux reads APIC IDs 0 and 2 from the xAPIC page"
expect dom0-xapic 'NMI backtrace for cpu 1' "an NMI IPI sent through the xAPIC's ICR reaches the other vCPU"

# check_load NAME NVCPUS: the bastion.load=1 part of dom0-checks.
check_load() {
	local n=$1 cpus=$2
	expect "$n" "DOM0-LOAD: $cpus hogs;" "a CPU-bound process runs on each of the $cpus vCPUs"
	expect_decimal_between "$n" 'DOM0-LOAD: [0-9]+ hogs; sleep 2 took ([0-9.]+) s' 1.9 3.0 \
		"sleep 2 under load on every vCPU still takes about 2 s"
	expect "$n" 'FPU-CHECK: ok, [0-9]+ workers, [0-9]+ rounds' \
		"SSE/AVX/x87/MXCSR state of processes on vCPUs that share CPUs never mixes"
	expect_not "$n" 'FPU-CHECK: FAIL' "no FPU mismatch reported"
}

qemu_boot dom0-4on2 500 "$NEVER" $CPU -smp 2 -kernel $HV -append "console=com1 dom0_max_vcpus=4" \
	-initrd "$KERNEL console=hvc0 bastion.test=1 bastion.load=1,$INITRD"
expect dom0-4on2 'sched: credit2 scheduler, Pool-0 has 2 CPUs' "credit2 is the default, with both CPUs"
check_dom0 dom0-4on2 4
check_load dom0-4on2 4

qemu_boot dom0-2on1 500 "$NEVER" $CPU -smp 1 -kernel $HV -append "console=com1 dom0_max_vcpus=2 credit2_runqueue=cpu" \
	-initrd "$KERNEL console=hvc0 bastion.test=1 bastion.load=1,$INITRD"
check_dom0 dom0-2on1 2
check_load dom0-2on1 2

qemu_boot dom0-null 400 "$NEVER" $CPU -smp 2 -kernel $HV -append "console=com1 dom0_max_vcpus=2 sched=null" \
	-initrd "$KERNEL console=hvc0 bastion.test=1,$INITRD"
expect dom0-null 'sched: null scheduler, Pool-0 has 2 CPUs' "sched=null selects the null scheduler"
check_dom0 dom0-null 2

qemu_boot dom0-small 200 'dom0: cannot build it' $CPU -smp 2 -kernel $HV -append "console=com1 dom0_mem=32M" \
	-initrd "$KERNEL console=hvc0,$INITRD"
expect dom0-small 'dom0: cannot build it: .*raise dom0_mem' "dom0_mem too small for the kernel: refused, naming dom0_mem"

# What `make run` gives: a dom0 shell on the serial console that takes
# input, here with 4 vCPUs on 2 CPUs, each running a CPU-bound loop.
shell_session() {
	local dir=$INTEG_OUT/shell fifo
	mkdir -p "$dir"
	fifo=$dir/in
	rm -f "$fifo"
	mkfifo "$fifo"
	LOG=$INTEG_OUT/dom0-shell.log
	: >"$LOG"
	timeout 400 qemu-system-x86_64 -M q35 -accel tcg $CPU -m 2048 -smp 2 -display none -no-reboot \
		-serial stdio -kernel $HV -append "console=com1 dom0_max_vcpus=4" \
		-initrd "$KERNEL console=hvc0,$INITRD" <"$fifo" >"$LOG" 2>&1 &
	local pid=$!
	exec 3>"$fifo"
	trap '' PIPE # if QEMU dies, typing fails and the checks below say so
	for _ in $(seq 1200); do grep -aq '/ # ' "$LOG" && break; sleep 0.25; done
	printf 'for c in 0 1 2 3; do taskset -c $c sh -c "while :; do :; done" & done; echo HOGS-STARTED\r' >&3
	for _ in $(seq 200); do grep -aq '^HOGS-STARTED' "$LOG" && break; sleep 0.25; done
	sleep 3
	printf 'echo SHELL-SAYS-$((6*7))\r' >&3
	for _ in $(seq 200); do grep -aq 'SHELL-SAYS-42' "$LOG" && break; sleep 0.25; done
	printf 'poweroff -f\r' >&3
	wait $pid
	QEMU_RC=$?
	exec 3>&-
	trap - PIPE
	rm -f "$fifo"
}
shell_session
expect dom0-shell 'Bastion dom0 shell' "make run's dom0 reaches its shell"
expect dom0-shell 'SHELL-SAYS-42' "typed input reaches the dom0 shell and its output comes back, with every vCPU busy"
expect_not dom0-shell 'exception|PANIC|Kernel panic|BUG:|Oops|crashing it' "no hv exception, guest panic or crash with every vCPU busy"
if [ "$QEMU_RC" != 124 ]; then pass "dom0-shell: poweroff typed at the shell ends QEMU"
else fail "dom0-shell: poweroff typed at the shell ends QEMU - timed out"; fi

exit $integ_failed
