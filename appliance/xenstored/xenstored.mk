# xenstored: the Xen-compatible xenstore daemon (appliance/xenstored), its
# protocol/unit tests, conformance tests with Debian's xenstore-utils, the
# message-parser fuzzer and the socket benchmark against Xen's xenstored.

XS_DIR := appliance/xenstored
XS_OBJ := $(BUILD)/appliance/xenstored.obj
XS_BIN := $(BUILD)/appliance/xenstored
XS_CFLAGS := $(HOST_CFLAGS) -Ihv/include -I$(XS_DIR) -Iappliance/lib

# The core builds into the daemon, the fuzzer and the tests alike.
XS_CORE := xs_hash xs_perms xs_path xs_store xs_tree xs_txn xs_watch \
	xs_conn xs_ops xs_domain xs_control xs_log xs_daemon xs_ring xs_ring_shm \
	xs_release xs_domexc
XS_DAEMON := $(XS_CORE) xs_socket xs_loop xs_ring_xen xs_xen_dom main
XS_CORE_SRCS := $(XS_CORE:%=$(XS_DIR)/%.c)
XS_HDRS := $(wildcard $(XS_DIR)/*.h) hv/include/public/io/xs_wire.h appliance/lib/bx_uapi.h

ALL += $(XS_BIN)
DEPS_PKGS += xenstore-utils xen-utils-4.17 clang libclang-rt-14-dev
TEST_SUITES += test-xenstored test-xenstored-conformance test-xenstored-fuzz
FUZZ_TARGETS += fuzz-xenstored
BENCH_TARGETS += bench-xenstored

$(XS_OBJ)/%.o: $(XS_DIR)/%.c $(XS_HDRS)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(XS_CFLAGS) -c $< -o $@

$(XS_BIN): $(XS_DAEMON:%=$(XS_OBJ)/%.o)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(XS_CFLAGS) -o $@ $^

# The same daemon linked static, for dom0 images (images/xl-dom0).
XS_STATIC_BIN := $(BUILD)/appliance/xenstored-static
$(XS_STATIC_BIN): $(XS_DAEMON:%=$(XS_OBJ)/%.o)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(XS_CFLAGS) -static -o $@ $^

# ---- protocol tests: our own C client over the socket and the ring ----
XS_TEST_DIR := tests/unit/xenstored
XS_TEST_BIN := $(BUILD)/tests/xenstored/xs-protocol-test
XS_TEST_SRCS := $(XS_TEST_DIR)/xs_test_client.c $(XS_TEST_DIR)/test_protocol.c \
	$(XS_TEST_DIR)/test_robust.c $(XS_TEST_DIR)/test_ring.c
XS_UNIT_BIN := $(BUILD)/tests/xenstored/xs-unit-test

$(XS_TEST_BIN): $(XS_TEST_SRCS) $(wildcard $(XS_TEST_DIR)/*.h) hv/include/public/io/xs_wire.h
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -Ihv/include -I$(XS_TEST_DIR) -o $@ $(XS_TEST_SRCS)

XS_UNIT_SRCS := $(XS_TEST_DIR)/test_unit.c $(XS_TEST_DIR)/test_release.c

$(XS_UNIT_BIN): $(XS_UNIT_SRCS) $(XS_TEST_DIR)/unit_check.h $(XS_CORE_SRCS) $(XS_HDRS)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(XS_CFLAGS) -o $@ $(XS_UNIT_SRCS) $(XS_CORE_SRCS)

.PHONY: test-xenstored test-xenstored-conformance test-xenstored-fuzz \
	fuzz-xenstored bench-xenstored

test-xenstored: $(XS_BIN) $(XS_TEST_BIN) $(XS_UNIT_BIN)
	@$(XS_UNIT_BIN)
	@$(XS_TEST_DIR)/run.sh $(XS_BIN) $(XS_TEST_BIN)

test-xenstored-conformance: $(XS_BIN)
	@tests/conformance/xenstore/run.sh $(XS_BIN)

# ---- libFuzzer target over the message parser and request handlers ----
XS_FUZZ_BIN := $(BUILD)/tests/xenstored/xs-fuzz
XS_FUZZ_CFLAGS := -std=c11 -O1 -g -D_GNU_SOURCE -Wall -Wextra -Werror \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-Ihv/include -I$(XS_DIR)

$(XS_FUZZ_BIN): tests/fuzz/xenstore/fuzz_msg.c $(XS_CORE_SRCS) $(XS_HDRS)
	@mkdir -p $(dir $@)
	$(CLANG) $(XS_FUZZ_CFLAGS) -o $@ tests/fuzz/xenstore/fuzz_msg.c $(XS_CORE_SRCS)

test-xenstored-fuzz: $(XS_FUZZ_BIN)
	@tests/fuzz/xenstore/run.sh $(XS_FUZZ_BIN) 20

fuzz-xenstored: $(XS_FUZZ_BIN)
	@tests/fuzz/xenstore/run.sh $(XS_FUZZ_BIN) 300

# ---- benchmark: ops/s through the socket, ours vs Xen's xenstored ----
XS_BENCH_BIN := $(BUILD)/tests/xenstored/xs-bench

$(XS_BENCH_BIN): tests/bench/xenstore/xs_bench.c hv/include/public/io/xs_wire.h
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -Ihv/include -o $@ $<

bench-xenstored: $(XS_BIN) $(XS_BENCH_BIN)
	@tests/bench/xenstore/run.sh $(XS_BIN) $(XS_BENCH_BIN)
