#!/bin/bash
# Debian's 32-bit kernel (linux-image-686-pae: an ELF32 PVH kernel in a
# bzImage) boots as the hv's first, privileged domain, with 1 and 2 vCPUs,
# and passes the checks the 64-bit dom0 passes (check_dom0.sh): through
# the 32-bit guest ABI (hypercall arguments in x86_32 layouts, shared_info
# and runstate in the 32-bit format, PAE page walks, the xAPIC page).
# Garbage hypercalls come from i386 user space through privcmd.
#
# Linux never runs a 32-bit kernel as Xen's initial domain (its XEN_DOM0
# needs x86-64), so it sets up no dom0 console: its messages and /init's
# go through earlyprintk=xen (console_io), kept with keep_bootcon.
cd "$(dirname "$0")/../../.." || exit 1
. tests/integration/lib.sh
. tests/integration/dom0/check_dom0.sh
HV=build/hv/bastion.elf
KERNEL=build/dom0-686/vmlinuz
INITRD=build/dom0-686/initramfs.cpio.gz
NEVER='^never-matches$' # wait for QEMU to end by itself
ARGS="console=hvc0 earlyprintk=xen keep_bootcon printk.devkmsg=on bastion.test=1"

CPU="-cpu $QEMU_SVM_CPU"
make --no-print-directory -s dom0-686 >/dev/null || { fail "dom0-686: building the kernel and initramfs"; exit 1; }

qemu_boot dom0-686-1vcpu 400 "$NEVER" $CPU -smp 2 -kernel $HV -append "console=com1 dom0_max_vcpus=1" \
	-initrd "$KERNEL $ARGS,$INITRD"
check_dom0 dom0-686-1vcpu 1
expect dom0-686-1vcpu 'Linux version [^ ]+-686-pae' "the kernel is Debian's 686-pae one"

qemu_boot dom0-686-2vcpu 400 "$NEVER" $CPU -smp 2 -kernel $HV -append "console=com1 dom0_max_vcpus=2" \
	-initrd "$KERNEL $ARGS bastion.garbage=1,$INITRD"
check_dom0 dom0-686-2vcpu 2
expect dom0-686-2vcpu 'DOM0-CHECK: APIC IDs: 0 2([^0-9]|$)' "Linux reads APIC IDs 0 and 2 from the xAPIC page"
expect_not dom0-686-2vcpu 'local APIC in x2APIC mode' "a kernel without x2APIC support keeps the xAPIC mode it starts in"
expect dom0-686-2vcpu 'NMI backtrace for cpu 1' "an NMI IPI reaches the other vCPU (sysrq l prints its backtrace)"
expect dom0-686-2vcpu 'HCALL-GARBAGE: done: [0-9]+ calls' "thousands of garbage hypercalls from i386 user space all returned"
expect_not dom0-686-2vcpu 'HCALL-GARBAGE: FAIL' "each targeted bad call got the error Xen gives"
n=$(grep -ac 'EVTCHN-LOOP: ok' "$LOG")
if [ "$n" = 2 ]; then pass "dom0-686-2vcpu: event channels still work after the garbage"
else fail "dom0-686-2vcpu: event channels still work after the garbage - $n of 2 round trips"; fi

exit $integ_failed
