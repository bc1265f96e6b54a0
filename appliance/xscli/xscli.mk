# bastion-xenstore (appliance/xscli): xenstore-read and xenstore-ls for
# the appliance's dom0, which carries no Xen tools - a static binary over
# libbx, installed under both names (images/appliance/install.sh).

XSCLI_BIN := $(BUILD)/appliance/bastion-xenstore
XSCLI_STATIC_BIN := $(BUILD)/appliance/bastion-xenstore-static

ALL += $(XSCLI_BIN)

$(XSCLI_BIN): appliance/xscli/xscli.c $(BX_LIB) appliance/lib/bx.h
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -Ihv/include -Iappliance/lib -o $@ $< $(BX_LIB)

$(XSCLI_STATIC_BIN): appliance/xscli/xscli.c $(BX_LIB) appliance/lib/bx.h
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -Ihv/include -Iappliance/lib -static -o $@ $< $(BX_LIB)

# test-xscli: the same output as Debian's xenstore-utils (tests/unit/xscli).
TEST_SUITES += test-xscli
.PHONY: test-xscli
test-xscli: $(XS_BIN) $(XSCLI_BIN)
	@timeout 120 tests/unit/xscli/run.sh $(XS_BIN) $(XSCLI_BIN)
