/* SPDX-License-Identifier: MIT */
/* What every command starts from: settings, the parsed pmem_namespaces, the
 * host and the pool they resolve to. */
#ifndef VPM_CONTEXT_H
#define VPM_CONTEXT_H

#include "config.h"
#include "host.h"
#include "pmemconf.h"
#include "pool.h"

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
};

/* Load settings, configuration and host and resolve the pool. Every problem
 * is logged, each on its own line. Returns EXIT_OK or EXIT_FAIL. */
int ctx_open(struct vpm_ctx *ctx, const struct common_opts *co);
void ctx_close(struct vpm_ctx *ctx);

#endif
