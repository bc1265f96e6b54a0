# x86 instruction decoder and emulator (hv/hvm/x86_*.c): the hv links these
# objects; here they are also compiled with HV_CFLAGS as a check that they
# stay freestanding, and built into host tests, a fuzzer and a benchmark.

X86EMU_SRCS := hv/hvm/x86_decode.c hv/hvm/x86_emulate.c \
	hv/hvm/x86_emulate_access.c hv/hvm/x86_emulate_string.c \
	hv/hvm/x86_emulate_sse.c
X86EMU_HDRS := hv/hvm/x86_emulate.h hv/hvm/x86_emulate_priv.h
X86EMU_OUT := $(BUILD)/x86emu
X86EMU_HV_OBJS := $(patsubst hv/hvm/%.c,$(X86EMU_OUT)/hv/%.o,$(X86EMU_SRCS))
X86EMU_T := tests/unit/x86emu
X86EMU_TEST_CFLAGS := $(HOST_CFLAGS) -Ihv/hvm -I$(X86EMU_T)
X86EMU_KDIR := $(X86EMU_OUT)/kernel
X86EMU_FUZZ_SECONDS ?= 25
X86EMU_FUZZ_LONG_SECONDS ?= 1800
X86EMU_DIFF_CASES ?= 3000

ALL += $(X86EMU_HV_OBJS)
DEPS_PKGS += binutils xz-utils dpkg apt clang libclang-rt-14-dev valgrind
TEST_SUITES += test-x86emu-diff test-x86emu-modes test-x86emu-corpus \
	test-x86emu-fuzz
FUZZ_TARGETS += fuzz-x86emu
BENCH_TARGETS += bench-x86emu

$(X86EMU_OUT)/hv/%.o: hv/hvm/%.c $(X86EMU_HDRS)
	@mkdir -p $(@D)
	$(CC) $(HV_CFLAGS) -c $< -o $@

$(X86EMU_OUT)/diff: $(X86EMU_T)/diff.c $(X86EMU_T)/fake.c \
		$(X86EMU_T)/sandbox.c $(X86EMU_T)/fake.h $(X86EMU_T)/sandbox.h \
		$(X86EMU_SRCS) $(X86EMU_HDRS)
	@mkdir -p $(@D)
	$(HOST_CC) $(X86EMU_TEST_CFLAGS) -o $@ $(X86EMU_T)/diff.c \
		$(X86EMU_T)/fake.c $(X86EMU_T)/sandbox.c $(X86EMU_SRCS)

$(X86EMU_OUT)/modes: $(X86EMU_T)/modes.c $(X86EMU_T)/fake.c \
		$(X86EMU_T)/fake.h $(X86EMU_SRCS) $(X86EMU_HDRS)
	@mkdir -p $(@D)
	$(HOST_CC) $(X86EMU_TEST_CFLAGS) -o $@ $(X86EMU_T)/modes.c \
		$(X86EMU_T)/fake.c $(X86EMU_SRCS)

$(X86EMU_OUT)/corpus_len: $(X86EMU_T)/corpus_len.c hv/hvm/x86_decode.c \
		$(X86EMU_HDRS)
	@mkdir -p $(@D)
	$(HOST_CC) $(X86EMU_TEST_CFLAGS) -o $@ $(X86EMU_T)/corpus_len.c \
		hv/hvm/x86_decode.c

$(X86EMU_OUT)/fuzz_x86emu: tests/fuzz/x86emu/fuzz_x86emu.c \
		$(X86EMU_T)/fake.c $(X86EMU_T)/fake.h $(X86EMU_SRCS) $(X86EMU_HDRS)
	@mkdir -p $(@D)
	$(CLANG) -std=c11 -O1 -g -Wall -Wextra -Werror -D_GNU_SOURCE \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
		-Ihv/hvm -I$(X86EMU_T) -o $@ tests/fuzz/x86emu/fuzz_x86emu.c \
		$(X86EMU_T)/fake.c $(X86EMU_SRCS)

$(X86EMU_OUT)/bench: $(X86EMU_T)/bench.c $(X86EMU_SRCS) $(X86EMU_HDRS)
	@mkdir -p $(@D)
	$(HOST_CC) $(X86EMU_TEST_CFLAGS) -o $@ $(X86EMU_T)/bench.c $(X86EMU_SRCS)

.PHONY: test-x86emu-diff test-x86emu-modes test-x86emu-corpus \
	test-x86emu-fuzz fuzz-x86emu bench-x86emu x86emu-kernel

test-x86emu-diff: $(X86EMU_OUT)/diff $(X86EMU_HV_OBJS)
	@echo "PASS: x86 emulator sources compile freestanding with HV_CFLAGS"
	@$(X86EMU_OUT)/diff $(X86EMU_DIFF_CASES)

test-x86emu-modes: $(X86EMU_OUT)/modes
	@$(X86EMU_OUT)/modes

x86emu-kernel:
	@$(X86EMU_T)/kernel-text.sh $(X86EMU_KDIR)

# Every instruction of the Debian kernel's .text (about 6.5 million, ~10 s),
# and a 1 MiB slice of the same bytes disassembled as 32- and 16-bit code.
test-x86emu-corpus: $(X86EMU_OUT)/corpus_len
	@$(X86EMU_T)/kernel-text.sh $(X86EMU_KDIR) || \
		{ echo "FAIL: decoder lengths against objdump - cannot get the Debian kernel text"; exit 1; }
	@objdump -d -w $(X86EMU_KDIR)/vmlinux -j .text | \
		$(X86EMU_OUT)/corpus_len $(X86EMU_KDIR)/text.bin \
		$$(cat $(X86EMU_KDIR)/text.addr) 64 "the Debian kernel text (64-bit)"
	@head -c 2097152 $(X86EMU_KDIR)/text.bin | tail -c 1048576 \
		>$(X86EMU_KDIR)/slice.bin
	@objdump -D -w -b binary -m i386 $(X86EMU_KDIR)/slice.bin | \
		$(X86EMU_OUT)/corpus_len $(X86EMU_KDIR)/slice.bin 0 32 \
		"1 MiB of kernel bytes as 32-bit code"
	@objdump -D -w -b binary -m i8086 $(X86EMU_KDIR)/slice.bin | \
		$(X86EMU_OUT)/corpus_len $(X86EMU_KDIR)/slice.bin 0 16 \
		"1 MiB of kernel bytes as 16-bit code"

test-x86emu-fuzz: $(X86EMU_OUT)/fuzz_x86emu
	@mkdir -p $(X86EMU_OUT)/fuzz-corpus
	@if $(X86EMU_OUT)/fuzz_x86emu -artifact_prefix=$(X86EMU_OUT)/ -timeout=5 \
		-max_len=48 -max_total_time=$(X86EMU_FUZZ_SECONDS) \
		$(X86EMU_OUT)/fuzz-corpus >$(X86EMU_OUT)/fuzz.log 2>&1; then \
		echo "PASS: x86 decoder/emulator fuzzing ($(X86EMU_FUZZ_SECONDS) s, $$(grep -o 'Done [0-9]* runs' $(X86EMU_OUT)/fuzz.log)) found nothing"; \
	else tail -20 $(X86EMU_OUT)/fuzz.log; \
		echo "FAIL: x86 decoder/emulator fuzzing - see $(X86EMU_OUT)/fuzz.log"; exit 1; fi

fuzz-x86emu:
	@$(MAKE) --no-print-directory test-x86emu-fuzz \
		X86EMU_FUZZ_SECONDS=$(X86EMU_FUZZ_LONG_SECONDS)

bench-x86emu: $(X86EMU_OUT)/bench
	@$(X86EMU_T)/bench.sh $(X86EMU_OUT)
