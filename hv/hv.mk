# The hypervisor image: freestanding objects linked at 2 MiB as ELF64, then
# rewrapped as ELF32 because QEMU's multiboot loader takes only 32-bit ELF
# (GRUB's multiboot2 loads either).

HV_DIRS := hv/arch/x86 hv/arch/x86/boot hv/arch/x86/svm hv/common hv/common/sched hv/common/xz hv/hvm
HV_C_SRCS := $(foreach d,$(HV_DIRS),$(wildcard $(d)/*.c))
HV_S_SRCS := $(foreach d,$(HV_DIRS),$(wildcard $(d)/*.S))
HV_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(HV_C_SRCS)) $(patsubst %.S,$(BUILD)/%.o,$(HV_S_SRCS))
HV_INC := -Ihv/include -Ihv/common -Ihv/hvm
HV_ELF := $(BUILD)/hv/bastion.elf

ALL += $(HV_ELF)
DEPS_PKGS += gcc binutils make qemu-system-x86 ovmf seabios grub-pc-bin grub-efi-amd64-bin \
	grub-common xorriso mtools cloc

$(BUILD)/hv/%.o: hv/%.c
	@mkdir -p $(dir $@)
	$(CC) $(HV_CFLAGS) $(HV_INC) -MMD -MP -c $< -o $@

$(BUILD)/hv/%.o: hv/%.S
	@mkdir -p $(dir $@)
	$(CC) $(HV_INC) -D__ASSEMBLY__ -MMD -MP -c $< -o $@

$(BUILD)/hv/bastion64.elf: $(HV_OBJS) hv/hv.lds
	$(LD) -n -nostdlib -T hv/hv.lds -z max-page-size=0x1000 -z noexecstack --no-warn-rwx-segments -o $@ $(HV_OBJS)

$(HV_ELF): $(BUILD)/hv/bastion64.elf
	objcopy -O elf32-i386 $< $@

-include $(HV_OBJS:.o=.d)

# Host unit tests of the hv's pure logic (tests/unit/hv/).
HV_UNIT_TESTS := format cmdline page_alloc heap memmap multiboot acpi serial_config evtchn vtime elf sched \
	lib console domain_table access p2m gnttab triple_fault guest_pt vlapic guest_cr compat
HV_UNIT_SRCS_format := hv/common/format.c
HV_UNIT_SRCS_cmdline := hv/common/cmdline.c
HV_UNIT_SRCS_page_alloc := hv/common/page_alloc.c
HV_UNIT_SRCS_heap := hv/common/heap.c
HV_UNIT_SRCS_memmap := hv/common/memmap.c
HV_UNIT_SRCS_multiboot := hv/arch/x86/multiboot.c
HV_UNIT_SRCS_acpi := hv/arch/x86/acpi.c
HV_UNIT_SRCS_serial_config := hv/common/serial_config.c hv/common/cmdline.c
HV_UNIT_SRCS_evtchn := hv/common/evtchn.c
HV_UNIT_SRCS_vtime := hv/common/vtime.c
HV_UNIT_SRCS_elf := hv/common/elf_load.c
HV_UNIT_SRCS_sched := hv/common/sched/schedule.c hv/common/sched/credit2.c hv/common/sched/null.c
HV_UNIT_SRCS_lib :=
HV_UNIT_SRCS_domain_table := hv/common/domain_table.c
HV_UNIT_SRCS_access := hv/common/access.c
HV_UNIT_SRCS_p2m := hv/arch/x86/p2m.c
HV_UNIT_SRCS_gnttab := hv/common/gnttab.c hv/common/gnttab_map.c hv/common/compat.c
HV_UNIT_SRCS_triple_fault := hv/arch/x86/triple_fault.c
HV_UNIT_SRCS_guest_pt := hv/arch/x86/guest_pt.c
HV_UNIT_SRCS_vlapic := hv/arch/x86/vlapic.c
HV_UNIT_SRCS_guest_cr := hv/arch/x86/guest_cr.c
HV_UNIT_SRCS_compat := hv/common/compat.c
HV_UNIT_SRCS_console := hv/common/console_ring.c hv/common/ratelimit.c hv/common/format.c
HV_UNIT_BINS := $(addprefix $(BUILD)/tests/unit/hv/test_,$(HV_UNIT_TESTS))

.SECONDEXPANSION:
$(BUILD)/tests/unit/hv/test_%: tests/unit/hv/test_%.c tests/unit/hv/check.h $$(HV_UNIT_SRCS_$$*)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -fsanitize=address,undefined -DHOST_TEST $(HV_INC) -Itests/unit/hv \
		-o $@ $< $(HV_UNIT_SRCS_$*) -lm

.PHONY: test-hv-unit test-hv-boot run iso
test-hv-unit: $(HV_UNIT_BINS)
	@rc=0; for t in $(HV_UNIT_BINS); do $$t || rc=1; done; exit $$rc

TEST_SUITES += test-hv-unit

# Common code stays vendor-neutral (tests/unit/hv/seam.sh).
test-hv-seam:
	@tests/unit/hv/seam.sh

.PHONY: test-hv-seam
TEST_SUITES += test-hv-seam

QEMU_SVM := qemu-system-x86_64 -M q35 -accel tcg -cpu EPYC,+svm,-rdtscp,-monitor -m 2048 \
	-nographic -no-reboot

# Boots Bastion with Debian's kernel as dom0 and a busybox shell on the
# serial console; leave QEMU with Ctrl-a x.
run: $(HV_ELF)
	@mk/deps.sh --quiet $(sort $(DEPS_PKGS))
	@$(MAKE) --no-print-directory dom0
	$(QEMU_SVM) -smp 2 -kernel $(HV_ELF) -append "console=com1 com1=115200,8n1" \
		-initrd "$(DOM0_KERNEL) console=hvc0,$(DOM0_INITRD)"

# Boots under QEMU TCG (tests/integration/hv/boot.sh).
test-hv-boot: $(HV_ELF) $(BUILD)/bastion.iso
	@tests/integration/hv/boot.sh

TEST_SUITES += test-hv-boot

# Debian's kernel as a PVH dom0 (tests/integration/dom0/boot.sh).
test-dom0-boot: $(HV_ELF)
	@tests/integration/dom0/boot.sh

TEST_SUITES += test-dom0-boot

# Debian's 32-bit (686-pae) kernel as the first domain (boot-686.sh).
test-dom0-686: $(HV_ELF)
	@tests/integration/dom0/boot-686.sh

TEST_SUITES += test-dom0-686

bench-dom0-boot: $(HV_ELF)
	@tests/bench/dom0/boot.sh

BENCH_TARGETS += bench-dom0-boot

bench-sched: $(HV_ELF)
	@tests/bench/sched/boot.sh

BENCH_TARGETS += bench-sched

# The hv under Bochs (tests/integration/hv/bochs.sh): self-test and one
# dom0 boot in make test; ten dom0 boots in a row in test-hv-bochs-dom0.
test-hv-bochs: $(HV_ELF)
	@$(MAKE) --no-print-directory -s dom0
	@tests/integration/hv/bochs.sh

test-hv-bochs-dom0: $(HV_ELF)
	@$(MAKE) --no-print-directory -s dom0
	@BOCHS_DOM0_RUNS=10 tests/integration/hv/bochs.sh

.PHONY: test-hv-bochs test-hv-bochs-dom0
TEST_SUITES += test-hv-bochs
DEPS_PKGS += bochs bochs-term bochsbios vgabios python3
