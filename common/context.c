/* SPDX-License-Identifier: MIT */
#include "context.h"

#include "log.h"

int ctx_open(struct vpm_ctx *ctx, const struct common_opts *co)
{
	struct strv problems = { 0 };
	int r;

	*ctx = (struct vpm_ctx){ 0 };
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
		log_error("%zu problem%s in pmem_namespaces; nothing was changed", problems.n,
			  problems.n == 1 ? "" : "s");
	r = r < 0 || problems.n ? EXIT_FAIL : EXIT_OK;
	strv_clear(&problems);
	return r;
}

void ctx_close(struct vpm_ctx *ctx)
{
	pool_free(&ctx->pool);
	host_free(&ctx->host);
	pmem_conf_free(&ctx->conf);
	settings_free(&ctx->set);
}
