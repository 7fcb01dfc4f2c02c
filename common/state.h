/* SPDX-License-Identifier: MIT */
/* The record of who holds what: JSON under the state directory, changed only
 * under an exclusive lock and only by atomic replacement. */
#ifndef VPM_STATE_H
#define VPM_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

#define STATE_VERSION 1
#define STATE_FILE "state.json"
#define LOCK_FILE "lock"

struct claim_ns {
	char *name;
	char *uuid;             /* the namespace's uuid when claimed; NULL if unknown */
	char *label;
};

/* A claim's arrays and strings live in one allocation that starts at ns
 * (claim_new makes it, claim_clear frees it): parsing, copying and freeing
 * 4,096 claims is then a malloc each, not eight. */
struct claim {
	char *instance;
	char **labels;          /* as asked, in order: the namespaces' labels */
	size_t n_labels;
	struct claim_ns *ns;    /* one per label, same order */
	size_t n_ns;
	char *created;          /* RFC 3339 UTC; NULL if unknown */
	int releasing_pid;      /* a release is scrubbing it; 0 otherwise */
	uint64_t releasing_start; /* that process's start time (pids are reused) */
};

struct quarantine {
	char *name;
	char *uuid;
	char *reason;
	char *since;
};

struct state {
	uint64_t generation;
	struct claim *claims;
	size_t n_claims;
	struct quarantine *q;
	size_t n_q;
};

/* Pure: text <-> state. state_parse returns -EINVAL with *err set on a
 * document it cannot trust, -EPROTO when a newer program wrote it. */
int state_parse(const char *text, struct state *st, char **err);
/* The same, for a large state as state_format writes it cut into pieces of
 * about piece_len bytes parsed one after the other, in place (text is as
 * it was on return) and in far less memory; anything else, and any error,
 * by state_parse. The result is the same either way (the fuzzer checks). */
#define STATE_PIECE_LEN (64u << 10)
int state_parse_in_place(char *text, size_t piece_len, struct state *st, char **err);
char *state_format(const struct state *st);

/* A claim of n namespaces (n >= 1), everything copied. uuids[i] and
 * created may be NULL. */
struct claim claim_new(const char *instance, const char *created, size_t n,
		       const char *const *names, const char *const *uuids,
		       const char *const *labels);

struct claim *state_find_claim(const struct state *st, const char *instance);
struct quarantine *state_find_quarantine(const struct state *st, const char *name);
void state_remove_claim(struct state *st, struct claim *c);
void state_remove_quarantine(struct state *st, struct quarantine *q);
void claim_clear(struct claim *c);
void state_free(struct state *st);

/* The directory, its lock and its file. */
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
void store_unlock(struct store *s);

/* Read the state (an absent file is the empty state). Logs, naming the file. */
int store_load(struct store *s, struct state *st);

/* Write st as the new state: generation + 1, temporary file, fsync, rename,
 * fsync of the directory. On failure the old state stays. Once renamed, the
 * change counts as made: a failed sync of the directory is only a warning.
 * Logs. */
int store_commit(struct store *s, struct state *st);

void store_close(struct store *s);

/* "2026-11-27T13:18:43Z" into buf (at least 21 bytes). */
const char *now_rfc3339(char *buf, size_t len);

#endif
