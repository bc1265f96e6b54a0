#!/bin/bash
# The hv unpacks bzImages with the other compressions Debian and Linux
# use and boots them as a PVH dom0 under QEMU TCG with emulated AMD-V, to
# the small initramfs' /init (then stops: the full dom0 checks are
# test-dom0-boot's):
#  - Debian's 6.12 kernel, a zstd bzImage (zstd -22 --ultra);
#  - Debian's 6.1 kernel re-wrapped with its vmlinux gzip'd as Linux's
#    build does (gzip -n -9), standing for a gzip kernel.
cd "$(dirname "$0")/../../.." || exit 1
. tests/integration/lib.sh
HV=build/hv/bastion.elf
INITRD=build/dom0/initramfs.cpio.gz
WORK=build/unzip
CPU="-cpu $QEMU_SVM_CPU"

# boot_to_init NAME KERNEL CODEC
boot_to_init() {
	local n=$1 kernel=$2 codec=$3
	qemu_boot "$n" 300 'DOM0-INIT: reached /init|PANIC|Kernel panic|crashing it' $CPU -smp 1 \
		-kernel $HV -append "console=com1 dom0_max_vcpus=1" -initrd "$kernel console=hvc0,$INITRD"
	expect "$n" "dom0: unpacked the bzImage's $codec payload: [0-9]+ KiB of ELF" \
		"the hv unpacked the $codec bzImage itself"
	expect "$n" 'DOM0-INIT: reached /init' "dom0 reached /init"
	expect_not "$n" 'exception|PANIC|Kernel panic|BUG:|Oops|crashing it' "no hv exception, guest panic or crash"
}

make --no-print-directory -s dom0 >/dev/null || { fail "dom0: building the 6.1 kernel and initramfs"; exit 1; }

if k612=$(tests/unit/unzip/kernel612.sh "$WORK" 2>"$WORK/kernel612.err"); then
	boot_to_init dom0-zstd-6.12 "$k612" Zstandard
	expect dom0-zstd-6.12 'Linux version 6\.12\.' "the kernel that runs is 6.12"
else
	fail "dom0-zstd-6.12: Debian's 6.12 kernel - $(cat "$WORK/kernel612.err")"
fi

tests/unit/xz/payload.sh build/dom0/vmlinuz "$WORK/boot-payload.xz"
xz -dc --single-stream "$WORK/boot-payload.xz" | gzip -n -9 >"$WORK/boot-payload.gz"
python3 tests/unit/unzip/rewrap.py build/dom0/vmlinuz "$WORK/boot-payload.gz" "$WORK/vmlinuz-gzip"
rm -f "$WORK/boot-payload.xz" "$WORK/boot-payload.gz"
boot_to_init dom0-gzip-6.1 "$WORK/vmlinuz-gzip" gzip
expect dom0-gzip-6.1 'Linux version 6\.1\.' "the kernel that runs is 6.1"
exit $integ_failed
