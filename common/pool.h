/* SPDX-License-Identifier: MIT */
/* The configured namespaces resolved against the host: which exist, what
 * their device paths are, and how many each resource class has. Pure. */
#ifndef VPM_POOL_H
#define VPM_POOL_H

#include "findings.h"
#include "host.h"
#include "pmemconf.h"
#include "strmap.h"

enum ns_state { NS_FREE, NS_CLAIMED, NS_QUARANTINED };

struct pool_ns {
	const char *name;                /* in the configuration */
	const struct pmem_label *label;
	const struct host_ns *host;      /* NULL when it cannot be used */
	char *devpath;                   /* dev_dir/chardev, NULL without one */
	const char *problem;             /* why the host's cannot be used ("missing",
					  * "wrong-mode", ...), NULL when it can */
	const char *media;               /* "bad-blocks" or "dimm-failing": never handed
					  * out, though host and devpath are kept (it is
					  * zeroed, shown and checked as usual); else NULL */
	enum ns_state state;
	const char *instance;            /* holder, NULL when free */
	const struct claim *claim;       /* its claim, NULL when free */
	bool recreated;                  /* claimed, and its uuid is not the claim's */
	bool in_use;                     /* held by a process or a domain: not handed out */
};

struct pool_rc {
	const struct pmem_label *label;
	size_t total, reserved, used, free;
};

struct pool {
	const struct host *host;         /* what it was built from (its DIMMs) */
	struct pool_ns *ns;              /* configuration order */
	size_t n;
	struct strmap by_name;           /* name -> index in ns */
	struct pool_rc *rc;              /* label order */
	size_t n_rc;
};

/* Lay out the configured namespaces (all free) and find each on the host.
 * Each problem (absent, ambiguous, not devdax, disabled, no character
 * device) goes to problems naming the label and the namespace, and that
 * namespace gets no host and a problem: the others are used as usual.
 * Known bad blocks in a namespace or a DIMM under it in critical or fatal
 * health is reported too and sets its media problem. 
 * Returns how many problems. */
size_t pool_build(const struct pmem_conf *conf, const struct host *host,
		  const char *dev_dir, struct pool *pool, struct findings *problems);

struct pool_ns *pool_find(const struct pool *pool, const char *name);


struct state;
/* Mark the namespaces the state says are claimed or quarantined, and count.
 * A namespace held twice keeps its first holder (verify reports it). */
void pool_apply_state(struct pool *pool, const struct state *st);

/* Recompute each resource class's counts from the namespaces' states: a
 * free namespace that cannot be used is reserved, as a quarantined one. */
void pool_count(struct pool *pool);

struct claim;
/* Record in each namespace of c the dirty-shutdown counts of its DIMMs now,
 * where the host knows them: verify compares them later. */
void pool_record_shutdown(struct claim *c, const struct pool *pool, const struct host *host);

/* Whether a namespace recorded with uuid was, now that it has uuid now, was
 * destroyed and re-created since (both known, and they differ). */
bool uuid_changed(const char *was, const char *now);

const struct pool_rc *pool_find_rc(const struct pool *pool, const char *label);

/* What inventory shows: the problem of a namespace that cannot be used
 * ("missing", "wrong-mode", "recreated", ...), else "releasing" or
 * "release-interrupted" for a claim being released or whose release
 * stopped, else "claimed" or "quarantined", else, for a free one, its media
 * problem ("bad-blocks", "dimm-failing") or "free". */
const char *ns_state_name(const struct pool_ns *p);

void pool_free(struct pool *pool);

#endif
