/* SPDX-License-Identifier: MIT */
/* Where the state lives: a directory of its own, JSON changed only under an
 * exclusive lock and only by atomic replacement. */
#ifndef VPM_STORE_H
#define VPM_STORE_H

#include <stdbool.h>

#include "state.h"

#define STATE_FILE "state.json"
#define LOCK_FILE "lock"

struct store {
	char *dir;
	char *path;             /* dir/state.json, for messages */
	int dirfd;              /* -1 when the directory does not exist (read-only use) */
	int lockfd;
};

/* Open the state directory. With create, make it (mode 0700) when missing.
 * Refuses a directory that is a symlink or writable by others. Logs. */
int store_open(struct store *s, const char *dir, bool create);

/* Take the exclusive lock, waiting up to timeout seconds: -ETIMEDOUT then. */
int store_lock(struct store *s, double timeout);
/* Take the lock shared with other readers, excluding a writer: a reader
 * that must not act on a state about to change (the libvirt hook). 0 at once
 * when the directory does not exist. */
int store_lock_shared(struct store *s, double timeout);
void store_unlock(struct store *s);

/* Read the state (an absent file is the empty state). Logs, naming the file. */
int store_load(struct store *s, struct state *st);

/* Write st as the new state: generation + 1, temporary file, fsync, rename,
 * fsync of the directory. On failure the old state stays. Once renamed, the
 * change counts as made: a failed sync of the directory is only a warning.
 * Logs. */
int store_commit(struct store *s, struct state *st);

void store_close(struct store *s);

#endif
