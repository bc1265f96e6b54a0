/*
 * Runs inside dom0: the MSRs a guest of Xen reads and writes that are not
 * the CPU's own business.  Through Linux's msr driver (/dev/cpu/0/msr,
 * offset = MSR number; a #GP comes back as EIO), MSR_DEBUGCTL (0x1d9)
 * reads 0 at boot, keeps LBR (bit 0) and BTF (bit 1) as written, and
 * refuses a reserved bit (bit 6) with #GP, the value unchanged.  Prints
 * "MSR-CHECK: ..." lines for the test.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define MSR_DEBUGCTL 0x1d9

static int fd;

/* 0, or the errno of the access. */
static int rd(uint32_t msr, uint64_t *val)
{
	return pread(fd, val, sizeof(*val), msr) == sizeof(*val) ? 0 : errno;
}

static int wr(uint32_t msr, uint64_t val)
{
	return pwrite(fd, &val, sizeof(val), msr) == sizeof(val) ? 0 : errno;
}

int main(void)
{
	uint64_t boot = ~0ull, kept = ~0ull, after = ~0ull;

	fd = open("/dev/cpu/0/msr", O_RDWR);
	if (fd < 0) {
		printf("MSR-CHECK: FAIL cannot open /dev/cpu/0/msr: %s\n", strerror(errno));
		return 1;
	}
	int r0 = rd(MSR_DEBUGCTL, &boot);
	int w1 = wr(MSR_DEBUGCTL, 3);
	int r1 = rd(MSR_DEBUGCTL, &kept);
	int w2 = wr(MSR_DEBUGCTL, 1ull << 6);
	int r2 = rd(MSR_DEBUGCTL, &after);
	int w3 = wr(MSR_DEBUGCTL, 0);
	printf("MSR-CHECK: debugctl boot=%#llx (%s) write 3 (%s) reads %#llx, write bit 6 (%s) then %#llx, "
	       "write 0 (%s)\n", (unsigned long long)boot, strerror(r0), strerror(w1),
	       (unsigned long long)kept, strerror(w2), (unsigned long long)after, strerror(w3));
	int ok = !r0 && boot == 0 && !w1 && !r1 && kept == 3 && w2 == EIO && !r2 && after == 3 && !w3;
	printf("MSR-CHECK: debugctl %s\n", ok ? "ok" : "FAIL");
	close(fd);
	return !ok;
}
