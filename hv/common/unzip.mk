# hv/common/zstd and hv/common/inflate: the hv's one-shot Zstandard and
# gzip decoders, which bzimage.c uses beside hv/common/xz for Debian's
# zstd (6.12) and gzip kernels.  Built into the hv, and for the host
# (tests, fuzzer).  Include after hv/hv.mk and hv/common/xz/xz.mk.

UNZIP_DIRS := hv/common/zstd hv/common/inflate
UNZIP_SRCS := $(foreach d,$(UNZIP_DIRS),$(wildcard $(d)/*.c))
UNZIP_OUT := $(BUILD)/unzip
# the CRC-32 of gzip is xz_check.c's; format.c for the messages
UNZIP_HOST_SRCS := $(UNZIP_SRCS) $(XZ_SRCS) hv/common/bzimage.c hv/common/format.c
UNZIP_HOST_DEPS := $(UNZIP_HOST_SRCS) $(foreach d,$(UNZIP_DIRS) hv/common/xz,$(wildcard $(d)/*.h)) \
	hv/include/bzimage.h hv/include/lib.h $(wildcard tests/unit/decomp/*.h)
UNZIP_INC := -Ihv/include -Ihv/common -Itests/unit/decomp

# hv.mk compiles only the directories HV_DIRS lists: link these in.
UNZIP_HV_DIRS := $(filter-out $(HV_DIRS),$(UNZIP_DIRS))
UNZIP_HV_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(foreach d,$(UNZIP_HV_DIRS),$(wildcard $(d)/*.c)))
HV_OBJS += $(UNZIP_HV_OBJS)
$(BUILD)/hv/bastion64.elf: $(UNZIP_HV_OBJS)
-include $(UNZIP_HV_OBJS:.o=.d)

DEPS_PKGS += zstd gzip xz-utils python3 clang apt dpkg qemu-system-x86
TEST_SUITES += test-unzip
FUZZ_TARGETS += fuzz-unzip

UNZIP_TOOL := $(UNZIP_OUT)/unzip_tool
UNZIP_TEST := $(UNZIP_OUT)/test_unzip
UNZIP_FUZZ := $(UNZIP_OUT)/fuzz_unzip
UNZIP_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined

$(UNZIP_TOOL): tests/unit/unzip/unzip_tool.c $(UNZIP_HOST_DEPS)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) $(UNZIP_SAN) -DHOST_TEST $(UNZIP_INC) -o $@ $< $(UNZIP_HOST_SRCS)

$(UNZIP_TEST): tests/unit/unzip/test_unzip.c tests/unit/hv/check.h $(UNZIP_HOST_DEPS)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) $(UNZIP_SAN) -DHOST_TEST $(UNZIP_INC) -Itests/unit/hv -o $@ $< \
		$(UNZIP_HOST_SRCS)

$(UNZIP_FUZZ): tests/fuzz/unzip/fuzz_unzip.c $(UNZIP_HOST_DEPS)
	@mkdir -p $(@D)
	$(CLANG) -std=c11 -g -O1 -D_GNU_SOURCE -DHOST_TEST -Wall -Wextra -Werror $(UNZIP_INC) \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
		-o $@ $< $(UNZIP_HOST_SRCS)

.PHONY: test-unzip fuzz-unzip

test-unzip: $(UNZIP_TOOL) $(UNZIP_TEST) $(UNZIP_FUZZ)
	@timeout 600 sh tests/unit/unzip/run.sh $(UNZIP_TOOL) $(UNZIP_TEST) $(UNZIP_FUZZ) $(UNZIP_OUT) 15

fuzz-unzip: $(UNZIP_FUZZ)
	@mkdir -p $(UNZIP_OUT)/fuzz-corpus
	@cd $(UNZIP_OUT) && timeout 700 ./fuzz_unzip -max_total_time=600 -max_len=8192 fuzz-corpus \
		>fuzz-long.log 2>&1 && echo "PASS: fuzz-unzip: 600 s without a crash" || \
		{ echo "FAIL: fuzz-unzip - see $(UNZIP_OUT)/fuzz-long.log"; exit 1; }

# Booting zstd (Debian 6.12) and gzip bzImages as dom0 under QEMU.
test-unzip-boot: $(HV_ELF)
	@mkdir -p $(UNZIP_OUT)
	@tests/integration/dom0/unzip.sh

.PHONY: test-unzip-boot
TEST_SUITES += test-unzip-boot
