/*
 * The devices bastion-dm serves for its guest: every backend type's
 * directory backend/<type>/<domid> is watched, and each change rescans
 * them - new device ids get a device, every device takes a state-machine
 * step, devices whose directory went are freed, and a device attached
 * anew under a known id replaces the old one.
 */
#ifndef BASTION_PV_REGISTRY_H
#define BASTION_PV_REGISTRY_H

#include "pv_backend.h"

#define PV_WATCH_TOKEN "bastion-dm"

struct pv_registry {
	struct pv_ctx *ctx;
	struct pv_device *devices;
};

int pv_registry_watch(struct pv_registry *r);
void pv_registry_rescan(struct pv_registry *r);
/* The device holding local_port bound, and in *slot which of its ports
 * it is; NULL if none. */
struct pv_device *pv_registry_by_port(struct pv_registry *r, uint32_t local_port,
				      unsigned *slot);
unsigned pv_registry_count(const struct pv_registry *r);
/* Every device disconnected (mappings released) and freed. */
void pv_registry_free_all(struct pv_registry *r);

#endif
