#!/bin/bash
# The appliance as `make run` boots it (build/hv/bastion.elf, Debian's
# kernel and the dom0 initramfs, QEMU with emulated AMD-V): dom0 starts
# xenstored, the console daemon and the demo guest of /etc/bastion/demo.cfg
# with our xl, its disk a qcow2 image bastion-img made and bastion-dm
# serves; with bastion.appliance_test=1 it then lists, reads dom0's
# xenstore, runs bastion-img, shuts down, checks the disk and lists again
# (images/appliance/appliance-check) and powers off.
cd "$(dirname "$0")/../../.." || exit 1
. tests/integration/lib.sh
N=appliance
for f in build/hv/bastion.elf build/dom0/vmlinuz build/dom0/initramfs.cpio.gz; do
	[ -f "$f" ] || { fail "$N: $f is missing (make test-appliance builds it)"; exit 1; }
done
start=$(date +%s)
QEMU_ACCEL=$QEMU_GUEST_ACCEL
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
# The demo guest's disk through bastion-dm.
expect "$N" 'APPLIANCE: demo disk /var/lib/bastion/images/demo.qcow2 made \(qcow2, 256 MiB, bastion-img\)' \
	"dom0 makes the demo guest's qcow2 disk with bastion-img at first boot"
expect "$N" "APPLIANCE: demo guest's disk \\(bastion-dm\\): Bastion demo disk: /dev/xvda, 256 MiB: found a blank disk, wrote \"bastion-demo-disk boots=1\", read back \"bastion-demo-disk boots=1\"" \
	"the guest's xen-blkfront finds xvda blank, writes a record and reads it back"
expect "$N" 'APPLIANCE-CHECK: disk backend /local/domain/0/backend/qdisk/[0-9]+/51712: state 4 params qcow2:/var/lib/bastion/images/demo.qcow2' \
	"dom0's xenstore (xenstore-read) has the qdisk backend of xvda connected (state 4)"
expect "$N" 'APPLIANCE-CHECK: disk frontend state 4' "and the guest's frontend connected"
expect "$N" 'APPLIANCE-CHECK: bastion-dm pid: [0-9]+' "bastion-dm runs in dom0 for the guest"
expect "$N" 'APPLIANCE-CHECK: block-list: 51712 +0 +[0-9]+ +4 ' "xl block-list shows xvda connected"
expect "$N" 'APPLIANCE-CHECK: debug-keys: d[0-9]+v0: (running|runnable|blocked) for [0-9]+ ms on CPU [01]' \
	"xl debug-keys q: the hypervisor's log (xl dmesg) gives the demo guest's vCPU state"
expect "$N" 'APPLIANCE-CHECK: bastion-dm after shutdown: gone' "bastion-dm exits with the guest"
expect "$N" 'APPLIANCE-CHECK: img-check-demo: No errors were found on the image' \
	"bastion-img check finds the demo disk clean after the guest's write"
expect "$N" 'APPLIANCE-CHECK: img-check-demo: rc=0' "and exits 0"
expect "$N" 'APPLIANCE-CHECK: after reboot \(domain [0-9]+\): Bastion demo disk: /dev/xvda, 256 MiB: found "bastion-demo-disk boots=1", wrote "bastion-demo-disk boots=2", read back "bastion-demo-disk boots=2"' \
	"xl reboot: the restarted guest (a new bastion-dm) finds its first boot's record and writes the next"
expect "$N" 'APPLIANCE-CHECK: demo disk sector 0 in dom0 \(file offset 0x[0-9a-f]+\): bastion-demo-disk boots=2' \
	"the guest's last record is in the qcow2 file (at the cluster bastion-img map gives)"
# bastion-img in the appliance's dom0 on scratch images.
for f in qcow2 vhd raw; do
	expect "$N" "APPLIANCE-CHECK: img-create-$f: Formatting '[^']*/scratch.$f', fmt=$f size=67108864" \
		"bastion-img create -f $f makes a 64 MiB image"
	expect "$N" "APPLIANCE-CHECK: img-create-$f: rc=0" "bastion-img create -f $f exits 0"
	expect "$N" "APPLIANCE-CHECK: img-info-$f: virtual size: 671[0-9]{5} bytes" "bastion-img info gives its size ($f)"
	expect "$N" "APPLIANCE-CHECK: img-check-$f: No errors were found on the image" "bastion-img check finds it clean ($f)"
	expect "$N" "APPLIANCE-CHECK: img-check-$f: rc=0" "bastion-img check exits 0 ($f)"
done
expect "$N" 'APPLIANCE-CHECK: img-info-qcow2: file format: qcow2' "bastion-img info names the qcow2 format"
expect "$N" 'APPLIANCE-CHECK: img-info-demo: file format: qcow2' "bastion-img info reads the disk a running guest uses"
expect_not "$N" 'Kernel panic|BUG:|Oops|PANIC|FATAL PAGE FAULT|crashing it' "no hypervisor, kernel or guest crash"
exit $integ_failed
