/* SPDX-License-Identifier: MIT */
/* Choosing namespaces for a guest. Pure: takes the pool, returns a choice. */
#ifndef VPM_ALLOC_H
#define VPM_ALLOC_H

#include <stdbool.h>

#include "pool.h"
#include "util.h"

struct alloc_shortage {
	const char *label;
	size_t wanted;      /* how many times the request names it */
	size_t total;       /* configured under it */
	size_t free;        /* free (on the NUMA node, when one was asked) */
};

/* One free namespace per label, in order, the first free one in configuration
 * order each time (deterministic). numa_node < 0 means any node. On success
 * picked[i] is the namespace for labels[i] and 0 is returned; when some label
 * has too few, -ENOSPC and *shortage says which. Every label must be in the
 * pool. */
int claim_alloc(const struct pool *pool, char *const *labels, size_t n, int numa_node,
		struct pool_ns **picked, struct alloc_shortage *shortage);

#endif
