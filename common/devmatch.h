/* SPDX-License-Identifier: MIT */
/* Which configured namespace a device path in a domain names: by path, or
 * by the device itself, so that another path to it (a symlink, a node made
 * elsewhere) is caught too. */
#ifndef VPM_DEVMATCH_H
#define VPM_DEVMATCH_H

#include "pool.h"

/* The namespace whose devpath is path, or whose device is the one path
 * leads to: the same character device (major:minor), or the same file
 * (st_dev and st_ino; a regular file standing in for a device). NULL when
 * none. */
struct pool_ns *pool_ns_at(const struct pool *pool, const char *path);

#endif
