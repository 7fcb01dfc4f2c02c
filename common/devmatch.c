/* SPDX-License-Identifier: MIT */
#include "devmatch.h"

#include <sys/stat.h>

#include "util.h"

static bool same_device(const struct stat *a, const struct stat *b)
{
	if (S_ISCHR(a->st_mode) && S_ISCHR(b->st_mode))
		return a->st_rdev == b->st_rdev;
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

struct pool_ns *pool_ns_at(const struct pool *pool, const char *path)
{
	struct stat st, nst;
	bool found;

	for (size_t i = 0; i < pool->n; i++)
		if (streq(pool->ns[i].devpath, path))
			return &pool->ns[i];
	/* a path that leads nowhere names no device of ours */
	if (stat(path, &st) < 0)
		return NULL;
	for (size_t i = 0; i < pool->n; i++) {
		struct pool_ns *p = &pool->ns[i];

		if (!p->devpath || !p->host)
			continue;
		/* libdaxctl knows the device number even when devpath is not there */
		found = S_ISCHR(st.st_mode) && p->host->rdev && st.st_rdev == p->host->rdev;
		if (!found && stat(p->devpath, &nst) == 0)
			found = same_device(&st, &nst);
		if (found)
			return p;
	}
	return NULL;
}
