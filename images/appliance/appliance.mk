# The appliance in dom0's initramfs (images/dom0 builds the initramfs and
# runs DOM0_APPLIANCE_INSTALL): our xl, xenstored, console daemon,
# bastion-init-dom0, the device model bastion-dm, the image tool
# bastion-img and xenstore-read/xenstore-ls, all static, in
# /usr/lib/bastion; appliance-start, which /init runs to bring them up;
# and the demo guest - Debian's kernel (the one dom0 runs) with a busybox
# initramfs and xen-blkfront - that it starts from /etc/bastion/demo.cfg,
# with a qcow2 disk bastion-dm serves.  Include after dm/ (PV_BIN,
# BLOCK_IMG).

APPL_OUT := $(BUILD)/appliance
APPL_INIT_DOM0 := $(APPL_OUT)/bastion-init-dom0
APPL_DEMO_INITRD := $(APPL_OUT)/demo-initrd.cpio.gz
APPL_DEMO_ROOT := $(APPL_OUT)/demo-root
APPL_BINS := $(XL_STATIC_BIN) $(XS_STATIC_BIN) $(CD_STATIC_BIN) $(APPL_INIT_DOM0) \
	$(PV_BIN)-static $(BLOCK_IMG)-static $(XSCLI_STATIC_BIN)

ALL += $(APPL_INIT_DOM0)

$(APPL_INIT_DOM0): appliance/init/init_dom0.c $(BX_LIB) $(wildcard appliance/lib/*.h)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -Ihv/include -Iappliance/lib -static -o $@ $< $(BX_LIB)

$(APPL_DEMO_INITRD): images/appliance/demo-init $(DOM0_KERNEL)
	rm -rf $(APPL_DEMO_ROOT)
	mkdir -p $(APPL_DEMO_ROOT)/bin $(APPL_DEMO_ROOT)/lib/modules
	cp $(DOM0_DIR)/busybox-root/bin/busybox $(APPL_DEMO_ROOT)/bin/busybox
	cp $(DOM0_DIR)/kernel-root/lib/modules/*/kernel/drivers/block/xen-blkfront.ko \
		$(APPL_DEMO_ROOT)/lib/modules/
	cp images/appliance/demo-init $(APPL_DEMO_ROOT)/init
	cd $(APPL_DEMO_ROOT) && find . | cpio -o -H newc --quiet | gzip -9 > $(abspath $@)

$(DOM0_INITRD): $(APPL_BINS) $(APPL_DEMO_INITRD) images/appliance/appliance-start images/appliance/demo.cfg \
	images/appliance/appliance-check \
	images/appliance/install.sh

DOM0_APPLIANCE_INSTALL = images/appliance/install.sh $(DOM0_ROOT) $(DOM0_DIR) $(APPL_DEMO_INITRD) \
	$(APPL_BINS)

# Boots the appliance as `make run` does and checks the demo guest, its
# disk through bastion-dm and bastion-img in dom0
# (tests/integration/appliance/run.sh).
test-appliance: $(HV_ELF) $(DOM0_KERNEL) $(DOM0_INITRD)
	@tests/integration/appliance/run.sh

.PHONY: test-appliance
TEST_SUITES += test-appliance
