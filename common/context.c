/* SPDX-License-Identifier: MIT */
#include "context.h"

#include <errno.h>

#include "log.h"

static int read_state(struct vpm_ctx *ctx, enum ctx_mode mode)
{
	bool for_change = mode == CTX_CHANGE;
	int r;

	store_close(&ctx->store);
	state_free(&ctx->state);
	r = store_open(&ctx->store, ctx->set.state_dir);
	if (r == 0 && for_change)
		r = store_lock(&ctx->store, ctx->set.lock_timeout);
	else if (r == 0 && mode == CTX_SHARED)
		r = store_lock_shared(&ctx->store, ctx->set.lock_timeout);
	if (r == 0)
		r = store_load(&ctx->store, &ctx->state);
	if (r < 0)
		return r == -ETIMEDOUT ? EXIT_LOCKED : EXIT_FAIL;
	return EXIT_OK;
}

int ctx_load(struct vpm_ctx *ctx, const struct common_opts *co, enum ctx_mode mode,
	     struct findings *f)
{
	int rs = EXIT_OK;

	*ctx = (struct vpm_ctx){ .store = { .dirfd = -1, .lockfd = -1 } };
	if (settings_load(co, &ctx->set) < 0)
		return EXIT_FAIL;
	if (ctx->set.namespaces)
		pmem_conf_parse(ctx->set.namespaces, &ctx->conf, f);
	ctx->conf_problems = f->n;
	/* host_load logs why it failed; without a host there is no pool */
	ctx->host_ok = host_load(ctx->set.host_snapshot, &ctx->host) == 0;
	log_debug("host read: %zu namespaces at %.1f ms", ctx->host.n, log_elapsed_ms());
	if (ctx->host_ok)
		pool_build(&ctx->conf, &ctx->host, ctx->set.dev_dir, &ctx->pool, f);
	if (mode != CTX_NO_STATE)
		rs = ctx_read_state(ctx, mode);
	ctx->state_ok = rs == EXIT_OK;
	log_debug("state read: %zu claims at %.1f ms", ctx->state.n_claims, log_elapsed_ms());
	return rs == EXIT_LOCKED ? EXIT_LOCKED : EXIT_OK;
}

int ctx_open(struct vpm_ctx *ctx, const struct common_opts *co, enum ctx_mode mode)
{
	struct findings f = { 0 };
	int r = ctx_load(ctx, co, mode, &f);

	if (r == EXIT_OK && !ctx->set.namespaces) {
		log_error("pmem_namespaces is not set: put it in the [libvirt] section of %s, "
			  "or use --namespaces or VPMEMCTL_NAMESPACES",
			  ctx->set.config_path ? ctx->set.config_path : DEFAULT_CONFIG);
		r = EXIT_FAIL;
	}
	/* A mistake in pmem_namespaces stops every command: the administrator
	 * must fix it. A namespace the host lacks or cannot give (missing, not
	 * devdax, re-created...) is only not used: the others serve as usual. */
	if (r == EXIT_OK) {
		for (size_t i = 0; i < ctx->conf_problems && i < f.n; i++)
			log_error("pmem_namespaces (%s): %s", ctx->set.namespaces_from,
				  f.v[i].message);
		if (ctx->conf_problems)
			log_error("%zu problem%s in pmem_namespaces", ctx->conf_problems,
				  ctx->conf_problems == 1 ? "" : "s");
		for (size_t i = ctx->conf_problems; i < f.n; i++)
			log_warn("%s; it is not handed out until then (vpmemctl verify reports it)",
				 f.v[i].message);
		/* host and state failures were logged where they happened */
		if (ctx->conf_problems || !ctx->host_ok || !ctx->state_ok)
			r = EXIT_FAIL;
	}
	findings_clear(&f);
	return r;
}

int ctx_read_state(struct vpm_ctx *ctx, enum ctx_mode mode)
{
	int r = read_state(ctx, mode);

	ctx->state_ok = r == EXIT_OK;
	if (r == EXIT_OK)
		pool_apply_state(&ctx->pool, &ctx->state);
	return r;
}

int ctx_reload_state(struct vpm_ctx *ctx)
{
	return ctx_read_state(ctx, CTX_CHANGE);
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
