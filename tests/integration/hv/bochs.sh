#!/bin/bash
# The hv under a second emulator: Bochs, booted from a GRUB ISO by Bochs's
# own BIOS.  Its "ryzen" model is AMD-V with features QEMU's TCG lacks
# (next-RIP, flush-by-ASID, pause filter), so the SVM code is checked
# against another implementation: the self-test on 2 CPUs, and Debian's
# kernel as a 2-vCPU dom0 through its checks to power-off, BOCHS_DOM0_RUNS
# times in a row (default 1; make test-hv-bochs-dom0 runs 10).  Its Intel
# model gets the clear refusal (no VT-x backend yet) and the hv stays up.
cd "$(dirname "$0")/../../.." || exit 1
. tests/integration/lib.sh
OUT=$INTEG_OUT/bochs
mkdir -p "$OUT"

# make_iso NAME HV-ARGS [MODULE-LINE...]; $ISO_FILES are copied to /boot too
make_iso() {
	local name=$1 args=$2 root=$OUT/$1-root
	shift 2
	rm -rf "$root"
	mkdir -p "$root/boot/grub"
	cp build/hv/bastion.elf ${ISO_FILES:-} "$root/boot/"
	{
		printf 'set timeout=0\nserial --unit=0 --speed=115200\n'
		printf 'terminal_input serial\nterminal_output serial\n'
		printf 'menuentry Bastion {\n\tmultiboot2 /boot/bastion.elf %s\n' "$args"
		for m in "$@"; do printf '\tmodule2 %s\n' "$m"; done
		printf '\tboot\n}\n'
	} >"$root/boot/grub/grub.cfg"
	grub-mkrescue -o "$OUT/$name.iso" "$root" >/dev/null 2>&1
}

# bochs_boot NAME ISO CPU-LINE MEGS SECONDS DONE-REGEX
bochs_boot() {
	local name=$1 cfg=$OUT/$1.bochsrc
	LOG=$OUT/$name.serial
	rm -f "$LOG"
	cat >"$cfg" <<CFG
megs: $4
romimage: file=/usr/share/bochs/BIOS-bochs-latest
vgaromimage: file=/usr/share/bochs/VGABIOS-lgpl-latest
ata0-master: type=cdrom, path=$2, status=inserted
boot: cdrom
com1: enabled=1, mode=file, dev=$LOG
log: $OUT/$name.log
panic: action=fatal
error: action=report
info: action=ignore
debug: action=ignore
clock: sync=none, time0=local
speaker: enabled=0
display_library: term
cpu: $3
CFG
	echo c >"$OUT/cont.rc"
	# Bochs ignores SIGTERM: run it in a process group of its own and end
	# that group with SIGKILL, on the awaited line or after SECONDS.
	setsid bash -c 'TERM=xterm exec bochs -q -f "$1" -rc "$2" </dev/null >/dev/null 2>&1' \
		_ "$cfg" "$OUT/cont.rc" &
	local pid=$! waited=0
	while kill -0 $pid 2>/dev/null && [ $waited -lt $(($5 * 2)) ]; do
		grep -aqE "$6" "$LOG" 2>/dev/null && { sleep 1; break; }
		sleep 0.5
		waited=$((waited + 1))
	done
	kill -KILL -- -$pid 2>/dev/null
	wait $pid 2>/dev/null
	touch "$LOG"
}

make_iso hv "console=com1"
bochs_boot svm-smp2 "$OUT/hv.iso" "model=ryzen, count=2, ips=50000000" 512 300 'boot: done|PANIC'
expect bochs-svm 'boot: multiboot2 from GRUB' "Bochs's BIOS and GRUB boot the hv with multiboot2"
expect bochs-svm 'smp: 2 of 2 CPUs online' "both Bochs CPUs online"
expect bochs-svm 'hvm: AMD-V enabled on 2 of 2 CPUs' "AMD-V enabled on both"
expect bochs-svm 'svm: AMD-V features: .*next-RIP.*flush-by-ASID' "next-RIP and flush-by-ASID detected"
expect bochs-svm 'hvm: self-test passed' "the self-test passes on Bochs's SVM too"

bochs_boot vmx "$OUT/hv.iso" "model=corei7_haswell_4770, count=1, ips=50000000" 512 300 'boot: done|PANIC'
expect bochs-vmx 'no hardware virtualization: this CPU has Intel VT-x, whose backend is not built' \
	"an Intel CPU gets the clear refusal"
expect bochs-vmx 'boot: done' "and the hv stays up"

python3 - "$OUT/vmlinux" <<'PY' || fail "bochs: unpacking vmlinux for the dom0 ISO"
import lzma, struct, sys
d = open('build/dom0/vmlinuz', 'rb').read()
p = (d[0x1f1] + 1) * 512 + struct.unpack('<I', d[0x248:0x24c])[0]
n = struct.unpack('<I', d[0x24c:0x250])[0]
open(sys.argv[1], 'wb').write(lzma.LZMADecompressor().decompress(d[p:p + n]))
PY
ISO_FILES="$OUT/vmlinux build/dom0/initramfs.cpio.gz" make_iso dom0 "console=com1 dom0_mem=256M" \
	"/boot/vmlinux console=hvc0 bastion.test=1" "/boot/initramfs.cpio.gz"
runs=${BOCHS_DOM0_RUNS:-1}
for i in $(seq 1 "$runs"); do
	n=bochs-dom0; [ "$runs" = 1 ] || n="bochs-dom0-$i"
	t0=$(date +%s)
	bochs_boot dom0 "$OUT/dom0.iso" "model=ryzen, count=2, ips=50000000" 1024 900 'shut down|PANIC'
	expect $n 'DOM0-INIT: reached /init' "Debian's kernel reaches /init as dom0 on Bochs's SVM"
	expect $n 'DOM0-CHECK: cpus in /proc/cpuinfo: 2' "with both vCPUs"
	expect $n 'EVTCHN-LOOP: ok' "event channels work there"
	expect $n 'HCALL-INSN: vmmcall from user mode returned -1, vmcall -1 ' "both hypercall instructions work there"
	expect $n 'd0: shut down, reason 0 \(poweroff\)' "and it powers off cleanly ($(($(date +%s) - t0)) s)"
	expect_not $n 'Kernel panic|Oops|crashing it|RIP: |rcu: INFO' "no guest panic, oops, crash or RCU stall"
	cp "$LOG" "$OUT/dom0-run$i.serial"
done

exit $integ_failed
