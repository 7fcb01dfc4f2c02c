/* SPDX-License-Identifier: MIT */
/* What every command starts from: settings, the parsed pmem_namespaces, the
 * host and the pool they resolve to. */
#ifndef VPM_CONTEXT_H
#define VPM_CONTEXT_H

#include "config.h"
#include "host.h"
#include "pmemconf.h"
#include "pool.h"
#include "state.h"

/* Exit statuses of the contract (verify maps its own). */
enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,
	EXIT_USAGE = 2,
	EXIT_CONFLICT = 3,
	EXIT_NO_SPACE = 4,
	EXIT_LOCKED = 5,
};

struct vpm_ctx {
	struct settings set;
	struct pmem_conf conf;
	struct host host;
	struct pool pool;
	struct store store;
	struct state state;
};

/* Load settings, configuration and host and resolve the pool. Every problem
 * is logged, each on its own line. Returns EXIT_OK or EXIT_FAIL. */
int ctx_open(struct vpm_ctx *ctx, const struct common_opts *co);
/* Read the state and apply it to the pool. For a change, the state directory
 * is created when missing and the exclusive lock taken first. Returns EXIT_OK,
 * EXIT_LOCKED or EXIT_FAIL (logged). */
int ctx_load_state(struct vpm_ctx *ctx, bool for_change);

/* Commit ctx->state. Returns EXIT_OK or EXIT_FAIL (logged). */
int ctx_commit(struct vpm_ctx *ctx);

void ctx_close(struct vpm_ctx *ctx);

#endif
