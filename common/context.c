/* SPDX-License-Identifier: MIT */
#include "context.h"

#include <errno.h>

#include "log.h"

int ctx_open(struct vpm_ctx *ctx, const struct common_opts *co)
{
	struct strv problems = { 0 };
	int r;

	*ctx = (struct vpm_ctx){ .store = { .dirfd = -1, .lockfd = -1 } };
	if (settings_load(co, &ctx->set) < 0)
		return EXIT_FAIL;
	if (!ctx->set.namespaces) {
		log_error("pmem_namespaces is not set: put it in the [libvirt] section of %s, "
			  "or use --namespaces or VPMEMCTL_NAMESPACES",
			  ctx->set.config_path ? ctx->set.config_path : DEFAULT_CONFIG);
		return EXIT_FAIL;
	}
	pmem_conf_parse(ctx->set.namespaces, &ctx->conf, &problems);
	r = host_load(ctx->set.host_snapshot, &ctx->host);
	if (r == 0)
		pool_build(&ctx->conf, &ctx->host, ctx->set.dev_dir, &ctx->pool, &problems);
	for (size_t i = 0; i < problems.n; i++)
		log_error("pmem_namespaces (%s): %s", ctx->set.namespaces_from, problems.v[i]);
	if (problems.n)
		log_error("%zu problem%s in pmem_namespaces", problems.n,
			  problems.n == 1 ? "" : "s");
	r = r < 0 || problems.n ? EXIT_FAIL : EXIT_OK;
	strv_clear(&problems);
	return r;
}

int ctx_load_state(struct vpm_ctx *ctx, bool for_change)
{
	int r;

	store_close(&ctx->store);
	state_free(&ctx->state);
	r = store_open(&ctx->store, ctx->set.state_dir, for_change);
	if (r == 0 && for_change)
		r = store_lock(&ctx->store, ctx->set.lock_timeout);
	if (r == 0)
		r = store_load(&ctx->store, &ctx->state);
	if (r < 0)
		return r == -ETIMEDOUT ? EXIT_LOCKED : EXIT_FAIL;
	pool_apply_state(&ctx->pool, &ctx->state);
	return EXIT_OK;
}

int ctx_commit(struct vpm_ctx *ctx)
{
	return store_commit(&ctx->store, &ctx->state) < 0 ? EXIT_FAIL : EXIT_OK;
}

void ctx_close(struct vpm_ctx *ctx)
{
	store_close(&ctx->store);
	state_free(&ctx->state);
	pool_free(&ctx->pool);
	host_free(&ctx->host);
	pmem_conf_free(&ctx->conf);
	settings_free(&ctx->set);
}
