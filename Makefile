# Bastion: one tree, one build.  Every component lives in a fragment
# (<dir>/<name>.mk) included below; a fragment adds its outputs to ALL,
# its Debian packages to DEPS_PKGS, and its test, fuzz and bench targets
# to TEST_SUITES, FUZZ_TARGETS and BENCH_TARGETS.

.DEFAULT_GOAL := all
BUILD := build

ALL :=
DEPS_PKGS :=
TEST_SUITES :=
FUZZ_TARGETS :=
BENCH_TARGETS :=

include mk/common.mk
include hv/hv.mk
include images/dom0/dom0.mk
include images/images.mk
include images/xl-dom0/xl-dom0.mk
-include hv/hvm/emulate.mk
-include hv/include/public/public.mk
-include hv/common/xz/xz.mk
-include hv/common/unzip.mk
-include appliance/xenstored/xenstored.mk
-include appliance/xl/xl_cfg.mk
-include appliance/lib/bx.mk
-include appliance/builder/builder.mk
-include appliance/xl/xl.mk
-include appliance/consoled/consoled.mk
-include appliance/xscli/xscli.mk
-include dm/block/block.mk
-include dm/pv/pv.mk
# (after dm/: the appliance's prerequisites name bastion-dm and bastion-img)
-include images/appliance/appliance.mk
-include appliance/systemd/systemd.mk

.PHONY: all deps test fuzz bench run clean

all: $(ALL)

# Installs the Debian packages every fragment asked for (root, apt-get).
deps:
	@mk/deps.sh $(sort $(DEPS_PKGS))

# The whole suite: every registered suite, then one "N passed, N failed".
# The suites that boot a hypervisor under QEMU (TCG): one failed run is
# run again (mk/run-suites.sh says why).
RETRY_SUITES := test-hv-boot test-dom0-boot test-hv-bochs test-xl-ours test-xl-ours-xen test-xl \
	test-unzip-boot test-appliance

test:
	@mk/deps.sh --quiet $(sort $(DEPS_PKGS))
	@$(MAKE) --no-print-directory all
	@RETRY_SUITES="$(RETRY_SUITES)" mk/run-suites.sh $(TEST_SUITES)

fuzz:
	@mk/deps.sh --quiet $(sort $(DEPS_PKGS))
	@mk/run-suites.sh $(FUZZ_TARGETS)

bench:
	@mk/deps.sh --quiet $(sort $(DEPS_PKGS))
	@for b in $(BENCH_TARGETS); do $(MAKE) --no-print-directory $$b || exit 1; done

clean:
	rm -rf $(BUILD)
