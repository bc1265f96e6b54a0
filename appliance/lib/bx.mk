# libbx: the control library (appliance/lib) beneath xl, the console
# daemon, the device model and tests - a static archive that talks to
# Linux's Xen devices directly - and its host tests (test-bx-unit: the
# hypercall layer against a fake hypervisor, xl's text helpers, and the
# xenstore client against our own xenstored).

BX_DIR := appliance/lib
BX_OBJ := $(BUILD)/appliance/lib.obj
BX_LIB := $(BUILD)/appliance/libbx.a
BX_CFLAGS := $(HOST_CFLAGS) -Ihv/include -I$(BX_DIR)
BX_SRCS := $(wildcard $(BX_DIR)/*.c)
BX_HDRS := $(wildcard $(BX_DIR)/*.h) $(wildcard hv/include/public/*.h hv/include/public/*/*.h)

ALL += $(BX_LIB)
TEST_SUITES += test-bx-unit

$(BX_OBJ)/%.o: $(BX_DIR)/%.c $(BX_HDRS)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(BX_CFLAGS) -c $< -o $@

$(BX_LIB): $(BX_SRCS:$(BX_DIR)/%.c=$(BX_OBJ)/%.o)
	@mkdir -p $(dir $@)
	rm -f $@
	ar rcs $@ $^

BX_TEST_DIR := tests/unit/bx
BX_TEST_BIN := $(BUILD)/tests/bx/bx-unit-test
BX_TEST_SRCS := $(wildcard $(BX_TEST_DIR)/*.c) appliance/xl/xl_fmt.c

$(BX_TEST_BIN): $(BX_TEST_SRCS) $(wildcard $(BX_TEST_DIR)/*.h) appliance/xl/xl.h $(BX_LIB)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(BX_CFLAGS) -fsanitize=address,undefined -Iappliance/xl -I$(BX_TEST_DIR) \
		-Itests/unit/hv -o $@ $(BX_TEST_SRCS) $(BX_SRCS)

.PHONY: test-bx-unit
test-bx-unit: $(BUILD)/appliance/xenstored $(BX_TEST_BIN)
	@tests/unit/with-xenstored.sh $(BUILD)/appliance/xenstored $(BX_TEST_BIN)
