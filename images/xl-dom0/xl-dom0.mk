# The xl test dom0: Debian bookworm with Debian's Xen 4.17 userland (xl,
# libxl, libxenctrl, xen-init-dom0, xenconsoled, the C xenstored) and our
# xenstored (appliance/xenstored, static, as /usr/lib/bastion/xenstored) as
# one initramfs, booted with the kernel `make dom0` fetched.  Its /init runs
# xl scenarios (tests/integration/xl/run.sh) with our xenstored, or with
# Debian's C one: `make test-xl XSD=c` (kernel command line xsd=c), and
# with our console daemon, or Debian's xenconsoled: XCD=c (xcd=c).  The same image runs on
# Debian's own Xen 4.17 (test-xl-xen), which proves the image and the
# checks, and on Bastion (test-xl).
# test-xl is part of `make test`; test-xl-xen runs on demand (it fetches
# Xen, and needs -icount to run Xen's dom0 reliably under TCG).

XL_DOM0_DIR := $(BUILD)/xl-dom0
XL_DOM0_CPIO := $(XL_DOM0_DIR)/rootfs.cpio
XEN_REF_DIR := $(BUILD)/xen
XEN_REF_ELF := $(XEN_REF_DIR)/xen.elf
# The test guest's xl configuration is the Xen anchor's, so the figures
# compare with the anchor's measurements.
XEN_ANCHOR_DIR ?= ../shared/tools/xen-anchor
XL_GUEST_CFG := $(XEN_ANCHOR_DIR)/guests/anchor-pvh.cfg

# What the test guest runs besides busybox: the probe of what a domU must
# not do, and the dom0 test's garbage hypercalls.
XL_DOMU_TOOLS := $(XL_DOM0_DIR)/domu-probe $(DOM0_DIR)/hypercall-garbage
# A guest program that plays blkfront itself and sends bastion-dm garbage
# (ours.sh, hostile=1 in domu-init).
XL_DOMU_TOOLS += $(XL_DOM0_DIR)/blk-hostile

$(XL_DOM0_DIR)/blk-hostile: tests/integration/xl/blk_hostile.c hv/include/public/io/blkif.h \
		hv/include/public/io/ring.h hv/include/public/io/xs_wire.h
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -Ihv/include -static -o $@ $<
# Our xenstored in the dom0 (its rule is in appliance/xenstored/xenstored.mk).
XL_XENSTORED := $(BUILD)/appliance/xenstored-static
# Which xenstored test-xl runs: ours, or c (Debian's).
XSD ?= ours
# Our console daemon and client (appliance/consoled/consoled.mk), in
# /usr/lib/bastion; XCD picks the daemon test-xl runs: ours, or c (Debian's
# xenconsoled).
XL_CONSOLED := $(BUILD)/appliance/bastion-consoled-static $(BUILD)/appliance/bastion-console-static
XCD ?= ours
# Our device model (dm/pv/pv.mk): the PV backends of disks and NICs our xl
# creates.  The dynamic one, for its user networking (Debian ships libslirp
# shared only): build.sh installs libslirp0 (glib is there already).
XL_DM := $(BUILD)/dm/bastion-dm

# What dom0 runs besides Debian's userland: gntalloc/gntdev through the
# hv's grant table.
XL_DOM0_TOOLS := $(XL_DOM0_DIR)/gnt-loop

$(XL_DOM0_DIR)/gnt-loop: tests/integration/xl/gnt_loop.c
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -static -o $@ $<

# The dom0 end of a guest's channel (ours.sh, ours-chan-*): a unix socket client.
XL_DOM0_TOOLS += $(XL_DOM0_DIR)/chan-client

$(XL_DOM0_DIR)/chan-client: tests/integration/xl/chan_client.c
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -static -o $@ $<

$(XL_DOM0_DIR)/domu-probe: tests/integration/xl/domu_probe.c $(wildcard hv/include/public/*.h hv/include/public/*/*.h)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -Ihv/include -static -o $@ $<

# The bench's physinfo (exact free pages) in the dom0 as well.
XL_DOM0_TOOLS += $(XL_DOM0_DIR)/physinfo

$(XL_DOM0_DIR)/physinfo: tests/bench/xl/physinfo.c hv/include/public/sysctl.h hv/include/public/xen.h
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -Ihv/include -static -o $@ $<

# The ours scenario's other domU kernels: 6.12 zstd, 6.1 gzip, ELF vmlinux.
XL_GUEST_KERNELS := $(addprefix $(XL_DOM0_DIR)/kernels/,vmlinuz-6.12 vmlinuz-gzip vmlinux)

$(XL_GUEST_KERNELS) &: images/xl-dom0/kernels.sh $(DOM0_KERNEL)
	images/xl-dom0/kernels.sh $(XL_DOM0_DIR)/kernels $(DOM0_DIR)/vmlinuz $(BUILD)/unzip

$(XL_DOM0_CPIO): images/xl-dom0/build.sh images/xl-dom0/init images/xl-dom0/domu-init images/xl-dom0/bench.sh images/xl-dom0/bench-blk.sh images/xl-dom0/bench-net.sh \
		images/xl-dom0/ours.sh images/xl-dom0/net.sh \
		images/xl-dom0/domu-poweroff $(DOM0_KERNEL) $(XL_GUEST_CFG) $(XL_DOMU_TOOLS) $(XL_DOM0_TOOLS) \
		$(XL_XENSTORED) $(XL_CONSOLED) $(XL_DM) $(XL_GUEST_KERNELS)
	@mk/deps.sh --quiet debootstrap cpio
	GUEST_KERNELS="$(XL_GUEST_KERNELS)" DOMU_TOOLS="$(XL_DOMU_TOOLS)" DOM0_TOOLS="$(XL_DOM0_TOOLS)" XENSTORED_BIN="$(XL_XENSTORED)" \
		XL_BIN="$(XL_STATIC_BIN)" \
		BASTION_BINS="$(XL_CONSOLED) $(XL_DM)" \
		images/xl-dom0/build.sh $(XL_DOM0_DIR) $(DOM0_DIR) $(XL_GUEST_CFG)

$(XEN_REF_ELF): images/xl-dom0/fetch-xen.sh
	images/xl-dom0/fetch-xen.sh $(XEN_REF_DIR)

xl-dom0: $(XL_DOM0_CPIO)

# XLTEST=info|pvh picks the scenario (default pvh).
test-xl: $(HV_ELF) $(XL_DOM0_CPIO)
	@XSD=$(XSD) XCD=$(XCD) tests/integration/xl/run.sh bastion

# Our own xl (appliance/xl) creates, controls and destroys the guest.
test-xl-ours: $(HV_ELF) $(XL_DOM0_CPIO)
	@XLTEST=ours XSD=$(XSD) tests/integration/xl/run.sh bastion

# The same on Debian's Xen 4.17: our userland speaks Xen's ABI, not only ours.
test-xl-ours-xen: $(XEN_REF_ELF) $(XL_DOM0_CPIO)
	@XLTEST=ours XSD=$(XSD) tests/integration/xl/run.sh xen

test-xl-xen: $(XEN_REF_ELF) $(XL_DOM0_CPIO)
	@XSD=$(XSD) XCD=$(XCD) tests/integration/xl/run.sh xen

# Bastion and Xen 4.17 on the same QEMU line under -icount: xl create ->
# the guest's /init, and the hypervisor's memory per idle guest.
bench-xl: $(HV_ELF) $(XEN_REF_ELF) $(XL_DOM0_CPIO)
	@tests/bench/xl/run.sh

# PV block throughput (issue 12): dd of 256 MiB O_DIRECT in a PVH domU,
# bastion-dm (raw, qcow2) and Xen 4.17's kernel blkback, both hypervisors.
bench-blk-pv: $(HV_ELF) $(XEN_REF_ELF) $(XL_DOM0_CPIO)
	@tests/bench/xl/blk.sh

# PV network throughput (issue 12): 64 MiB by TCP domU -> dom0 and back
# over the bridge, bastion-dm's qnic and Xen 4.17's kernel netback, both
# hypervisors.
bench-net-pv: $(HV_ELF) $(XEN_REF_ELF) $(XL_DOM0_CPIO)
	@tests/bench/xl/net.sh

.PHONY: xl-dom0 test-xl test-xl-ours test-xl-ours-xen test-xl-xen bench-xl bench-blk-pv bench-net-pv
TEST_SUITES += test-xl-ours
TEST_SUITES += test-xl-ours-xen
TEST_SUITES += test-xl
BENCH_TARGETS += bench-xl
BENCH_TARGETS += bench-blk-pv
BENCH_TARGETS += bench-net-pv
DEPS_PKGS += debootstrap cpio
