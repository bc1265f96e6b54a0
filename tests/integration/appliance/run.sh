#!/bin/bash
# The appliance as `make run` boots it (build/hv/bastion.elf, Debian's
# kernel and the dom0 initramfs, QEMU with emulated AMD-V): dom0 starts
# xenstored, the console daemon and the demo guest of /etc/bastion/demo.cfg
# with our xl; with bastion.appliance_test=1 it then lists, shuts down and
# lists again (images/appliance/appliance-check) and powers off.
cd "$(dirname "$0")/../../.." || exit 1
. tests/integration/lib.sh
N=appliance
for f in build/hv/bastion.elf build/dom0/vmlinuz build/dom0/initramfs.cpio.gz; do
	[ -f "$f" ] || { fail "$N: $f is missing (make test-appliance builds it)"; exit 1; }
done
start=$(date +%s)
qemu_boot "$N" 900 'APPLIANCE-CHECK: done' -cpu "$QEMU_SVM_CPU" -smp 2 \
	-kernel build/hv/bastion.elf -append "console=com1 com1=115200,8n1" \
	-initrd "build/dom0/vmlinuz console=hvc0 bastion.appliance_test=1,build/dom0/initramfs.cpio.gz"
echo "  ($N: QEMU ran $(($(date +%s) - start)) s, log $LOG)"
expect "$N" 'APPLIANCE: xenstored running' "dom0 starts our xenstored"
expect "$N" 'APPLIANCE: console daemon running' "dom0 starts the console daemon"
expect "$N" 'APPLIANCE: demo guest up \(domain [0-9]+\): Bastion demo guest: Linux' \
	"the demo guest boots and its banner reaches the console daemon's log"
expect "$N" 'APPLIANCE-CHECK: list: demo +[0-9]+ +12[0-9] +1 ' "xl list shows the demo guest (128 MiB, 1 vCPU)"
expect "$N" 'APPLIANCE-CHECK: vcpu-list: demo +[0-9]+ +0 ' "xl vcpu-list shows its vCPU"
expect "$N" 'APPLIANCE-CHECK: demo gone' "xl shutdown -w demo powers it off and the toolstack destroys it"
expect_not "$N" 'APPLIANCE-CHECK: list-after: demo' "xl list no longer shows it"
expect_not "$N" 'Kernel panic|BUG:|Oops|PANIC|FATAL PAGE FAULT|crashing it' "no hypervisor, kernel or guest crash"
exit $integ_failed
