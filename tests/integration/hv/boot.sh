#!/bin/bash
# The hypervisor boots under QEMU TCG with emulated AMD-V: from -kernel
# (multiboot1) with 2 and 4 CPUs, from the ISO (GRUB2 multiboot2) under
# SeaBIOS and OVMF; a CPU without SVM gets a clear refusal and the hv
# stays up; bad options are named and ignored; an exception on one CPU
# dumps its registers and halts only that CPU.
cd "$(dirname "$0")/../../.." || exit 1
. tests/integration/lib.sh
HV=build/hv/bastion.elf
ISO=build/bastion.iso
DONE='boot: done at'
OVMF=/usr/share/ovmf/OVMF.fd

# check_full_boot NAME NCPUS [LOADER-REGEX]
check_full_boot() {
	local n=$1 cpus=$2
	expect "$n" 'Bastion hypervisor [0-9.]+ \(x86-64\), entered at TSC' "banner"
	[ -n "$3" ] && expect "$n" "$3" "loaded by the expected boot loader"
	# QEMU -m 2048: firmware keeps a little (640K-1M hole, ACPI, OVMF's own)
	expect_number_between "$n" 'memory: ([0-9]+) MiB usable RAM' 2000 2048 "usable RAM matches -m 2048"
	expect "$n" "acpi: .* $cpus CPUs, 1 I/O APICs, HPET present" "ACPI lists $cpus CPUs, the I/O APIC and HPET"
	expect "$n" 'time: TSC [0-9]+\.[0-9]+ MHz, calibrated against the HPET' "TSC calibrated"
	expect "$n" "smp: $cpus of $cpus CPUs online" "all $cpus CPUs online"
	expect "$n" 'time: periodic 100 Hz tick running on every CPU' "periodic timer ticks on every CPU"
	expect "$n" "hvm: AMD-V enabled on $cpus of $cpus CPUs" "AMD-V enabled on every CPU"
	expect "$n" 'svm: AMD-V features: NPT' "SVM features reported"
	expect "$n" 'svm: self-test guest: 5 exits checked' "self-test guest's exits all checked"
	expect "$n" 'hvm: self-test passed' "SVM self-test passed"
	expect_not "$n" 'exception|PANIC|FAILED|ignored' "no exception, panic, failure or rejected option"
}

CPU="-cpu $QEMU_SVM_CPU"

qemu_boot kernel-smp2 120 "$DONE" $CPU -smp 2 -kernel $HV -append "console=com1 com1=115200,8n1"
check_full_boot kernel-smp2 2 'boot: multiboot1 from qemu'

qemu_boot kernel-smp4 120 "$DONE" $CPU -smp 4 -kernel $HV -append "console=com1 com1=115200,8n1"
check_full_boot kernel-smp4 4 'boot: multiboot1 from qemu'

qemu_boot iso-seabios 400 'Bastion dom0 shell' $CPU -smp 2 -cdrom $ISO
check_full_boot iso-seabios 2 'boot: multiboot2 from GRUB'
expect iso-seabios 'Bastion dom0 shell' "the ISO boots to the dom0 shell (BIOS)"
expect iso-seabios 'APPLIANCE: demo guest up' "the ISO's appliance runs the demo guest (BIOS)"

qemu_boot iso-ovmf 400 'Bastion dom0 shell' $CPU -smp 2 -bios $OVMF -cdrom $ISO
check_full_boot iso-ovmf 2 'boot: multiboot2 from GRUB'
expect iso-ovmf "dom0: unpacked the bzImage's XZ payload" "the ISO's GRUB hands the hv Debian's kernel as a module"
expect iso-ovmf 'Bastion dom0 shell' "the ISO boots to the dom0 shell (UEFI)"
expect iso-ovmf 'APPLIANCE: demo guest up' "the ISO's appliance runs the demo guest (UEFI)"

# QEMU's qemu64 model offers SVM but no nested paging; qemu64,-svm offers none.
qemu_boot no-npt 120 "$DONE" -cpu qemu64 -smp 2 -kernel $HV -append "console=com1"
expect no-npt 'no hardware virtualization: AMD-V without nested paging \(NPT\)' "qemu64 (no NPT): clear refusal"
expect no-npt "$DONE" "qemu64 (no NPT): the hv stays up"
expect_not no-npt 'exception|PANIC|self-test' "qemu64 (no NPT): no crash and no guest attempted"

qemu_boot no-svm 120 "$DONE" -cpu qemu64,-svm -smp 2 -kernel $HV -append "console=com1"
expect no-svm 'no hardware virtualization: this CPU has no AMD-V \(SVM\)' "CPU without SVM: clear refusal"
expect no-svm 'smp: 2 of 2 CPUs online' "CPU without SVM: the hv still brings up every CPU"
expect no-svm "$DONE" "CPU without SVM: the hv stays up"
expect_not no-svm 'exception|PANIC|self-test' "CPU without SVM: no crash and no guest attempted"

qemu_boot bad-options 120 "$DONE" $CPU -smp 2 -kernel $HV \
	-append "console=com1 com1=fast bogus=1 trap_test_cpu=x no-console"
expect bad-options "cmdline: option 'com1=fast' ignored: baud rate must be" "bad com1= value named with the reason"
expect bad-options "cmdline: option 'bogus=1' ignored: unknown option" "unknown option named"
expect bad-options "cmdline: option 'trap_test_cpu=x' ignored: expected a number" "bad number named"
expect bad-options "cmdline: option 'no-console' ignored: only a boolean" "no- prefix on a non-boolean named"
expect bad-options 'hvm: self-test passed' "bad options: the hv comes up all the same"

qemu_boot trap 120 "$DONE" $CPU -smp 2 -kernel $HV -append "console=com1 trap_test_cpu=1"
expect trap '\*\*\* CPU 1: exception #UD invalid opcode \(vector 6' "exception on CPU 1 names the exception"
expect trap '\*\*\* faulting RIP [0-9a-f]{16}' "exception dump gives the faulting RIP"
expect trap '^rax [0-9a-f]{16} rbx' "exception dump gives the registers"
expect trap '\*\*\* CPU 1 halted' "only the faulting CPU halts"
expect trap 'hvm: self-test passed' "the other CPU carries on and runs the self-test"

# A module that is neither ELF nor bzImage: dom0 is refused, the hv stays up.
mkdir -p "$INTEG_OUT"
head -c 65536 /dev/urandom >"$INTEG_OUT/garbage-kernel"
qemu_boot bad-kernel 120 'dom0: (cannot build|no kernel)' $CPU -smp 2 -kernel $HV -append "console=com1" \
	-initrd "$INTEG_OUT/garbage-kernel console=hvc0"
expect bad-kernel 'dom0: cannot build it: .*(bzImage|ELF|setup header)' "a garbage kernel module is refused with the reason"
expect_not bad-kernel 'exception|PANIC' "refusing it does not crash the hv"

exit $integ_failed
