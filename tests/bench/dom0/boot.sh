#!/bin/bash
# Boot-time benchmark: Bastion and Debian's Xen 4.17 on the same QEMU line
# (TCG, -icount shift=0,sleep=off so guest time counts instructions and is
# deterministic; -rtc clock=vm; -device amd-iommu; 1 CPU; dom0_mem=1024M),
# each booting Debian's kernel as a PVH dom0 with a busybox initramfs and
# "console=hvc0 quiet".  Prints the hv's time to dom0 handoff and dom0's
# uptime at /init for both, and their ratios.  The Xen side uses
# ../shared/tools/xen-anchor (its 01/02 scripts fetch and build it).
cd "$(dirname "$0")/../../.." || exit 1
set -u
ANCHOR=${ANCHOR:-../shared/tools/xen-anchor}
OUT=build/bench/dom0
mkdir -p "$OUT"
export SECURITY_MIRROR=${SECURITY_MIRROR:-http://deb.debian.org/debian-security}
export MIRROR=${MIRROR:-http://deb.debian.org/debian}
QEMU="qemu-system-x86_64 -M q35 -accel tcg -icount shift=0,sleep=off -cpu EPYC,+svm,-rdtscp,-monitor
	-m 2048 -rtc base=2025-01-01T00:00:00,clock=vm -device amd-iommu -display none -no-reboot"

bastion_run() { # NAME KERNEL
	timeout 900 $QEMU -serial "file:$OUT/$1.log" -kernel build/hv/bastion.elf \
		-append "console=com1 com1=115200 dom0_mem=1024M" \
		-initrd "$2 console=hvc0 quiet bastion.test=1,build/dom0/initramfs.cpio.gz" >/dev/null 2>&1
	handoff=$(grep -aoE 'starting d0v0 at [0-9]+' "$OUT/$1.log" | grep -oE '[0-9]+$')
	uptime=$(grep -aoE 'reached /init, uptime [0-9.]+' "$OUT/$1.log" | grep -oE '[0-9.]+$')
	echo "bastion.$1 handoff_s=$(awk "BEGIN{printf \"%.3f\", ${handoff:-0}/1e6}") dom0_uptime_at_init_s=${uptime:-?}"
}

make --no-print-directory -s build/hv/bastion.elf dom0 >/dev/null || exit 1
dpkg -s linux-image-6.1.0-56-amd64 >/dev/null 2>&1 || apt-get install -y -q linux-image-6.1.0-56-amd64 >/dev/null
python3 - <<'PY' # an unpacked vmlinux, to show the hv's own cost without the XZ decoder
import lzma, struct
d = open('build/dom0/vmlinuz', 'rb').read()
p = (d[0x1f1] + 1) * 512 + struct.unpack('<I', d[0x248:0x24c])[0]
n = struct.unpack('<I', d[0x24c:0x250])[0]
open('build/bench/dom0/vmlinux', 'wb').write(lzma.LZMADecompressor().decompress(d[p:p + n]))
PY
bastion_run bzimage build/dom0/vmlinuz
b_handoff=$handoff b_uptime=$uptime
bastion_run vmlinux build/bench/dom0/vmlinux
v_handoff=$handoff

( cd "$ANCHOR" && ./01-get-xen.sh && ./02-build-rootfs.sh && ./run.sh min ) >"$OUT/xen.log" 2>&1
x_done=$(grep -oE 'xen.time_boot_done_s +[0-9.]+' "$OUT/xen.log" | grep -oE '[0-9.]+$')
x_tsc0=$(grep -oE 'xen.tsc_at_first_msg_s +[0-9.]+' "$OUT/xen.log" | grep -oE '[0-9.]+$')
x_uptime=$(grep -oE 'dom0.uptime_at_userspace_s +[0-9.]+' "$OUT/xen.log" | grep -oE '[0-9.]+$')
x_handoff=$(awk "BEGIN{printf \"%.3f\", ${x_done:-0}+${x_tsc0:-0}}")
echo "xen-4.17 handoff_s=$x_handoff (Xen time ${x_done:-?} + ${x_tsc0:-?} before it) dom0_uptime_at_init_s=${x_uptime:-?}"
awk "BEGIN{printf \"ratio bastion/xen handoff: bzImage %.3f, vmlinux %.3f; dom0 uptime at /init %.3f\n\",
	($b_handoff/1e6)/$x_handoff, ($v_handoff/1e6)/$x_handoff, $b_uptime/$x_uptime}"
