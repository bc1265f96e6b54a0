# dm/block: the disk image layer (raw, qcow2, vhd) as a static library,
# the bastion-img tool on top of it, and their tests, fuzzer and bench.

BLOCK_DIR := dm/block
BLOCK_OUT := $(BUILD)/dm/block
BLOCK_LIB_SRCS := block.c file_io.c raw.c qcow2.c qcow2_cluster.c qcow2_write.c \
	qcow2_refcount.c qcow2_alloc.c qcow2_snapshot.c qcow2_check.c qcow2_create.c vhd.c aio.c aio_uring.c
BLOCK_IMG_SRCS := img_main.c img_info.c img_convert.c img_bench.c
BLOCK_LIB := $(BLOCK_OUT)/libblock.a
BLOCK_IMG := $(BUILD)/dm/bastion-img
# (liburing linked statically: no run-time package in the dom0 images)
BLOCK_LIBS := -lz -lpthread -l:liburing.a
BLOCK_CFLAGS := $(HOST_CFLAGS) -I$(BLOCK_DIR) -MMD -MP
BLOCK_LIB_OBJS := $(BLOCK_LIB_SRCS:%.c=$(BLOCK_OUT)/%.o)
BLOCK_IMG_OBJS := $(BLOCK_IMG_SRCS:%.c=$(BLOCK_OUT)/%.o)

ALL += $(BLOCK_IMG)
DEPS_PKGS += zlib1g-dev liburing-dev libglib2.0-dev pkgconf qemu-utils clang libclang-rt-dev python3
TEST_SUITES += test-block-unit test-block-conformance test-block-crash \
	test-block-hostile test-block-fuzz-short
FUZZ_TARGETS += fuzz-block
BENCH_TARGETS += bench-block

$(BLOCK_OUT)/%.o: $(BLOCK_DIR)/%.c
	@mkdir -p $(@D)
	$(HOST_CC) $(BLOCK_CFLAGS) -c $< -o $@

$(BLOCK_LIB): $(BLOCK_LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BLOCK_IMG): $(BLOCK_IMG_OBJS) $(BLOCK_LIB)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -o $@ $(BLOCK_IMG_OBJS) $(BLOCK_LIB) $(BLOCK_LIBS)

# Static, for the appliance's dom0 (images/appliance), which has no zlib.
$(BLOCK_IMG)-static: $(BLOCK_IMG_OBJS) $(BLOCK_LIB)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -static -o $@ $(BLOCK_IMG_OBJS) $(BLOCK_LIB) $(BLOCK_LIBS)

-include $(BLOCK_LIB_OBJS:.o=.d) $(BLOCK_IMG_OBJS:.o=.d)

# --- tests ---------------------------------------------------------------
BLOCK_UNIT := $(BLOCK_OUT)/test_block
BLOCK_UNIT_SRC := tests/unit/block/test_block.c tests/unit/block/test_aio_uring.c \
	tests/unit/block/test_qcow2_race.c

$(BLOCK_UNIT): $(BLOCK_UNIT_SRC) tests/unit/block/block_check.h $(BLOCK_LIB)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -I$(BLOCK_DIR) $(shell pkg-config --cflags glib-2.0) \
		-o $@ $(BLOCK_UNIT_SRC) $(BLOCK_LIB) $(shell pkg-config --libs glib-2.0) $(BLOCK_LIBS)

BLOCK_FUZZ := $(BLOCK_OUT)/fuzz_block
BLOCK_FUZZ_SRCS := tests/fuzz/block/fuzz_block.c \
	$(addprefix $(BLOCK_DIR)/,$(BLOCK_LIB_SRCS))

$(BLOCK_FUZZ): $(BLOCK_FUZZ_SRCS) $(wildcard $(BLOCK_DIR)/*.h)
	@mkdir -p $(@D)
	$(CLANG) -std=c11 -g -O1 -D_GNU_SOURCE -Wall -Wextra -Werror -I$(BLOCK_DIR) \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
		-o $@ $(BLOCK_FUZZ_SRCS) $(BLOCK_LIBS)

.PHONY: test-block-unit test-block-conformance test-block-crash \
	test-block-hostile test-block-fuzz-short fuzz-block bench-block

test-block-unit: $(BLOCK_UNIT)
	@timeout 120 $(BLOCK_UNIT) $(BLOCK_OUT)/unit-tmp

test-block-conformance: $(BLOCK_IMG) $(BLOCK_UNIT)
	@timeout 200 sh tests/conformance/block/conformance.sh $(BLOCK_IMG) $(BLOCK_UNIT) $(BLOCK_OUT)/conf-tmp

test-block-crash: $(BLOCK_IMG) $(BLOCK_UNIT)
	@timeout 120 sh tests/conformance/block/crash.sh $(BLOCK_IMG) $(BLOCK_UNIT) $(BLOCK_OUT)/crash-tmp

test-block-hostile: $(BLOCK_IMG)
	@timeout 120 python3 tests/conformance/block/hostile.py $(BLOCK_IMG) $(BLOCK_OUT)/hostile-tmp

test-block-fuzz-short: $(BLOCK_FUZZ)
	@timeout 120 sh tests/fuzz/block/run.sh $(BLOCK_FUZZ) $(BLOCK_OUT)/fuzz 20

fuzz-block: $(BLOCK_FUZZ)
	@sh tests/fuzz/block/run.sh $(BLOCK_FUZZ) $(BLOCK_OUT)/fuzz 600

bench-block: $(BLOCK_IMG)
	@sh tests/bench/block/bench.sh $(BLOCK_IMG) $(BLOCK_OUT)/bench-tmp
