/* SPDX-License-Identifier: MIT */
/* The record of who holds what (claims, quarantined namespaces) and its JSON
 * form. store.h keeps it on disk. */
#ifndef VPM_STATE_H
#define VPM_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

#include "util.h"

/* The newest format this version reads. It writes 2 only while a claim has
 * "replacing" namespaces, which version 1 readers would take for free ones;
 * otherwise 1, which every release reads. */
#define STATE_VERSION 2

/* Members of an object that this version does not know, as name, JSON text,
 * name, JSON text...: written back as they were, so that a newer vpmemctl's
 * records survive a commit by this one. */
struct extra {
	struct strv kv;
};

/* A DIMM's dirty-shutdown count when the namespace was claimed (or last
 * zeroed for its guest): one that grows means the guest's data may be torn. */
struct shutdown_count {
	char *dimm;             /* host_dimm_key(): unique id, else "nmemN" */
	uint64_t count;
};

struct claim_ns {
	char *name;
	char *uuid;             /* the namespace's uuid when claimed; NULL if unknown */
	char *label;
	struct shutdown_count *shutdown; /* its DIMMs' counts; none when unknown */
	size_t n_shutdown;
	struct extra extra;
};

struct claim {
	char *instance;
	char **labels;          /* as asked, in order: ns[i].label, not copies */
	size_t n_labels;
	struct claim_ns *ns;    /* one per label, same order */
	size_t n_ns;
	char *created;          /* RFC 3339 UTC; NULL if unknown */
	int releasing_pid;      /* a release is scrubbing it; 0 otherwise */
	uint64_t releasing_start; /* that process's start time (pids are reused) */
	/* claim --replace: namespaces of the claim it replaced, still to be
	 * zeroed and freed (the claim is marked as releasing meanwhile) */
	struct claim_ns *replacing;
	size_t n_replacing;
	struct extra extra;
};

struct quarantine {
	char *name;
	char *uuid;
	char *reason;
	char *since;
	struct extra extra;
};

struct state {
	uint64_t generation;
	struct claim *claims;
	size_t n_claims;
	struct quarantine *q;
	size_t n_q;
	struct extra extra;
};

/* The empty state. */
void state_init(struct state *st);

/* Pure: text <-> state. state_parse returns -EINVAL with *err set on a
 * document it cannot trust, -EPROTO when a newer program wrote it. */
int state_parse(const char *text, struct state *st, char **err);
char *state_format(const struct state *st);

/* A claim of n namespaces (n >= 1), everything copied. uuids[i] and
 * created may be NULL. */
struct claim claim_new(const char *instance, const char *created, size_t n,
		       const char *const *names, const char *const *uuids,
		       const char *const *labels);

/* A copy of c that shares nothing with it: namespaces, labels, uuids,
 * shutdown counts, release mark, what it replaces, unknown members. */
struct claim claim_copy(const struct claim *c);
/* Append c to the claims; st owns it from then on. */
void state_add_claim(struct state *st, struct claim c);
/* The names of c's namespaces, in order, joined with commas; malloc'd. */
char *claim_names(const struct claim *c);

struct claim *state_find_claim(const struct state *st, const char *instance);
struct quarantine *state_find_quarantine(const struct state *st, const char *name);
void state_remove_claim(struct state *st, struct claim *c);
void state_remove_quarantine(struct state *st, struct quarantine *q);
void claim_clear(struct claim *c);
/* Record (or update) a DIMM's dirty-shutdown count for ns. */
void claim_ns_set_shutdown(struct claim_ns *ns, const char *dimm, uint64_t count);
/* Forget the count recorded for that DIMM, if any. */
void claim_ns_drop_shutdown(struct claim_ns *ns, const char *dimm);
/* The count recorded for that DIMM, or NULL. */
const struct shutdown_count *claim_ns_shutdown(const struct claim_ns *ns, const char *dimm);

/* Forget the namespaces an interrupted replace left (once they are zeroed
 * and freed). */
void claim_drop_replacing(struct claim *c);
void state_free(struct state *st);

/* Whose a claim is, for every program: */
/* Whether instance is the domain's: its name, or its uuid in any case. */
bool instance_is_domain(const char *instance, const char *name, const char *uuid);

/* The domain's claim: the one under its name, else under its uuid. */
struct claim *domain_claim_of(const struct state *st, const char *name, const char *uuid);

/* "2026-11-27T13:18:43Z" into buf (at least 21 bytes). */
const char *now_rfc3339(char *buf, size_t len);

#endif
