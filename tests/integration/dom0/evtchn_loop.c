/*
 * Runs inside dom0: an event-channel round trip with no other domain.
 * Through Linux's /dev/xen/evtchn (uapi <xen/evtchn.h>) it allocates an
 * unbound port for dom0 itself, binds a second port to it (a loopback
 * interdomain channel), notifies one end and reads the other's event.
 * Prints "EVTCHN-LOOP: ok ..." or "EVTCHN-LOOP: FAIL ..." for the test.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
typedef uint16_t domid_t; /* <xen/evtchn.h> expects its includer to define it */
#include <xen/evtchn.h>

static int fail(const char *what)
{
	printf("EVTCHN-LOOP: FAIL %s: %s\n", what, strerror(errno));
	return 1;
}

int main(void)
{
	int fd = open("/dev/xen/evtchn", O_RDWR);
	if (fd < 0)
		return fail("open /dev/xen/evtchn");
	struct ioctl_evtchn_bind_unbound_port unbound = { .remote_domain = 0 };
	int a = ioctl(fd, IOCTL_EVTCHN_BIND_UNBOUND_PORT, &unbound);
	if (a < 0)
		return fail("bind unbound port");
	struct ioctl_evtchn_bind_interdomain inter = { .remote_domain = 0, .remote_port = (unsigned)a };
	int b = ioctl(fd, IOCTL_EVTCHN_BIND_INTERDOMAIN, &inter);
	if (b < 0)
		return fail("bind interdomain");
	/* Binding marks the new port pending, as Xen does; that event may
	 * arrive at any time, so events on port b are skipped (and unmasked)
	 * while each round waits for its notification on port a. */
	for (int round = 0; round < 3; round++) {
		struct ioctl_evtchn_notify n = { .port = (unsigned)b };
		if (ioctl(fd, IOCTL_EVTCHN_NOTIFY, &n) < 0)
			return fail("notify");
		uint32_t port = (uint32_t)b;
		while (port == (uint32_t)b) {
			struct pollfd p = { fd, POLLIN, 0 };
			if (poll(&p, 1, 2000) != 1)
				return fail("waiting for the event");
			if (read(fd, &port, sizeof(port)) != sizeof(port))
				return fail("read event");
			if (write(fd, &port, sizeof(port)) != sizeof(port)) /* unmask */
				return fail("unmask");
		}
		if (port != (uint32_t)a) {
			printf("EVTCHN-LOOP: FAIL event on port %u, expected %d\n", port, a);
			return 1;
		}
	}
	printf("EVTCHN-LOOP: ok: ports %d and %d, 3 notifications delivered\n", a, b);
	return 0;
}
