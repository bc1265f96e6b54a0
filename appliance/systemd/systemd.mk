# appliance/systemd: the units and bastion-domains for a Debian dom0 that
# installs our userland (`make install DESTDIR=ROOT`); test-systemd checks
# the installed tree with systemd-analyze verify and bastion-domains
# against a stand-in xl.  Include after images/appliance/appliance.mk.

SYSTEMD_BINS := $(XL_STATIC_BIN) $(XS_STATIC_BIN) $(CD_STATIC_BIN) $(CD_CLIENT_STATIC_BIN) \
	$(APPL_INIT_DOM0) $(BUILD)/dm/bastion-dm-static $(BUILD)/dm/bastion-img-static

DEPS_PKGS += systemd
TEST_SUITES += test-systemd

.PHONY: install test-systemd

install: $(SYSTEMD_BINS)
	@appliance/systemd/install.sh "$(DESTDIR)" $(SYSTEMD_BINS)

test-systemd: $(SYSTEMD_BINS)
	@tests/unit/systemd/run.sh $(BUILD)/systemd-test $(SYSTEMD_BINS)
