# Flags shared by every userland and host-test build.
CC ?= cc
HOST_CC := $(CC)
HOST_CFLAGS := -std=c11 -O2 -g -Wall -Wextra -Werror -D_GNU_SOURCE
CLANG ?= clang

# The hypervisor is freestanding x86-64 code: no libc, no red zone, no SSE
# (guest SSE state is reached through callbacks, never in hv registers),
# no jump tables (a guest-chosen switch case must not be an indirect jump
# the CPU can speculate past its bounds check).
HV_CFLAGS := -std=c11 -O2 -g -Wall -Wextra -Werror -ffreestanding -fno-builtin \
	-fno-stack-protector -fno-pic -fno-pie -mno-red-zone -mno-sse -mno-sse2 \
	-mno-mmx -mno-80387 -mcmodel=kernel -fno-asynchronous-unwind-tables \
	-fno-strict-aliasing -fno-jump-tables -nostdinc -isystem $(shell $(CC) -print-file-name=include)
