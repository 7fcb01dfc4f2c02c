/* SPDX-License-Identifier: MIT */
#include "context.h"

#include <errno.h>
#include <pthread.h>

#include "log.h"

/* The host thread reads the host, then, once the main thread has laid out
 * the pool, finds the pool's names on it: with the host just parsed in its
 * cache, and while the main thread is still reading the state. The main
 * thread marks claims (state, instance) while this one resolves (host,
 * devpath): different members, never the same ones. Problems go to
 * problems, which the main thread leaves alone until the join. */
struct host_job {
	const char *snapshot;
	struct host *host;
	int r;
	bool on_thread;                 /* else the main thread resolves */
	pthread_mutex_t lock;
	pthread_cond_t pool_laid_out;
	struct pool *pool;              /* set, under lock, once laid out */
	const char *dev_dir;
	struct findings *problems;
	bool resolved;
};

static void *host_thread(void *arg)
{
	struct host_job *job = arg;
	struct host_index index;
	struct pool *pool;

	job->r = host_load(job->snapshot, job->host);
	log_debug("host read: %zu namespaces at %.1f ms", job->host->n, log_elapsed_ms());
	if (job->r < 0 || !job->on_thread)
		return NULL;
	host_index_build(job->host, &index);
	pthread_mutex_lock(&job->lock);
	while (!(pool = job->pool))
		pthread_cond_wait(&job->pool_laid_out, &job->lock);
	pthread_mutex_unlock(&job->lock);
	pool_resolve(pool, job->host, &index, job->dev_dir, job->problems);
	host_index_free(&index);
	job->resolved = true;
	return NULL;
}

static void resolve_here(struct vpm_ctx *ctx, struct findings *f)
{
	struct host_index index;

	host_index_build(&ctx->host, &index);
	pool_resolve(&ctx->pool, &ctx->host, &index, ctx->set.dev_dir, f);
	host_index_free(&index);
}

/* ov->start, when there is one, is called once the lock is held (for a
 * change), before the state is read. */
static int read_state(struct vpm_ctx *ctx, bool for_change, const struct ctx_overlap *ov)
{
	int r;

	store_close(&ctx->store);
	state_free(&ctx->state);
	r = store_open(&ctx->store, ctx->set.state_dir, for_change);
	if (r == 0 && for_change)
		r = store_lock(&ctx->store, ctx->set.lock_timeout);
	if (r == 0 && ov && ov->start)
		ov->start(ctx, ov->arg);
	if (r == 0)
		r = store_load(&ctx->store, &ctx->state);
	if (r < 0)
		return r == -ETIMEDOUT ? EXIT_LOCKED : EXIT_FAIL;
	return EXIT_OK;
}

static int load(struct vpm_ctx *ctx, const struct common_opts *co, enum ctx_mode mode,
		struct findings *f, const struct ctx_overlap *ov)
{
	struct host_job job;
	pthread_t thread;
	bool threaded;
	int rs = EXIT_OK;

	*ctx = (struct vpm_ctx){ .store = { .dirfd = -1, .lockfd = -1 } };
	if (settings_load(co, &ctx->set) < 0)
		return EXIT_FAIL;
	/* Reading the host (sysfs, or a large snapshot) and taking the lock and
	 * reading the state do not depend on each other: on a large host they
	 * overlap on two cores. The main thread lays the pool out and marks
	 * the claims; the host thread, once it has the host, finds the pool's
	 * names on it (see host_job). */
	job = (struct host_job){ .snapshot = ctx->set.host_snapshot, .host = &ctx->host,
				 .on_thread = true, .dev_dir = ctx->set.dev_dir, .problems = f };
	pthread_mutex_init(&job.lock, NULL);
	pthread_cond_init(&job.pool_laid_out, NULL);
	threaded = pthread_create(&thread, NULL, host_thread, &job) == 0;
	if (!threaded) {
		job.on_thread = false;
		host_thread(&job);
	}
	if (ctx->set.namespaces)
		pmem_conf_parse(ctx->set.namespaces, &ctx->conf, f);
	pool_init(&ctx->conf, &ctx->pool);
	/* from here until the join, problems belong to the host thread */
	pthread_mutex_lock(&job.lock);
	job.pool = &ctx->pool;
	pthread_cond_signal(&job.pool_laid_out);
	pthread_mutex_unlock(&job.lock);
	if (mode != CTX_NO_STATE)
		rs = read_state(ctx, mode == CTX_CHANGE, ov);
	ctx->state_ok = rs == EXIT_OK;
	if (ctx->state_ok)
		pool_apply_state(&ctx->pool, &ctx->state);
	log_debug("configuration and state read: %zu claims at %.1f ms", ctx->state.n_claims,
		  log_elapsed_ms());
	if (ov && ov->fn)
		ov->fn(ctx, ov->arg);
	if (threaded)
		pthread_join(thread, NULL);
	pthread_cond_destroy(&job.pool_laid_out);
	pthread_mutex_destroy(&job.lock);
	ctx->host_ok = job.r == 0;
	if (!ctx->host_ok)
		pool_free(&ctx->pool); /* no host, no pool */
	else if (!job.resolved)
		resolve_here(ctx, f);
	log_debug("pool resolved at %.1f ms", log_elapsed_ms());
	return rs == EXIT_LOCKED ? EXIT_LOCKED : EXIT_OK;
}

int ctx_load(struct vpm_ctx *ctx, const struct common_opts *co, enum ctx_mode mode,
	     struct findings *f)
{
	return load(ctx, co, mode, f, NULL);
}

int ctx_load_overlap(struct vpm_ctx *ctx, const struct common_opts *co, enum ctx_mode mode,
		     struct findings *f, const struct ctx_overlap *ov)
{
	return load(ctx, co, mode, f, ov);
}

int ctx_open(struct vpm_ctx *ctx, const struct common_opts *co, enum ctx_mode mode)
{
	return ctx_open_overlap(ctx, co, mode, NULL);
}

int ctx_open_overlap(struct vpm_ctx *ctx, const struct common_opts *co, enum ctx_mode mode,
		     const struct ctx_overlap *ov)
{
	struct findings f = { 0 };
	int r = load(ctx, co, mode, &f, ov);

	if (r == EXIT_OK && !ctx->set.namespaces) {
		log_error("pmem_namespaces is not set: put it in the [libvirt] section of %s, "
			  "or use --namespaces or VPMEMCTL_NAMESPACES",
			  ctx->set.config_path ? ctx->set.config_path : DEFAULT_CONFIG);
		r = EXIT_FAIL;
	}
	if (r == EXIT_OK) {
		for (size_t i = 0; i < f.n; i++)
			log_error("pmem_namespaces (%s): %s", ctx->set.namespaces_from,
				  f.v[i].message);
		if (f.n)
			log_error("%zu problem%s in pmem_namespaces", f.n, f.n == 1 ? "" : "s");
		/* host and state failures were logged where they happened */
		if (f.n || !ctx->host_ok || !ctx->state_ok)
			r = EXIT_FAIL;
	}
	findings_clear(&f);
	return r;
}

int ctx_reload_state(struct vpm_ctx *ctx)
{
	int r = read_state(ctx, true, NULL);

	if (r == EXIT_OK)
		pool_apply_state(&ctx->pool, &ctx->state);
	return r;
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
