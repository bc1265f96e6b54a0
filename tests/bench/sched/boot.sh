#!/bin/bash
# Scheduler benchmark, in guest time under -icount shift=0,sleep=off (one
# instruction = 1 ns, deterministic): dom0's uptime at /init with 1 vCPU
# on 1 CPU and with 4 vCPUs on 2 CPUs, and, with a CPU-bound process on
# each of 4 vCPUs sharing 2 CPUs, how many vCPU-to-vCPU switches the hv
# made and what each cost in TSC ticks (= emulated instructions here).
cd "$(dirname "$0")/../../.." || exit 1
OUT=build/bench/sched
mkdir -p "$OUT"
QEMU="qemu-system-x86_64 -M q35 -accel tcg -icount shift=0,sleep=off -cpu EPYC,+svm,-rdtscp,-monitor
	-m 2048 -rtc base=2025-01-01T00:00:00,clock=vm -display none -no-reboot"
make --no-print-directory -s build/hv/bastion.elf dom0 >/dev/null || exit 1

run() { # NAME SMP VCPUS EXTRA-KERNEL-ARGS
	timeout 1200 $QEMU -smp "$2" -serial "file:$OUT/$1.log" -kernel build/hv/bastion.elf \
		-append "console=com1 dom0_max_vcpus=$3" \
		-initrd "build/dom0/vmlinuz console=hvc0 quiet bastion.test=1 $4,build/dom0/initramfs.cpio.gz" \
		>/dev/null 2>&1
	uptime=$(grep -aoE 'reached /init, uptime [0-9.]+' "$OUT/$1.log" | grep -oE '[0-9.]+$')
	echo "bastion.$1 dom0_uptime_at_init_s=${uptime:-?}"
}

run 1vcpu-1cpu 1 1 ""
u1=$uptime
run 4vcpu-2cpu 2 4 ""
u4=$uptime
awk "BEGIN{printf \"ratio 4 vCPUs on 2 CPUs / 1 vCPU on 1 CPU, dom0 uptime at /init: %.3f\n\", $u4/$u1}"
run 4vcpu-2cpu-load 2 4 bastion.load=1
grep -aE 'sched: [0-9]+ switches|DOM0-LOAD: [0-9]+ hogs|FPU-CHECK' "$OUT/4vcpu-2cpu-load.log" | sed 's/^/bastion.4vcpu-2cpu-load /'
