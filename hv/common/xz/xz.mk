# hv/common/xz: the hv's one-shot XZ decoder, and hv/common/bzimage.c on top
# of it.  Built into the hv, and for the host (tests, fuzzer, bench).
# Include after hv/hv.mk.

XZ_DIR := hv/common/xz
XZ_SRCS := $(wildcard $(XZ_DIR)/*.c)
XZ_OUT := $(BUILD)/xz
# bzimage.c also calls the zstd and gzip decoders (hv/common/unzip.mk).
XZ_HOST_SRCS := $(XZ_SRCS) hv/common/bzimage.c hv/common/format.c \
	$(wildcard hv/common/zstd/*.c hv/common/inflate/*.c)
XZ_HOST_DEPS := $(XZ_HOST_SRCS) $(wildcard $(XZ_DIR)/*.h hv/common/zstd/*.h hv/common/inflate/*.h) \
	hv/include/bzimage.h hv/include/lib.h $(wildcard tests/unit/decomp/*.h)
XZ_INC := -Ihv/include -Ihv/common -Itests/unit/decomp

# hv.mk compiles hv/common/*.c, bzimage.c among them, but not this
# subdirectory: link its objects into the hv unless HV_DIRS lists it.
ifeq ($(filter $(XZ_DIR),$(HV_DIRS)),)
XZ_HV_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(XZ_SRCS))
HV_OBJS += $(XZ_HV_OBJS)
$(BUILD)/hv/bastion64.elf: $(XZ_HV_OBJS)
-include $(XZ_HV_OBJS:.o=.d)
endif

DEPS_PKGS += xz-utils gzip python3 clang apt dpkg
TEST_SUITES += test-xz
FUZZ_TARGETS += fuzz-xz
BENCH_TARGETS += bench-xz

XZ_TOOL := $(XZ_OUT)/xz_tool
XZ_TOOL_FAST := $(XZ_OUT)/xz_tool_fast
XZ_TEST := $(XZ_OUT)/test_xz
XZ_FUZZ := $(XZ_OUT)/fuzz_xz
XZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined

$(XZ_TOOL): tests/unit/xz/xz_tool.c $(XZ_HOST_DEPS)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) $(XZ_SAN) -DHOST_TEST $(XZ_INC) -o $@ $< $(XZ_HOST_SRCS)

$(XZ_TOOL_FAST): tests/unit/xz/xz_tool.c $(XZ_HOST_DEPS)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -DHOST_TEST $(XZ_INC) -o $@ $< $(XZ_HOST_SRCS)

$(XZ_TEST): tests/unit/xz/test_xz.c tests/unit/hv/check.h $(XZ_HOST_DEPS)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) $(XZ_SAN) -DHOST_TEST $(XZ_INC) -Itests/unit/hv -o $@ $< \
		$(XZ_HOST_SRCS)

$(XZ_FUZZ): tests/fuzz/xz/fuzz_xz.c $(XZ_HOST_DEPS)
	@mkdir -p $(@D)
	$(CLANG) -std=c11 -g -O1 -D_GNU_SOURCE -DHOST_TEST -Wall -Wextra -Werror $(XZ_INC) \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
		-o $@ $< $(XZ_HOST_SRCS)

.PHONY: test-xz fuzz-xz bench-xz

test-xz: $(XZ_TOOL) $(XZ_TEST) $(XZ_FUZZ)
	@timeout 300 sh tests/unit/xz/run.sh $(XZ_TOOL) $(XZ_TEST) $(XZ_FUZZ) $(XZ_OUT) 20

fuzz-xz: $(XZ_FUZZ)
	@mkdir -p $(XZ_OUT)/fuzz-corpus
	@cd $(XZ_OUT) && timeout 700 ./fuzz_xz -max_total_time=600 -max_len=8192 fuzz-corpus \
		>fuzz-long.log 2>&1 && echo "PASS: fuzz-xz: 600 s without a crash" || \
		{ echo "FAIL: fuzz-xz - see $(XZ_OUT)/fuzz-long.log"; exit 1; }

bench-xz: $(XZ_TOOL_FAST)
	@timeout 300 sh tests/bench/xz/bench.sh $(XZ_TOOL_FAST) $(XZ_OUT)
