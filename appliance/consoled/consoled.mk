# bastion-consoled (appliance/consoled): the console daemon doing for PVH
# guests what Xen 4.17's xenconsoled does, and bastion-console, the client
# (Xen's xenconsole) over console_client.c, which xl's `console` uses too.
# Both link libbx; static copies go into the xl test dom0 (images/xl-dom0).
# test-consoled: the ring copy and output buffer against bad indexes, and
# the client against our xenstored on a private socket and a pty.

CD_DIR := appliance/consoled
CD_OBJ := $(BUILD)/appliance/consoled.obj
CD_BIN := $(BUILD)/appliance/bastion-consoled
CD_CLIENT_BIN := $(BUILD)/appliance/bastion-console
CD_STATIC_BIN := $(BUILD)/appliance/bastion-consoled-static
CD_CLIENT_STATIC_BIN := $(BUILD)/appliance/bastion-console-static
CD_CFLAGS := $(HOST_CFLAGS) -Ihv/include -Iappliance/lib -I$(CD_DIR)
CD_HDRS := $(wildcard $(CD_DIR)/*.h) appliance/lib/bx.h appliance/lib/bx_uapi.h \
	hv/include/public/io/console.h
CD_DAEMON_OBJS := $(patsubst %,$(CD_OBJ)/%.o,cons_ring cons_log cons_connect cons_domains cons_io main)
CD_CLIENT_OBJS := $(patsubst %,$(CD_OBJ)/%.o,console_client console_main)

ALL += $(CD_BIN) $(CD_CLIENT_BIN)
TEST_SUITES += test-consoled

$(CD_OBJ)/%.o: $(CD_DIR)/%.c $(CD_HDRS)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(CD_CFLAGS) -c $< -o $@

$(CD_BIN): $(CD_DAEMON_OBJS) $(BX_LIB)
	$(HOST_CC) $(CD_CFLAGS) -o $@ $^

$(CD_CLIENT_BIN): $(CD_CLIENT_OBJS) $(BX_LIB)
	$(HOST_CC) $(CD_CFLAGS) -o $@ $^

$(CD_STATIC_BIN): $(CD_DAEMON_OBJS) $(BX_LIB)
	$(HOST_CC) $(CD_CFLAGS) -static -o $@ $^

$(CD_CLIENT_STATIC_BIN): $(CD_CLIENT_OBJS) $(BX_LIB)
	$(HOST_CC) $(CD_CFLAGS) -static -o $@ $^

CD_TEST_DIR := tests/unit/consoled
CD_TEST_BIN := $(BUILD)/tests/consoled/consoled-unit-test
CD_TEST_SRCS := $(wildcard $(CD_TEST_DIR)/*.c) $(CD_DIR)/cons_ring.c $(CD_DIR)/console_client.c

$(CD_TEST_BIN): $(CD_TEST_SRCS) $(wildcard $(CD_TEST_DIR)/*.h) $(CD_HDRS) $(BX_LIB)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(CD_CFLAGS) -fsanitize=address,undefined -I$(CD_TEST_DIR) -Itests/unit/hv \
		-o $@ $(CD_TEST_SRCS) $(BX_SRCS)

.PHONY: test-consoled
test-consoled: $(BUILD)/appliance/xenstored $(CD_TEST_BIN) $(CD_BIN) $(CD_CLIENT_BIN) \
		$(CD_STATIC_BIN) $(CD_CLIENT_STATIC_BIN)
	@tests/unit/with-xenstored.sh $(BUILD)/appliance/xenstored $(CD_TEST_BIN)
