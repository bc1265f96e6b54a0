/*
 * Runs inside dom0 as root: issues hypercalls with garbage through Linux's
 * /dev/xen/privcmd (IOCTL_PRIVCMD_HYPERCALL): unknown numbers, bad pointers,
 * out-of-range ports, vCPUs and indexes, then thousands of random calls
 * (skipping the few that may legitimately end or rewire dom0: shutdown,
 * a watchdog, the event callback, moving vcpu_info or shared_info).  Each call must
 * come back with an error, never hang or crash anything; afterwards the
 * caller checks that event channels still work.  Prints "HCALL-GARBAGE:".
 * With --random-only (in a domU) only the random calls are made.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* From Linux's include/uapi/xen/privcmd.h (which needs kernel-internal
 * headers to compile in userland): the hypercall pass-through ioctl. */
struct privcmd_hypercall {
	uint64_t op;
	uint64_t arg[5];
};
#define IOCTL_PRIVCMD_HYPERCALL _IOC(_IOC_NONE, 'P', 0, sizeof(struct privcmd_hypercall))

static int fd;
static unsigned calls, errors, successes;

static long hcall(uint64_t op, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4)
{
	struct privcmd_hypercall h = { op, { a0, a1, a2, a3, a4 } };
	long rc = ioctl(fd, IOCTL_PRIVCMD_HYPERCALL, &h);
	calls++;
	if (rc < 0)
		errors++;
	else
		successes++;
	return rc < 0 ? -errno : rc;
}

/* A call that must fail with the given errno. */
static void expect_error(const char *what, long want, long rc)
{
	if (rc != -want)
		printf("HCALL-GARBAGE: FAIL %s returned %ld, expected %ld\n", what, rc, -want);
}

/* SCHEDOP_watchdog: ids 1 and 2 exist; one is armed for an hour and
 * released again before it could fire. */
static void watchdog(void)
{
	uint32_t wd[2] = { 3, 0 };
	expect_error("sched_op watchdog id 3", EINVAL, hcall(29, 6, (uintptr_t)wd, 0, 0, 0));
	wd[0] = 2;
	expect_error("sched_op watchdog id 2, never armed", EINVAL, hcall(29, 6, (uintptr_t)wd, 0, 0, 0));
	expect_error("sched_op watchdog from a bad pointer", EFAULT, hcall(29, 6, 0x10, 0, 0, 0));
	uint32_t arm[2] = { 0, 3600 };
	long id = hcall(29, 6, (uintptr_t)arm, 0, 0, 0);
	uint32_t release[2] = { (uint32_t)id, 0 };
	long rc = id == 1 || id == 2 ? hcall(29, 6, (uintptr_t)release, 0, 0, 0) : -1;
	if (rc != 0)
		printf("HCALL-GARBAGE: FAIL sched_op watchdog: arming gave %ld, releasing it %ld\n", id, rc);
}

static void targeted(void)
{
	uint32_t port[4] = { 5000, 0xffffffff, 0, 1023 };
	expect_error("unknown hypercall 63", ENOSYS, hcall(63, 0, 0, 0, 0, 0));
	expect_error("hypercall 1000000", ENOSYS, hcall(1000000, 1, 2, 3, 4, 5));
	expect_error("xen_version get_features at NULL", EFAULT, hcall(17, 6, 0, 0, 0, 0));
	expect_error("xen_version at a non-canonical address", EFAULT, hcall(17, 6, 0xdead000000000000ull, 0, 0, 0));
	expect_error("xen_version with submap 99", EINVAL, hcall(17, 6, (uintptr_t)&(uint32_t[2]){ 99, 0 }, 0, 0, 0));
	expect_error("evtchn send port 5000", EFAULT, hcall(32, 4, 0x10, 0, 0, 0));
	/* unmapped: in the 64-bit hole; an i386 kernel keeps 32 bits, which
	 * would land in its own memory, so a page below the program there */
	uint64_t unmapped = sizeof(void *) == 4 ? 0x3000 : 0xdeadbeef000ull;
	expect_error("evtchn send, unmapped arg", EFAULT, hcall(32, 4, unmapped, 0, 0, 0));
	expect_error("evtchn send port 5000", EINVAL, hcall(32, 4, (uintptr_t)&port[0], 0, 0, 0));
	expect_error("evtchn unmask port ~0", EINVAL, hcall(32, 9, (uintptr_t)&port[1], 0, 0, 0));
	expect_error("evtchn close port 0", EINVAL, hcall(32, 3, (uintptr_t)&port[2], 0, 0, 0));
	expect_error("vcpu_op on vCPU 1000", ENOENT, hcall(24, 7, 1000, 0, 0, 0));
	expect_error("hvm_op get_param 9999", EFAULT, hcall(34, 1, 8, 0, 0, 0));
	expect_error("console_io write from a bad pointer", EFAULT, hcall(18, 0, 64, 0x1000, 0, 0));
	expect_error("sched_op poll of 1000000 ports", EFAULT, hcall(29, 3, 0x1000, 0, 0, 0));
	expect_error("grant_table_op query with 1000 entries", EINVAL, hcall(20, 6, (uintptr_t)port, 1000, 0, 0));
	watchdog();
}

static int allowed(uint64_t op, uint64_t cmd)
{
	if (op == 29 && (cmd == 2 || cmd == 1 || cmd == 6)) /* sched_op shutdown, block, watchdog */
		return 0;
	if (op == 34 && cmd == 0)                  /* hvm_op set_param */
		return 0;
	if (op == 24 && (cmd == 10 || cmd == 5))   /* vcpu_op: vcpu_info, runstate moves */
		return 0;
	if (op == 12 && (cmd == 1 || cmd == 6 || cmd == 7 || cmd == 13 || cmd == 15 || cmd == 23))
		return 0; /* memory_op: giving back, adding or moving dom0's own pages */
	if (op == 20 && (cmd == 0 || cmd == 7))    /* grant maps over dom0's own pages */
		return 0;
	if (op == 24 && (cmd == 7 || cmd == 9 || cmd == 6 || cmd == 8)) /* our own timers */
		return 0;
	if (op == 32 && (cmd == 3 || cmd == 8))    /* closing or moving dom0's own ports */
		return 0;
	if (op == 7)                               /* platform_op: settime */
		return 0;
	if (op == 15 && sizeof(void *) == 4)
		return 0; /* set_timer_op: from i386 the deadline's high half is the
			   * random second argument, so dom0's own timer could go
			   * minutes away (as on Xen: only past 13 days does it
			   * fire in 100 ms instead); a 64-bit caller's fires at once */
	return 1;
}

static uint64_t random_arg(void)
{
	/* The hypervisor may write a whole structure where a garbage pointer
	 * points: room behind the first 32 words, so nothing else is hit
	 * (with 64 words, the call counters after it were). */
	static uint64_t buf[16384];
	switch (rand() % 6) {
	case 0: return 0;
	case 1: return (uint64_t)rand() % 64;
	case 2: return (uintptr_t)&buf[rand() % 32]; /* valid memory, garbage in it */
	case 3: /* an unmapped page: the 64-bit hole above user space, or for
		 * an i386 build its low pages below the program (the kernel
		 * keeps the low 32 bits, which must not land in its memory) */
		if (sizeof(void *) == 4)
			return 0x1000 + ((uint64_t)(rand() % 0x7000) << 12);
		return 0xffff800000000000ull + ((uint64_t)rand() << 12);
	case 4: return ((uint64_t)rand() << 32) | (uint64_t)rand();
	default: return (uint64_t)-1;
	}
}

int main(int argc, char **argv)
{
	fd = open("/dev/xen/privcmd", O_RDWR);
	if (fd < 0) {
		printf("HCALL-GARBAGE: FAIL open /dev/xen/privcmd: %s\n", strerror(errno));
		return 1;
	}
	if (argc < 2 || strcmp(argv[1], "--random-only")) /* the targeted errnos are dom0's */
		targeted();
	srand(42);
	for (int i = 0; i < 5000; i++) {
		uint64_t op = (uint64_t)rand() % 64, cmd = (uint64_t)rand() % 16;
		if (!allowed(op, cmd))
			continue;
		if (op == 18 && cmd == 0)
			continue; /* console writes of garbage: the hv prints them */
		hcall(op, cmd, random_arg(), random_arg(), random_arg(), random_arg());
	}
	printf("HCALL-GARBAGE: done: %u calls, %u errors, %u succeeded\n", calls, errors, successes);
	return 0;
}
