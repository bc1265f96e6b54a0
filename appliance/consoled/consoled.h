/*
 * consoled.h - bastion-consoled, the PV console back end of the control
 * domain, doing for each guest what Xen 4.17's xenconsoled does: it finds
 * the guest's console in xenstore (/local/domain/N/console: ring-ref, port,
 * type, limit), maps the ring page (grant ref GNTTAB_RESERVED_CONSOLE, else
 * the ring-ref frame), binds the event channel, opens a pty, publishes its
 * name as console/tty, and copies guest output to the pty (and a log) and
 * pty input to the guest.  Domains are found through the @introduceDomain
 * and @releaseDomain watches and getdomaininfolist.
 */
#ifndef CONSOLED_H
#define CONSOLED_H

#include <stdbool.h>
#include <stdint.h>

#include "bx.h"
#include "cons_ring.h"

/* Events a console may take per period before it is left masked. */
#define CONS_RATE_EVENTS 30
#define CONS_RATE_PERIOD_MS 200
/* console/limit when the toolstack wrote none (libxl writes 1 MiB). */
#define CONS_DEFAULT_LIMIT (1024 * 1024)

struct cons_opts {
	bool foreground;           /* -i */
	bool verbose;              /* -v: info messages too */
	bool log_guest;            /* --log=guest|all */
	bool log_hv;               /* --log=hv|all (not implemented: warned) */
	bool stamp_guest;          /* --timestamp=guest|all */
	bool keep_overflow;        /* --overflow-data=keep */
	bool replace_escape;       /* --replace-escape */
	const char *log_dir;       /* --log-dir */
	const char *pid_file;      /* --pid-file */
};

/* One guest's console; every handle starts unset (-1 / NULL). */
struct cons_console {
	struct cons_console *next;
	uint32_t domid;
	bool dead;                 /* to be torn down */
	unsigned seen;             /* the enumeration that last saw it */
	char *xspath;              /* /local/domain/N/console */
	struct xencons_interface *intf;
	bool by_grant;             /* mapped via gntdev (else foreign) */
	uint64_t grant_index;      /* gntdev offset when by_grant */
	long ring_ref;             /* the frame mapped when foreign, or -1 */
	int evtchn_fd;
	long local_port, remote_port;
	int pty_master, pty_slave;
	int log_fd;
	bool log_line_start;       /* the next log byte starts a line */
	struct cons_buf out;
	unsigned events;           /* events taken this period */
	long long period_end_ms;
	bool masked;               /* over the rate: unmask at period end */
	bool ring_broken;          /* bad indexes were logged once */
	int poll_evtchn, poll_pty; /* indexes in this round's pollfds, -1 */
};

struct consoled {
	struct cons_opts opts;
	struct bx bx;
	struct bx_xs xs;
	int gntdev_fd;             /* -1: maps go by foreign frame */
	struct cons_console *consoles;
	unsigned pass;             /* enumerations so far */
};

/* cons_log.c: the daemon's own messages, and guest logs. */
/* Warnings and errors only, unless verbose. */
void cons_log_init(bool foreground, bool verbose);
void cons_msg(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int cons_log_open(struct consoled *cd, struct cons_console *con);
void cons_log_write(struct consoled *cd, struct cons_console *con,
		    const char *data, size_t len);

/* cons_connect.c: a console's ring, event channel and pty. */
int cons_connect(struct consoled *cd, struct cons_console *con);
void cons_disconnect(struct consoled *cd, struct cons_console *con);
int cons_pty_open(struct consoled *cd, struct cons_console *con);
void cons_pty_close(struct cons_console *con);

/* cons_domains.c: domains coming and going. */
void cons_enumerate(struct consoled *cd);
void cons_handle_watch(struct consoled *cd, const char *path, const char *token);
void cons_reap(struct consoled *cd);
bool cons_domain_alive(struct consoled *cd, uint32_t domid);

/* cons_io.c: the poll loop. */
long long cons_now_ms(void);
int cons_run(struct consoled *cd);

#endif
