# The xl test dom0: Debian bookworm with Debian's Xen 4.17 userland (xl,
# libxl, libxenctrl, xen-init-dom0, xenconsoled, the C xenstored) as one
# initramfs, booted with the kernel `make dom0` fetched.  Its /init runs
# the xl scenario named on the kernel command line.

XL_DOM0_DIR := $(BUILD)/xl-dom0
XL_DOM0_CPIO := $(XL_DOM0_DIR)/rootfs.cpio
# The test guest's xl configuration is the Xen anchor's, so the figures
# compare with the anchor's measurements.
XEN_ANCHOR_DIR ?= ../shared/tools/xen-anchor
XL_GUEST_CFG := $(XEN_ANCHOR_DIR)/guests/anchor-pvh.cfg

$(XL_DOM0_CPIO): images/xl-dom0/build.sh images/xl-dom0/init images/xl-dom0/domu-init \
		images/xl-dom0/domu-poweroff $(DOM0_KERNEL) $(XL_GUEST_CFG)
	@mk/deps.sh --quiet debootstrap cpio
	images/xl-dom0/build.sh $(XL_DOM0_DIR) $(DOM0_DIR) $(XL_GUEST_CFG)

xl-dom0: $(XL_DOM0_CPIO)

.PHONY: xl-dom0
DEPS_PKGS += debootstrap cpio
