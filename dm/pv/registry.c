/*
 * registry.c - the device list of bastion-dm (see registry.h).
 */
#include <stdio.h>
#include <stdlib.h>

#include "pv_log.h"
#include "registry.h"

static void type_dir(const struct pv_registry *r, const struct pv_backend_type *type,
		     char *out)
{
	snprintf(out, PV_PATH_MAX, "%s/%s/%u", r->ctx->be_root, type->name,
		 (unsigned)r->ctx->host->domid);
}

int pv_registry_watch(struct pv_registry *r)
{
	char dir[PV_PATH_MAX];

	for (size_t i = 0; pv_backend_types[i]; i++) {
		type_dir(r, pv_backend_types[i], dir);
		int rc = r->ctx->xs->ops->watch(r->ctx->xs, dir, PV_WATCH_TOKEN);
		if (rc < 0) {
			pv_log("cannot watch %s (%d)", dir, rc);
			return rc;
		}
	}
	return 0;
}

static struct pv_device *find(struct pv_registry *r, const struct pv_backend_type *type,
			      uint32_t devid)
{
	for (struct pv_device *dev = r->devices; dev; dev = dev->next)
		if (dev->type == type && dev->devid == devid)
			return dev;
	return NULL;
}

/* A device for the id, its frontend watched; NULL if not usable. */
static struct pv_device *create(struct pv_registry *r, const struct pv_backend_type *type,
				uint32_t devid)
{
	struct pv_device *dev = xenbus_device_new(r->ctx, type, devid);

	if (!dev)
		return NULL;
	r->ctx->xs->ops->watch(r->ctx->xs, dev->fe_path, PV_WATCH_TOKEN);
	pv_log("%s dom%u/%u: new device, frontend %s", type->name,
	       (unsigned)r->ctx->host->domid, (unsigned)devid, dev->fe_path);
	return dev;
}

/* A device for each id under the type's directory not yet known. */
static void add_new(struct pv_registry *r, const struct pv_backend_type *type)
{
	char dir[PV_PATH_MAX], **names = NULL;
	int n;

	type_dir(r, type, dir);
	n = r->ctx->xs->ops->directory(r->ctx->xs, dir, &names);
	for (int i = 0; i < n; i++) {
		uint64_t devid;
		if (!pv_parse_uint(names[i], &devid) || devid > UINT32_MAX ||
		    find(r, type, (uint32_t)devid))
			continue;
		struct pv_device *dev = create(r, type, (uint32_t)devid);
		if (!dev)
			continue;
		dev->next = r->devices;
		r->devices = dev;
	}
	free(names);
}

static void drop(struct pv_registry *r, struct pv_device *dev)
{
	r->ctx->xs->ops->unwatch(r->ctx->xs, dev->fe_path, PV_WATCH_TOKEN);
	pv_log("%s dom%u/%u: removed", dev->type->name, (unsigned)r->ctx->host->domid,
	       (unsigned)dev->devid);
	xenbus_device_free(dev);
}

/* The toolstack attached a new device under a known id: the old one
 * (its image, mode, frontend) is dropped and the new one created in its
 * place.  Returns the new one, or NULL if it is not usable. */
static struct pv_device *recreate(struct pv_registry *r, struct pv_device *old)
{
	const struct pv_backend_type *type = old->type;
	uint32_t devid = old->devid;

	pv_log("%s dom%u/%u: attached anew", type->name, (unsigned)r->ctx->host->domid,
	       (unsigned)devid);
	drop(r, old);
	return create(r, type, devid);
}

void pv_registry_rescan(struct pv_registry *r)
{
	for (size_t i = 0; pv_backend_types[i]; i++)
		add_new(r, pv_backend_types[i]);
	for (struct pv_device **link = &r->devices; *link;) {
		struct pv_device *dev = *link, *next = dev->next;
		enum xenbus_verdict v = xenbus_device_update(dev);

		if (v == XENBUS_LIVE) {
			link = &dev->next;
			continue;
		}
		if (v == XENBUS_FRESH && (dev = recreate(r, dev)) != NULL) {
			dev->next = next;
			*link = dev; /* updated on the next turn of this loop */
			continue;
		}
		if (v == XENBUS_GONE)
			drop(r, dev);
		*link = next;
	}
}

struct pv_device *pv_registry_by_port(struct pv_registry *r, uint32_t local_port,
				      unsigned *slot)
{
	for (struct pv_device *dev = r->devices; dev; dev = dev->next) {
		for (unsigned i = 0; i < PV_MAX_PORTS; i++) {
			if (dev->port[i] == (long)local_port) {
				*slot = i;
				return dev;
			}
		}
	}
	return NULL;
}

unsigned pv_registry_count(const struct pv_registry *r)
{
	unsigned n = 0;

	for (const struct pv_device *dev = r->devices; dev; dev = dev->next)
		n++;
	return n;
}

void pv_registry_free_all(struct pv_registry *r)
{
	while (r->devices) {
		struct pv_device *dev = r->devices;
		r->devices = dev->next;
		drop(r, dev);
	}
}
