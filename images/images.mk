# Bootable artefacts.  build/bastion.iso: a hybrid BIOS/UEFI GRUB2 image
# (grub-mkrescue with Debian's i386-pc and x86_64-efi modules) that loads
# the hv with multiboot2, and with it Debian's kernel and the busybox
# initramfs as dom0 (images/dom0).

ISO := $(BUILD)/bastion.iso
ISO_ROOT := $(BUILD)/iso-root

$(ISO): $(HV_ELF) images/iso/grub.cfg $(DOM0_KERNEL) $(DOM0_INITRD)
	@mk/deps.sh --quiet grub-pc-bin grub-efi-amd64-bin grub-common xorriso mtools
	rm -rf $(ISO_ROOT)
	mkdir -p $(ISO_ROOT)/boot/grub
	cp $(HV_ELF) $(ISO_ROOT)/boot/bastion.elf
	cp $(DOM0_KERNEL) $(ISO_ROOT)/boot/vmlinuz
	cp $(DOM0_INITRD) $(ISO_ROOT)/boot/initramfs.cpio.gz
	cp images/iso/grub.cfg $(ISO_ROOT)/boot/grub/grub.cfg
	grub-mkrescue -o $@ $(ISO_ROOT) 2>$(BUILD)/grub-mkrescue.log || \
		{ cat $(BUILD)/grub-mkrescue.log; exit 1; }

iso: $(ISO)
ALL += $(ISO)
