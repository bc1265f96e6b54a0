/* Follows Xen's public header xen/include/public/io/console.h. */
/*
 * console.h - the PV console ring a guest shares with the console daemon:
 * one page holding an input ring (daemon to guest) and an output ring
 * (guest to daemon), each with free-running 32-bit producer and consumer
 * indexes; a ring's size is a power of two, so an index is masked to find
 * its byte.  Layout as in Xen's public header io/console.h (Xen 4.17).
 * The page reaches the daemon as grant ref GNTTAB_RESERVED_CONSOLE or as
 * the frame in console/ring-ref; its event channel is console/port.
 */
#ifndef BASTION_PUBLIC_IO_CONSOLE_H
#define BASTION_PUBLIC_IO_CONSOLE_H

#include <stddef.h>
#include <stdint.h>

typedef uint32_t XENCONS_RING_IDX;

/* The byte an index names in a ring array (its size a power of two). */
#define MASK_XENCONS_IDX(idx, ring) ((idx) & (sizeof(ring) - 1))

/* Follows Xen's io/console.h struct xencons_interface. */
struct xencons_interface {
	char in[1024];
	char out[2048];
	XENCONS_RING_IDX in_cons, in_prod;
	XENCONS_RING_IDX out_cons, out_prod;
};

_Static_assert(sizeof(struct xencons_interface) == 3088, "xencons_interface size");
_Static_assert(offsetof(struct xencons_interface, out) == 1024, "out offset");
_Static_assert(offsetof(struct xencons_interface, in_cons) == 3072, "in_cons offset");
_Static_assert(offsetof(struct xencons_interface, in_prod) == 3076, "in_prod offset");
_Static_assert(offsetof(struct xencons_interface, out_cons) == 3080, "out_cons offset");
_Static_assert(offsetof(struct xencons_interface, out_prod) == 3084, "out_prod offset");

#endif
