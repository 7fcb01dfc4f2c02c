/* SPDX-License-Identifier: MIT */
/* Zeroing the namespaces of a claim under release's safety rules (holders
 * looked for before and during the scrub, re-created namespaces refused,
 * the claim marked while it is not whole): shared by release, release
 * --keep and claim --replace. */
#ifndef VPM_ZERO_H
#define VPM_ZERO_H

#include "context.h"
#include "inuse.h"
#include "nsaccess.h"
#include "scrub.h"
#include "state.h"

/* The namespace of the host through which a claimed or quarantined
 * namespace called name may be zeroed: a configured one's own, else (it left
 * the configuration) the host's only namespace of that name, enabled, in
 * devdax mode, with a device-dax character device. NULL when there is none
 * that may be, with *why saying why in a word ("missing", "bad-device"...). */
const struct host_ns *pool_scrub_host(const struct pool *pool, const struct host *host,
				      const char *name, const char **why);

/* What happens to one namespace. */
struct zero_item {
	char *name;                     /* copies: the state is re-read mid-way */
	char *uuid;                     /* as the claim recorded it; NULL if unknown */
	const struct host_ns *host;     /* NULL: not to be zeroed, problem says why */
	const char *problem;
	const char *held_by;            /* another instance whose claim names it too */
	char *devpath;
	struct scrub_result res;
	bool scrubbed;
	bool quarantine;
	struct inuse_check check;       /* .busy: found in use during its scrub */
};

/* The namespaces of c: its own, then those an interrupted replace left to
 * zero. Returns how many (*items malloc'd). */
size_t zero_items_of_claim(const struct vpm_ctx *ctx, const struct claim *c,
			   struct zero_item **items);

/* items[i] for namespace name of the claim (uuid as recorded). */
void zero_item_set(const struct vpm_ctx *ctx, struct zero_item *it, const char *name,
		   const char *uuid);

void zero_items_free(struct zero_item *items, size_t n);

/* Zero it (0, or a negative errno with it->res saying why), with jobs
 * threads (0: as scrub_namespace chooses); with check, holders are looked
 * for once the device is open and between its chunks (it->check.busy when
 * one is found). */
int zero_item_scrub(struct zero_item *it, unsigned jobs, bool check);

/* How many of the items' devices are held open or mapped by a process
 * (each holder logged, with the namespace), in one look at /proc. */
int zero_items_in_use(const struct zero_item *items, size_t n);

/* Whether a scrub of the items is large enough (1 GiB or more in all) to
 * let go of the state lock while it runs. */
bool zero_unlocked(const struct zero_item *items, size_t n);

/* Before anything changes: refuse (logged, with access_exit()'s status: 3
 * re-created or claimed twice, 6 in use) a namespace re-created since the
 * claim or held open or mapped by a process, unless force (never one
 * claimed twice).
 * force_hint ends the message on holders (", or use --force" or ""). */
int zero_precheck(const char *instance, const struct zero_item *items, size_t n, bool force,
		  const char *force_hint);

struct zero_opts {
	bool scrub;             /* false: --no-scrub */
	bool force;             /* zero under holders */
	bool keep;              /* keep the claim (rebuild, replace) rather than free it */
	unsigned jobs;
};

/* Mark instance's claim as being released, zero the items (letting go of
 * the lock meanwhile when they are large), then, under the lock: with keep,
 * clear the mark and forget what a replace left (all zeroed), else remove
 * the claim; a namespace whose scrub failed is quarantined (with keep, the
 * claim then stays marked: it is not whole). A holder found on the way stops
 * it with the claim kept (marked once anything was zeroed or when it was
 * marked before). Returns EXIT_OK, or EXIT_FAIL (logged, *failed counting
 * the quarantined). */
int zero_claim(struct vpm_ctx *ctx, const char *instance, struct zero_item *items, size_t n,
	       const struct zero_opts *o, size_t *failed);

#endif
