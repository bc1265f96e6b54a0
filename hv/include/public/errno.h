/* Follows Xen's public header xen/include/public/errno.h. */
/*
 * Error numbers a hypercall returns, negated, in RAX.  Xen took them from
 * x86 Linux, so on x86 they equal Linux's values; they carry a XEN_ prefix
 * so they never collide with the host libc's errno.h in host-built tests.
 * XEN_EINTR and XEN_ERESTART are hypervisor-internal in Xen (continuation
 * plumbing) and must never reach a guest.
 */
#ifndef BASTION_PUBLIC_ERRNO_H
#define BASTION_PUBLIC_ERRNO_H

#define XEN_EPERM            1   /* operation not permitted */
#define XEN_ENOENT           2   /* no such entry */
#define XEN_ESRCH            3   /* no such domain/process */
#define XEN_EINTR            4   /* internal only */
#define XEN_EIO              5   /* I/O error */
#define XEN_ENXIO            6   /* no such device or address */
#define XEN_E2BIG            7   /* argument list too long */
#define XEN_ENOEXEC          8   /* exec format error */
#define XEN_EBADF            9   /* bad file number */
#define XEN_ECHILD          10   /* no child processes */
#define XEN_EAGAIN          11   /* try again */
#define XEN_ENOMEM          12   /* out of memory */
#define XEN_EACCES          13   /* permission denied */
#define XEN_EFAULT          14   /* bad address */
#define XEN_EBUSY           16   /* busy */
#define XEN_EEXIST          17   /* already exists */
#define XEN_EXDEV           18   /* cross-device link */
#define XEN_ENODEV          19   /* no such device */
#define XEN_EINVAL          22   /* invalid argument */
#define XEN_ENFILE          23   /* file table overflow */
#define XEN_EMFILE          24   /* too many open files */
#define XEN_ENOSPC          28   /* no space left */
#define XEN_EMLINK          31   /* too many links */
#define XEN_EDOM            33   /* argument out of domain */
#define XEN_ERANGE          34   /* result not representable */
#define XEN_EDEADLK         35   /* deadlock would occur */
#define XEN_ENAMETOOLONG    36   /* name too long */
#define XEN_ENOLCK          37   /* no locks available */
#define XEN_ENOSYS          38   /* function not implemented */
#define XEN_EBADRQC         56   /* invalid request code */
#define XEN_EBADSLT         57   /* invalid slot */
#define XEN_ENODATA         61   /* no data available */
#define XEN_ETIME           62   /* timer expired */
#define XEN_EBADMSG         74   /* not a data message */
#define XEN_EOVERFLOW       75   /* value too large */
#define XEN_EILSEQ          84   /* illegal byte sequence */
#define XEN_ERESTART        85   /* internal only: restart the call */
#define XEN_EUSERS          87   /* too many users */
#define XEN_ENOTSOCK        88   /* not a socket */
#define XEN_EOPNOTSUPP      95   /* operation not supported */
#define XEN_EADDRINUSE      98   /* address in use */
#define XEN_EADDRNOTAVAIL   99   /* address not available */
#define XEN_ENOBUFS        105   /* no buffer space */
#define XEN_EISCONN        106   /* already connected */
#define XEN_ENOTCONN       107   /* not connected */
#define XEN_ESHUTDOWN      108   /* endpoint shut down */
#define XEN_ETOOMANYREFS   109   /* too many references */
#define XEN_ETIMEDOUT      110   /* timed out */

#define XEN_EWOULDBLOCK XEN_EAGAIN
#define XEN_EDEADLOCK   XEN_EDEADLK

#endif /* BASTION_PUBLIC_ERRNO_H */
