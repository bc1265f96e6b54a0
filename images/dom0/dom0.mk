# The dom0 that `make run`, the ISO and the dom0 tests boot: Debian's own
# kernel (the bzImage linux-image-amd64 depends on) and a busybox
# initramfs, both fetched with apt-get download into build/dom0 (never
# committed).  images/appliance adds the appliance to the initramfs
# (DOM0_APPLIANCE_INSTALL): the toolstack, xenstored, the console daemon
# and the demo guest that /init starts unless it runs the dom0 checks.

DOM0_DIR := $(BUILD)/dom0
DOM0_KERNEL := $(DOM0_DIR)/vmlinuz
DOM0_INITRD := $(DOM0_DIR)/initramfs.cpio.gz
DOM0_ROOT := $(DOM0_DIR)/initramfs-root

$(DOM0_KERNEL): images/dom0/fetch.sh
	@mk/deps.sh --quiet busybox-static cpio
	images/dom0/fetch.sh $(DOM0_DIR)
	@touch $@

$(DOM0_DIR)/evtchn-loop: tests/integration/dom0/evtchn_loop.c
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -Wno-unused-result -static -o $@ $<

$(DOM0_DIR)/hypercall-garbage: tests/integration/dom0/hypercall_garbage.c
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -static -o $@ $<

$(DOM0_DIR)/hypercall-insn: tests/integration/dom0/hypercall_insn.c
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -static -o $@ $<

$(DOM0_DIR)/fpu-check: tests/integration/dom0/fpu_check.c
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -static -o $@ $<
$(DOM0_DIR)/msr-check: tests/integration/dom0/msr_check.c
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -static -o $@ $<

$(DOM0_INITRD): $(DOM0_KERNEL) images/dom0/init images/dom0/dom0-checks $(DOM0_DIR)/evtchn-loop \
		$(DOM0_DIR)/hypercall-garbage $(DOM0_DIR)/hypercall-insn $(DOM0_DIR)/fpu-check $(DOM0_DIR)/msr-check
	rm -rf $(DOM0_ROOT)
	mkdir -p $(DOM0_ROOT)/bin $(DOM0_ROOT)/lib/modules
	cp $(DOM0_DIR)/busybox-root/bin/busybox $(DOM0_ROOT)/bin/busybox
	cp images/dom0/init images/dom0/dom0-checks $(DOM0_ROOT)/
	chmod +x $(DOM0_ROOT)/init
	cp $(DOM0_DIR)/evtchn-loop $(DOM0_DIR)/hypercall-garbage $(DOM0_DIR)/hypercall-insn \
		$(DOM0_DIR)/fpu-check $(DOM0_DIR)/msr-check $(DOM0_ROOT)/bin/
	cp $(DOM0_DIR)/kernel-root/lib/modules/*/kernel/drivers/xen/xen-evtchn.ko \
		$(DOM0_DIR)/kernel-root/lib/modules/*/kernel/drivers/xen/xen-privcmd.ko \
		$(DOM0_DIR)/kernel-root/lib/modules/*/kernel/arch/x86/kernel/msr.ko $(DOM0_ROOT)/lib/modules/
	$(DOM0_APPLIANCE_INSTALL)
	cd $(DOM0_ROOT) && find . | cpio -o -H newc --quiet | gzip -9 > $(abspath $@)

dom0: $(DOM0_KERNEL) $(DOM0_INITRD)
.PHONY: dom0
DEPS_PKGS += busybox-static cpio libc6-dev

# The same dom0 with Debian's 32-bit kernel (linux-image-686-pae:i386,
# an ELF32 PVH kernel) and i386 builds of the checks' programs: the
# 32-bit guest ABI (tests/integration/dom0/boot-686.sh).
DOM0_686_DIR := $(BUILD)/dom0-686
DOM0_686_KERNEL := $(DOM0_686_DIR)/vmlinuz
DOM0_686_INITRD := $(DOM0_686_DIR)/initramfs.cpio.gz
DOM0_686_ROOT := $(DOM0_686_DIR)/initramfs-root
DOM0_686_PROGS := $(addprefix $(DOM0_686_DIR)/,evtchn-loop hypercall-garbage hypercall-insn msr-check)

$(DOM0_686_KERNEL): images/dom0/fetch.sh
	@mk/deps.sh --quiet cpio
	images/dom0/fetch.sh $(DOM0_686_DIR) i386
	@touch $@

$(DOM0_686_DIR)/evtchn-loop: tests/integration/dom0/evtchn_loop.c
$(DOM0_686_DIR)/hypercall-garbage: tests/integration/dom0/hypercall_garbage.c
$(DOM0_686_DIR)/hypercall-insn: tests/integration/dom0/hypercall_insn.c
$(DOM0_686_DIR)/msr-check: tests/integration/dom0/msr_check.c
$(DOM0_686_PROGS):
	@mk/deps.sh --quiet gcc-multilib
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -m32 -Wno-unused-result -static -o $@ $<

$(DOM0_686_INITRD): $(DOM0_686_KERNEL) images/dom0/init images/dom0/dom0-checks $(DOM0_686_PROGS)
	rm -rf $(DOM0_686_ROOT)
	mkdir -p $(DOM0_686_ROOT)/bin $(DOM0_686_ROOT)/lib/modules
	cp $(DOM0_686_DIR)/busybox-root/bin/busybox $(DOM0_686_ROOT)/bin/busybox
	cp images/dom0/init images/dom0/dom0-checks $(DOM0_686_ROOT)/
	chmod +x $(DOM0_686_ROOT)/init
	cp $(DOM0_686_PROGS) $(DOM0_686_ROOT)/bin/
	cp $(DOM0_686_DIR)/kernel-root/lib/modules/*/kernel/drivers/xen/xen-evtchn.ko \
		$(DOM0_686_DIR)/kernel-root/lib/modules/*/kernel/drivers/xen/xen-privcmd.ko \
		$(DOM0_686_DIR)/kernel-root/lib/modules/*/kernel/arch/x86/kernel/msr.ko $(DOM0_686_ROOT)/lib/modules/
	cd $(DOM0_686_ROOT) && find . | cpio -o -H newc --quiet | gzip -9 > $(abspath $@)

dom0-686: $(DOM0_686_KERNEL) $(DOM0_686_INITRD)
.PHONY: dom0-686
DEPS_PKGS += gcc-multilib
