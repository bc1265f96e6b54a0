/*
 * xs_socket.h - the Unix-socket transport (xs_socket.c).
 */
#ifndef XS_SOCKET_H
#define XS_SOCKET_H

#include "xenstored.h"

/* Where clients look for the daemon; NULL if the name is too long. */
const char *xs_socket_path(void);
/* Creates the listening socket (replacing a stale one); fd or -1. */
int xs_socket_listen(const char *path);
/* Accepts every pending client as a connection of domain domid
 * (0: privileged dom0). */
void xs_socket_accept(struct xs_daemon *d, int listen_fd, uint32_t domid);
bool xs_socket_is_conn(const struct xs_conn *conn);

#endif
