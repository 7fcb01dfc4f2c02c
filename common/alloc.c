/* SPDX-License-Identifier: MIT */
#include "alloc.h"

#include <errno.h>

static bool usable(const struct pool_ns *p, int numa_node)
{
	return p->state == NS_FREE && p->host && !p->media && !p->in_use &&
	       (numa_node < 0 || p->host->numa_node == numa_node);
}

int claim_alloc(const struct pool *pool, char *const *labels, size_t n, int numa_node,
		struct pool_ns **picked, struct alloc_shortage *shortage)
{
	/* Per resource class, where the search for its next free namespace
	 * resumes: a whole request is one pass over the pool. */
	_cleanup_free_ size_t *cursor = xcalloc(pool->n_rc, sizeof(*cursor));

	for (size_t i = 0; i < n; i++) {
		const struct pool_rc *rc = pool_find_rc(pool, labels[i]);
		size_t r = (size_t)(rc - pool->rc);
		size_t j;

		for (j = cursor[r]; j < pool->n; j++)
			if (pool->ns[j].label == rc->label && usable(&pool->ns[j], numa_node))
				break;
		if (j == pool->n) {
			*shortage = (struct alloc_shortage){ .label = labels[i], .total = rc->total };
			for (size_t k = 0; k < n; k++)
				shortage->wanted += streq(labels[k], labels[i]);
			for (size_t k = 0; k < pool->n; k++)
				shortage->free += pool->ns[k].label == rc->label &&
						  usable(&pool->ns[k], numa_node);
			return -ENOSPC;
		}
		picked[i] = &pool->ns[j];
		cursor[r] = j + 1;
	}
	return 0;
}
