# The checks every dom0 boot passes (boot.sh, boot-686.sh): sourced, with
# tests/integration/lib.sh already loaded and $LOG, $QEMU_RC set by
# qemu_boot.
# check_dom0 NAME NCPUS
check_dom0() {
	local n=$1 cpus=$2
	expect "$n" "dom0: unpacked the bzImage's XZ payload" "the hv unpacked Debian's bzImage itself"
	expect "$n" "dom0: [0-9]+ MiB, $cpus vCPUs" "dom0 built with $cpus vCPUs"
	expect "$n" 'dom0: starting d0v0 at [0-9]+ us since reset' "handoff time printed"
	expect "$n" 'DOM0-INIT: reached /init' "dom0 reached /init"
	expect "$n" 'DOM0-CHECK: hypervisor type: xen' "/sys/hypervisor/type says xen"
	expect "$n" "DOM0-CHECK: cpus in /proc/cpuinfo: $cpus([^0-9]|$)" "/proc/cpuinfo shows $cpus vCPUs"
	expect_decimal_between "$n" 'sleep 2 took ([0-9.]+) s of uptime' 1.9 3.0 "sleep 2 takes about 2 s of guest time"
	expect "$n" 'date went [0-9]+ -> [0-9]+' "date is read"
	local d0 d1
	d0=$(grep -aoE 'date went [0-9]+' "$LOG" | grep -oE '[0-9]+$')
	d1=$(grep -aoE -- '-> [0-9]+' "$LOG" | grep -oE '[0-9]+$')
	if [ -n "$d0" ] && [ -n "$d1" ] && [ $((d1 - d0)) -ge 1 ] && [ $((d1 - d0)) -le 4 ]; then
		pass "$n: date advances across the sleep ($d0 -> $d1)"
	else
		fail "$n: date advances across the sleep - got '$d0' -> '$d1'"
	fi
	expect "$n" 'EVTCHN-LOOP: ok' "event-channel round trip inside dom0"
	expect "$n" 'HCALL-INSN: vmmcall from user mode returned -1, vmcall -1 ' \
		"VMMCALL and VMCALL both reach the hv, which refuses them from user mode with -EPERM"
	expect "$n" 'MSR-CHECK: debugctl ok' \
		"MSR_DEBUGCTL reads 0, keeps LBR and BTF as written, refuses a reserved bit with #GP"
	expect "$n" 'd0: shut down, reason 0 \(poweroff\)' "the hv prints dom0's power-off reason"
	if [ "$QEMU_RC" != 124 ]; then pass "$n: power-off ended QEMU by itself"
	else fail "$n: power-off ended QEMU by itself - timed out"; fi
	expect_not "$n" 'exception|PANIC|Kernel panic|BUG:|Oops|crashing it' "no hv exception, guest panic or crash"
}
