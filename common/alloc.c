/* SPDX-License-Identifier: MIT */
#include "alloc.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>

bool instance_valid(const char *s)
{
	size_t len = strlen(s);

	return len >= 1 && len <= INSTANCE_MAX &&
	       strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:-") == len;
}

bool uuid_valid(const char *s)
{
	if (strlen(s) != 36)
		return false;
	for (size_t i = 0; i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? s[i] != '-' : !strchr("0123456789abcdef", s[i]) || !s[i])
			return false;
	}
	return true;
}

size_t labels_parse(const char *arg, struct strv *labels)
{
	_cleanup_free_ char *copy = xstrdup(arg);
	size_t before = labels->n;
	char *tok, *next;

	for (tok = copy; tok; tok = next) {
		next = strchr(tok, ',');
		if (next)
			*next++ = '\0';
		tok = strtrim(tok);
		if (*tok)
			strv_push(labels, xstrdup(tok));
	}
	return labels->n - before;
}

static bool usable(const struct pool_ns *p, int numa_node)
{
	return p->state == NS_FREE && p->host && (numa_node < 0 || p->host->numa_node == numa_node);
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
