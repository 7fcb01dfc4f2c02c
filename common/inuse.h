/* SPDX-License-Identifier: MIT */
/* Who has a device open or mapped, from /proc: a namespace in use by a guest
 * (or anything else) must not be scrubbed under it. */
#ifndef VPM_INUSE_H
#define VPM_INUSE_H

#include <stddef.h>
#include <sys/types.h>

struct inuse {
	pid_t pid;
	char comm[32];
	const char *how;    /* "open" or "mapped" */
};

/* Processes other than this one that hold path open or mapped. proc is the
 * /proc to read ("/proc" normally). Returns how many (users malloc'd), or a
 * negative errno when path cannot be examined. */
int inuse_scan(const char *proc, const char *path, struct inuse **users);

#endif
