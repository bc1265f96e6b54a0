# xl: Bastion's toolstack command (appliance/xl) on libbx, dynamic for the
# host and static for dom0 images; the static one goes into the xl test
# dom0 as /usr/lib/bastion/xl beside Debian's /usr/sbin/xl, and the
# test-xl scenario compares the two (tests/integration/xl).
# xl links the cfg parser (cfg*.c, whose tests are in xl_cfg.mk) and the
# PVH builder (appliance/builder, fragment included before this one).

XL_DIR := appliance/xl
XL_OBJ := $(BUILD)/appliance/xl.obj
XL_BIN := $(BUILD)/appliance/xl
XL_STATIC_BIN := $(BUILD)/appliance/xl-static
XL_CFLAGS := $(HOST_CFLAGS) -Ihv/include -Iappliance/lib -Iappliance/builder -Iappliance/consoled -I$(XL_DIR)
XL_SRCS := $(wildcard $(XL_DIR)/*.c)
# `xl console` is the console daemon's client (appliance/consoled).
XL_OBJS := $(XL_SRCS:$(XL_DIR)/%.c=$(XL_OBJ)/%.o) $(XL_OBJ)/console_client.o
XL_HDRS := $(wildcard $(XL_DIR)/*.h) $(wildcard appliance/lib/*.h) $(wildcard appliance/builder/*.h) \
	appliance/consoled/console_client.h

ALL += $(XL_BIN) $(XL_STATIC_BIN)

$(XL_OBJ)/%.o: $(XL_DIR)/%.c $(XL_HDRS)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(XL_CFLAGS) -c $< -o $@

$(XL_OBJ)/console_client.o: appliance/consoled/console_client.c $(XL_HDRS)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(XL_CFLAGS) -c $< -o $@

$(XL_BIN): $(XL_OBJS) $(BX_LIB) $(PVH_LIB)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(XL_CFLAGS) -o $@ $^ $(PVH_LDLIBS)

$(XL_STATIC_BIN): $(XL_OBJS) $(BX_LIB) $(PVH_LIB)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(XL_CFLAGS) -static -o $@ $^ $(PVH_LDLIBS)

# Into the xl test dom0 (images/xl-dom0/build.sh installs XL_BIN_STATIC).
$(XL_DOM0_CPIO): $(XL_STATIC_BIN)
