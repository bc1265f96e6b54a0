# dm/pv: bastion-dm, the PV backend daemon for one guest (the "qdisk"
# block backend, the "qnic" network backend and the "console" secondary
# consoles), and test-pv-unit: the blkif, netif and console engines
# against a fake frontend and the xenbus state machine against a fake
# xenstore, all on the host.

PV_DIR := dm/pv
PV_OUT := $(BUILD)/dm/pv
PV_BIN := $(BUILD)/dm/bastion-dm
# The core: everything but the real seams (host_xen.c, xs_bx.c) and main.
PV_CORE_SRCS := blkif.c blkif_pgrant.c grant_budget.c blkback.c netif.c netif_link_fd.c netback.c consif.c consback.c \
	xenbus.c registry.c backends.c xs_util.c pv_log.c
# The xencons ring copy and output buffer, shared with bastion-consoled.
PV_CONS_RING := appliance/consoled/cons_ring.c
PV_SRCS := $(PV_CORE_SRCS) host_xen.c xs_bx.c main.c
# User networking: libslirp (Debian ships it shared only), so the static
# bastion-dm links net_slirp_none.c instead, which refuses net=user.
PV_SLIRP_SRCS := net_slirp.c net_slirp_loop.c
PV_GLIB_CFLAGS = $(shell pkg-config --cflags glib-2.0)
PV_GLIB_LIBS = $(shell pkg-config --libs glib-2.0)
PV_SLIRP_LIBS = $(shell pkg-config --libs slirp)
PV_CFLAGS = $(HOST_CFLAGS) -I$(PV_DIR) -I$(BLOCK_DIR) -I$(BX_DIR) -Iappliance/consoled -iquote hv/include \
	$(PV_GLIB_CFLAGS) -MMD -MP
PV_OBJS := $(PV_SRCS:%.c=$(PV_OUT)/%.o) $(PV_OUT)/cons_ring.o
PV_SLIRP_OBJS := $(PV_SLIRP_SRCS:%.c=$(PV_OUT)/%.o)
# The ring's wire layout, in the public ABI headers.
PV_PUBLIC_HDRS := hv/include/public/io/blkif.h hv/include/public/io/ring.h hv/include/public/io/console.h

ALL += $(PV_BIN)
TEST_SUITES += test-pv-unit
DEPS_PKGS += libslirp-dev

$(PV_OUT)/%.o: $(PV_DIR)/%.c
	@mkdir -p $(@D)
	$(HOST_CC) $(PV_CFLAGS) -c $< -o $@

$(PV_OUT)/cons_ring.o: $(PV_CONS_RING)
	@mkdir -p $(@D)
	$(HOST_CC) $(PV_CFLAGS) -c $< -o $@

$(PV_BIN): $(PV_OBJS) $(PV_SLIRP_OBJS) $(BX_LIB) $(BLOCK_LIB)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -o $@ $(PV_OBJS) $(PV_SLIRP_OBJS) $(BX_LIB) $(BLOCK_LIB) \
		$(PV_SLIRP_LIBS) $(PV_GLIB_LIBS) $(BLOCK_LIBS)

# Static, for dom0 images that carry no glib of their own (the appliance
# image): no user networking.
$(PV_BIN)-static: $(PV_OBJS) $(PV_OUT)/net_slirp_none.o $(BX_LIB) $(BLOCK_LIB)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -static -o $@ $(PV_OBJS) $(PV_OUT)/net_slirp_none.o $(BX_LIB) \
		$(BLOCK_LIB) $(shell pkg-config --static --libs glib-2.0) $(BLOCK_LIBS)

-include $(PV_OBJS:.o=.d) $(PV_SLIRP_OBJS:.o=.d) $(PV_OUT)/net_slirp_none.d

# --- tests ---------------------------------------------------------------
PV_TEST_DIR := tests/unit/pv
PV_TEST_BIN := $(PV_OUT)/pv-unit-test
PV_TEST_SRCS := $(wildcard $(PV_TEST_DIR)/*.c) $(addprefix $(PV_DIR)/,$(PV_CORE_SRCS) $(PV_SLIRP_SRCS)) \
	$(BX_DIR)/bx_hostfwd.c $(PV_CONS_RING)

$(PV_TEST_BIN): $(PV_TEST_SRCS) $(wildcard $(PV_TEST_DIR)/*.h $(PV_DIR)/*.h) $(PV_PUBLIC_HDRS) $(BLOCK_LIB) \
		$(BX_DIR)/bx_hostfwd.h
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -fsanitize=address,undefined -I$(PV_DIR) -I$(BLOCK_DIR) -I$(BX_DIR) \
		-Iappliance/consoled -I$(PV_TEST_DIR) -iquote hv/include $(PV_GLIB_CFLAGS) -o $@ $(PV_TEST_SRCS) $(BLOCK_LIB) \
		$(PV_SLIRP_LIBS) $(PV_GLIB_LIBS) $(BLOCK_LIBS)

.PHONY: test-pv-unit
test-pv-unit: $(PV_TEST_BIN)
	@rm -rf $(PV_OUT)/unit-tmp
	@timeout 120 $(PV_TEST_BIN) $(PV_OUT)/unit-tmp
