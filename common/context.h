/* SPDX-License-Identifier: MIT */
/* What every command starts from: settings, the parsed pmem_namespaces, the
 * host and the pool they resolve to. */
#ifndef VPM_CONTEXT_H
#define VPM_CONTEXT_H

#include "config.h"
#include "host.h"
#include "pmemconf.h"
#include "pool.h"
#include "store.h"

/* Exit statuses of the contract (verify maps its own). */
enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,
	EXIT_USAGE = 2,
	EXIT_CONFLICT = 3,
	EXIT_NO_SPACE = 4,
	EXIT_LOCKED = 5,
	EXIT_BUSY = 6,          /* a process or a domain uses a namespace: try again later */
};

struct vpm_ctx {
	struct settings set;
	struct pmem_conf conf;
	struct host host;
	struct pool pool;
	struct store store;
	struct state state;
	size_t conf_problems;   /* the first findings of ctx_load: pmem_namespaces itself */
	bool host_ok;           /* the host could be read */
	bool state_ok;          /* the state could be read (or was not asked for) */
};

enum ctx_mode {
	CTX_NO_STATE,   /* configuration and host only */
	CTX_READ,       /* and the state as it is, without the lock */
	CTX_SHARED,     /* and the state under the lock shared with other readers (the
			 * hook: it waits only for a change under way) */
	CTX_CHANGE,     /* and the state under the exclusive lock */
};

/* Read settings, configuration, host and (per mode) the state, in that
 * order, and resolve the pool with each namespace's state. Every problem is
 * logged, each on its own line; a state directory that does not exist is
 * one (it is never created). Returns EXIT_OK, EXIT_FAIL or EXIT_LOCKED. */
int ctx_open(struct vpm_ctx *ctx, const struct common_opts *co, enum ctx_mode mode);

/* The same, for a command that reports problems rather than stopping at
 * them (verify): configuration and host problems go to f, a host or state
 * that cannot be read leaves host_ok or state_ok false (logged). Returns
 * EXIT_FAIL when the settings cannot be read, EXIT_LOCKED when the lock is
 * not taken in time, else EXIT_OK. */
int ctx_load(struct vpm_ctx *ctx, const struct common_opts *co, enum ctx_mode mode,
	     struct findings *f);

/* Read the state (and apply it to the pool) per mode, after ctx_load with
 * CTX_NO_STATE: for a command that decides from configuration and host
 * whether it needs the state. EXIT_OK, EXIT_FAIL or EXIT_LOCKED (logged). */
int ctx_read_state(struct vpm_ctx *ctx, enum ctx_mode mode);

/* Take the lock again and read the state anew (after work done unlocked). */
int ctx_reload_state(struct vpm_ctx *ctx);

/* Commit ctx->state. Returns EXIT_OK or EXIT_FAIL (logged). */
int ctx_commit(struct vpm_ctx *ctx);

void ctx_close(struct vpm_ctx *ctx);

#endif
