# appliance/builder: the PVH domain builder's pure part (kernel images,
# layout, start_info, ACPI tables, vCPU context -> a plan), a static
# library the toolstack links, and its host suite test-pvh-build.

PVH_DIR := appliance/builder
PVH_OUT := $(BUILD)/appliance/builder
PVH_SRCS := pvh_error pvh_image pvh_elf pvh_ramdisk decode_libs decode_lzop decode_lz4 \
	pvh_layout pvh_plan pvh_start_info pvh_acpi pvh_dsdt pvh_vcpu
PVH_OBJS := $(PVH_SRCS:%=$(PVH_OUT)/%.o)
PVH_LIB := $(PVH_OUT)/libpvhbuild.a
PVH_HDRS := $(wildcard $(PVH_DIR)/*.h) $(wildcard hv/include/public/*.h hv/include/public/hvm/*.h)
PVH_CFLAGS := $(HOST_CFLAGS) -Ihv/include -I$(PVH_DIR)
# Debian's decoders; a static link of a program using the library needs
# these after it (the .a files come with the -dev packages).
PVH_LDLIBS := -lz -lbz2 -llzma -llzo2 -llz4 -lzstd

ALL += $(PVH_LIB)
DEPS_PKGS += zlib1g-dev libbz2-dev liblzma-dev liblzo2-dev liblz4-dev libzstd-dev \
	gzip bzip2 xz-utils lzop lz4 zstd acpica-tools python3 apt
TEST_SUITES += test-pvh-build test-pvh-build-fuzz

$(PVH_OUT)/%.o: $(PVH_DIR)/%.c $(PVH_HDRS)
	@mkdir -p $(@D)
	$(HOST_CC) $(PVH_CFLAGS) -c $< -o $@

$(PVH_LIB): $(PVH_OBJS)
	@rm -f $@
	ar rcs $@ $^

# ---- host suite ----
PVH_TEST_DIR := tests/unit/builder
PVH_TEST := $(PVH_OUT)/test_pvh_build
PVH_TEST_STATIC := $(PVH_OUT)/pvh_inspect-static
PVH_INSPECT := $(PVH_OUT)/pvh_inspect

$(PVH_TEST): $(PVH_TEST_DIR)/test_pvh_build.c tests/unit/hv/check.h $(PVH_LIB)
	@mkdir -p $(@D)
	$(HOST_CC) $(PVH_CFLAGS) -Itests/unit/hv -o $@ $< $(PVH_LIB) $(PVH_LDLIBS)

$(PVH_INSPECT): $(PVH_TEST_DIR)/pvh_inspect.c $(PVH_LIB)
	@mkdir -p $(@D)
	$(HOST_CC) $(PVH_CFLAGS) -o $@ $< $(PVH_LIB) $(PVH_LDLIBS)

# The same tool linked static: proves the library and its decoders link
# into a static dom0 program.
$(PVH_TEST_STATIC): $(PVH_TEST_DIR)/pvh_inspect.c $(PVH_LIB)
	@mkdir -p $(@D)
	$(HOST_CC) $(PVH_CFLAGS) -static -o $@ $< $(PVH_LIB) $(PVH_LDLIBS)

.PHONY: test-pvh-build
test-pvh-build: $(PVH_TEST) $(PVH_INSPECT)
	@timeout 900 sh $(PVH_TEST_DIR)/run.sh $(PVH_OUT) $(PVH_TEST) $(PVH_INSPECT) \
		"$(MAKE) --no-print-directory -s $(PVH_TEST_STATIC)"

# ---- libFuzzer target over image loading and planning ----
PVH_FUZZ := $(PVH_OUT)/fuzz_pvh_image
PVH_FUZZ_SRCS := $(PVH_SRCS:%=$(PVH_DIR)/%.c)
FUZZ_TARGETS += fuzz-pvh-image
DEPS_PKGS += clang libclang-rt-14-dev

$(PVH_FUZZ): tests/fuzz/builder/fuzz_pvh_image.c $(PVH_FUZZ_SRCS) $(PVH_HDRS)
	@mkdir -p $(@D)
	$(CLANG) -std=c11 -O1 -g -D_GNU_SOURCE -Wall -Wextra -Werror -Ihv/include -I$(PVH_DIR) \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
		-o $@ $< $(PVH_FUZZ_SRCS) $(PVH_LDLIBS)

# fuzz-pvh-image-run SECONDS: seeds from gen_seeds.py, then libFuzzer.
PVH_FUZZ_RUN = rm -rf $(PVH_OUT)/fuzz-seeds && mkdir -p $(PVH_OUT)/fuzz-corpus && \
	python3 tests/fuzz/builder/gen_seeds.py $(PVH_OUT)/fuzz-seeds && \
	cd $(PVH_OUT) && timeout $$(($(1) + 60)) ./fuzz_pvh_image -max_total_time=$(1) -max_len=4096 \
		-rss_limit_mb=2560 -malloc_limit_mb=1100 fuzz-corpus fuzz-seeds >fuzz.log 2>&1 && \
	echo "PASS: libFuzzer on pvh_image_load + pvh_plan: $$(grep -o 'Done [0-9]* runs' fuzz.log) in $(1) s without a crash" || \
	{ echo "FAIL: libFuzzer on pvh_image_load + pvh_plan - $$(grep -m1 -E 'ERROR|SUMMARY' fuzz.log) (see $(PVH_OUT)/fuzz.log)"; exit 1; }

.PHONY: fuzz-pvh-image test-pvh-build-fuzz
fuzz-pvh-image: $(PVH_FUZZ)
	@$(call PVH_FUZZ_RUN,300)

test-pvh-build-fuzz: $(PVH_FUZZ)
	@$(call PVH_FUZZ_RUN,20)
