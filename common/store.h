/* SPDX-License-Identifier: MIT */
/* Where the state lives: a directory of its own, JSON changed only under an
 * exclusive lock and only by atomic replacement. */
#ifndef VPM_STORE_H
#define VPM_STORE_H

#include "state.h"

#define STATE_FILE "state.json"
#define LOCK_FILE "lock"

struct store {
	char *dir;
	char *path;             /* dir/state.json, for messages */
	int dirfd;
	int lockfd;
};

/* Open the state directory, which must exist: it is never created here
 * (the package or meson install makes it), so that a mistyped one is not
 * taken for an empty state. Refuses a directory that is a symlink or
 * writable by others, or one that others can rename away: an ancestor (of
 * its real path, and of where each symbolic link on the way leads) owned by
 * another user than root and the directory's owner, or writable by group or
 * others without the sticky bit. Logs, naming the directory. */
int store_open(struct store *s, const char *dir);

/* Take the exclusive lock, waiting up to timeout seconds: -ETIMEDOUT then. */
int store_lock(struct store *s, double timeout);
/* Take the lock shared with other readers, excluding a writer: a reader
 * that must not act on a state about to change (the libvirt hook). */
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
