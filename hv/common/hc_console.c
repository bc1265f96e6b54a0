/*
 * console_io (public/xen.h CONSOLEIO_*): dom0 writes to and reads from
 * the hv's serial console; input arrives with VIRQ_CONSOLE.
 */
#include "hypercall.h"
#include "console.h"

#define CHUNK 256

static long console_write_guest(struct vcpu *v, uint64_t count, uint64_t gva)
{
	char buf[CHUNK];
	while (count) {
		size_t n = MIN(count, (uint64_t)CHUNK);
		if (copy_from_guest(v, buf, gva, n))
			return -XEN_EFAULT;
		console_write(buf, n);
		console_flush(); /* at most a budget per chunk: the caller pays for its output */
		count -= n, gva += n;
	}
	return 0;
}

static long console_read_guest(struct vcpu *v, uint64_t count, uint64_t gva)
{
	char buf[CHUNK];
	size_t n = console_read_input(buf, MIN(count, (uint64_t)CHUNK));
	if (n && copy_to_guest(v, gva, buf, n))
		return -XEN_EFAULT;
	return (long)n;
}

long do_console_io(struct vcpu *v, const uint64_t arg[5])
{
	switch (arg[0]) {
	case CONSOLEIO_write: /* the count is an unsigned int in Xen's ABI */
		return console_write_guest(v, (uint32_t)arg[1], arg[2]);
	case CONSOLEIO_read:
		return console_read_guest(v, (uint32_t)arg[1], arg[2]);
	default:
		return -XEN_ENOSYS;
	}
}
