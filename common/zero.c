/* SPDX-License-Identifier: MIT */
#include "zero.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "log.h"

const struct host_ns *pool_scrub_host(const struct pool *pool, const struct host *host,
				      const char *name, const char **why)
{
	const struct pool_ns *p = pool_find(pool, name);
	const struct host_ns *h;
	size_t count = 0;

	if (p) {
		*why = p->host ? NULL : p->problem ? p->problem : "missing";
		return p->host;
	}
	h = host_find(host, name, &count);
	*why = !h ? "missing" : count > 1 ? "ambiguous" : !h->enabled ? "disabled"
	       : !streq(h->mode, "devdax") ? "wrong-mode" : !h->chardev ? "no-device"
	       : !chardev_name_valid(h->chardev) ? "bad-device" : NULL;
	/* as pool_build: a device two namespaces name may be another's */
	for (size_t i = 0; !*why && i < host->n; i++)
		if (&host->ns[i] != h && streq(host->ns[i].chardev, h->chardev))
			*why = "shared-device";
	return *why ? NULL : h;
}

void zero_item_set(const struct vpm_ctx *ctx, struct zero_item *it, const char *name,
		   const char *uuid)
{
	*it = (struct zero_item){ .name = xstrdup(name), .uuid = uuid ? xstrdup(uuid) : NULL };
	it->host = pool_scrub_host(&ctx->pool, &ctx->host, name, &it->problem);
	if (it->host)
		it->devpath = path_join(ctx->set.dev_dir, it->host->chardev);
}

size_t zero_items_of_claim(const struct vpm_ctx *ctx, const struct claim *c,
			   struct zero_item **items)
{
	size_t n = c->n_ns + c->n_replacing;

	*items = xcalloc(n ? n : 1, sizeof(**items));
	for (size_t i = 0; i < c->n_ns; i++)
		zero_item_set(ctx, &(*items)[i], c->ns[i].name, c->ns[i].uuid);
	for (size_t i = 0; i < c->n_replacing; i++)
		zero_item_set(ctx, &(*items)[c->n_ns + i], c->replacing[i].name,
			      c->replacing[i].uuid);
	for (size_t i = 0; i < n; i++) {
		const struct pool_ns *p = pool_find(&ctx->pool, (*items)[i].name);

		if (p && p->instance && !streq(p->instance, c->instance))
			(*items)[i].held_by = p->instance;
	}
	return n;
}

void zero_items_free(struct zero_item *items, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(items[i].name);
		free(items[i].uuid);
		free(items[i].devpath);
	}
	free(items);
}

int zero_item_scrub(struct zero_item *it, unsigned jobs, bool check)
{
	if (!it->host || !it->devpath) {
		if (!it->problem || streq(it->problem, "missing"))
			snprintf(it->res.error, sizeof(it->res.error),
				 "namespace %s is no longer on the host; its device cannot be zeroed",
				 it->name);
		else
			snprintf(it->res.error, sizeof(it->res.error),
				 "namespace %s cannot be zeroed as the host describes it (%s; vpmemctl "
				 "verify says more)", it->name, it->problem);
		return -ENODEV;
	}
	it->check = (struct inuse_check){ .name = it->name, .devpath = it->devpath };
	return scrub_namespace(it->name, it->devpath, it->host->rdev, it->host->size,
			       it->host->align, it->host->numa_node, jobs,
			       check ? inuse_check_unused : NULL, &it->check, &it->res);
}

/* A namespace destroyed and re-created under the same name since the claim
 * holds someone else's data now, not this guest's: refuse to zero it (say
 * both uuids) and count it. */
static size_t recreated(const char *instance, const struct zero_item *items, size_t n)
{
	size_t bad = 0;

	for (size_t i = 0; i < n; i++) {
		const char *was = items[i].uuid, *now = items[i].host ? items[i].host->uuid : NULL;

		if (!uuid_changed(was, now))
			continue;
		log_error("namespace %s of instance %s was re-created since the claim: its uuid is "
			  "%s, the claim recorded %s; it is not this guest's and is not zeroed "
			  "(vpmemctl release %s --force zeroes and frees it anyway)", items[i].name,
			  instance, now, was, instance);
		bad++;
	}
	return bad;
}

/* Whether anything was zeroed, wholly or in part. */
static bool any_zeroed(const struct zero_item *items, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (items[i].scrubbed || items[i].res.bytes)
			return true;
	return false;
}

int zero_items_in_use(const struct zero_item *items, size_t n)
{
	_cleanup_free_ const char **names = xcalloc(n ? n : 1, sizeof(*names));
	_cleanup_free_ const char **paths = xcalloc(n ? n : 1, sizeof(*paths));
	size_t m = 0;

	for (size_t i = 0; i < n; i++) {
		if (!items[i].devpath)
			continue;
		names[m] = items[i].name;
		paths[m++] = items[i].devpath;
	}
	return m ? inuse_refuse_many(names, paths, m) : 0;
}

int zero_precheck(const char *instance, const struct zero_item *items, size_t n, bool force,
		  const char *force_hint)
{
	/* Named by two claims (a state edited by hand, or written by another
	 * version): whose data it holds is not known; never zeroed, even with
	 * --force. */
	for (size_t i = 0; i < n; i++) {
		if (!items[i].held_by)
			continue;
		log_error("namespace %s is claimed by instance %s as well as by %s; it is not "
			  "zeroed (vpmemctl verify reports it); instance %s keeps its claim",
			  items[i].name, items[i].held_by, instance, instance);
		return access_exit(ACCESS_CLAIMED);
	}
	if (force)
		return EXIT_OK;
	if (recreated(instance, items, n)) {
		log_error("instance %s keeps its claim", instance);
		return access_exit(ACCESS_RECREATED);
	}
	/* Even unscrubbed, a namespace a guest still maps must not be handed on. */
	if (zero_items_in_use(items, n)) {
		log_error("instance %s keeps its claim; stop what uses it%s", instance, force_hint);
		return access_exit(ACCESS_PROCESS);
	}
	return EXIT_OK;
}

/* Below this, the scrub runs under the lock rather than letting go of it
 * meanwhile. */
#define UNLOCKED_SCRUB_BYTES (1ull << 30)

bool zero_unlocked(const struct zero_item *items, size_t n)
{
	uint64_t total = 0;

	for (size_t i = 0; i < n; i++)
		total += items[i].host ? items[i].host->size : 0;
	return total >= UNLOCKED_SCRUB_BYTES;
}

/* A scrub that failed for want of memory or a signal says nothing about the
 * media: worth trying again, not a reason to quarantine. */
static bool transient(int err)
{
	return err == -ENOMEM || err == -EAGAIN || err == -EINTR || err == -EMFILE ||
	       err == -ENFILE;
}

/* Quarantine what failed, drop the quarantine of what is zeroed now (as
 * verify --repair would), then free the claim or, with keep, make it whole
 * again: all in the state as it is now. */
static void apply(struct state *st, const char *instance, const struct zero_item *items,
		  size_t n, bool keep, size_t failed)
{
	struct claim *c = state_find_claim(st, instance);
	char now[32];

	now_rfc3339(now, sizeof(now));
	for (size_t i = 0; i < n; i++) {
		struct quarantine *q = state_find_quarantine(st, items[i].name);

		if (items[i].scrubbed && q)
			state_remove_quarantine(st, q);
		if (!items[i].quarantine || q)
			continue;
		st->q = xreallocarray(st->q, st->n_q + 1, sizeof(*st->q));
		st->q[st->n_q++] = (struct quarantine){
			.name = xstrdup(items[i].name),
			.uuid = items[i].host && items[i].host->uuid ? xstrdup(items[i].host->uuid)
								     : NULL,
			.reason = xstrdup(items[i].res.error[0] ? items[i].res.error : "scrub failed"),
			.since = xstrdup(now),
		};
	}
	if (!c)
		return;
	if (!keep) {
		state_remove_claim(st, c);
	} else if (!failed) {
		c->releasing_pid = 0;
		c->releasing_start = 0;
		claim_drop_replacing(c);
		/* a namespace re-created since the claim and zeroed with --force is
		 * the guest's now: record the uuid it has */
		for (size_t k = 0; k < c->n_ns; k++)
			for (size_t i = 0; i < n; i++)
				if (items[i].scrubbed && streq(items[i].name, c->ns[k].name) &&
				    items[i].host && items[i].host->uuid &&
				    !streq(c->ns[k].uuid, items[i].host->uuid)) {
					free(c->ns[k].uuid);
					c->ns[k].uuid = xstrdup(items[i].host->uuid);
				}
	}
}

int zero_claim(struct vpm_ctx *ctx, const char *instance, struct zero_item *items, size_t n,
	       const struct zero_opts *o, size_t *failed)
{
	struct claim *c = state_find_claim(&ctx->state, instance);
	size_t busy = 0, transients = 0;
	bool was_marked, unlocked;
	int r;

	*failed = 0;
	if (!c) {
		log_error("instance %s holds no claim", instance);
		return EXIT_CONFLICT;
	}
	was_marked = c->releasing_pid != 0;
	if (o->scrub) {
		/* The claim is marked before anything is zeroed: killed mid-scrub,
		 * the mark says the claim is no longer whole and a new release
		 * finishes the job. A large claim takes minutes to scrub: it lets
		 * go of the lock meanwhile; a small one keeps it. */
		unlocked = zero_unlocked(items, n);
		uint64_t me = 0;

		/* a mark of a dead release whose pid is ours now is not ours */
		if (process_start_time(getpid(), &me) < 0)
			me = 0;
		if (c->releasing_pid != getpid() || c->releasing_start != me) {
			c->releasing_pid = getpid();
			c->releasing_start = me;
			if ((r = ctx_commit(ctx)) != EXIT_OK)
				return r;
		}
		if (unlocked)
			store_unlock(&ctx->store);
		for (size_t i = 0; i < n; i++) {
			/* Holders are looked for again once each device is open and
			 * between its chunks: one may have come since the first look. */
			int e = zero_item_scrub(&items[i], o->jobs, !o->force);

			if (e == 0) {
				items[i].scrubbed = true;
			} else if (items[i].check.busy) {
				/* Zero nothing more of a claim something uses. */
				log_error("%s", items[i].res.error);
				busy++;
				break;
			} else if (transient(e)) {
				log_error("scrub of %s failed: %s", items[i].name, items[i].res.error);
				transients++;
			} else {
				items[i].quarantine = true;
				(*failed)++;
				if (items[i].res.media_error)
					log_error("scrub of %s failed: %s; the namespace is "
						  "quarantined: it has bad blocks. Once nobody needs "
						  "its data, clear them (ndctl clear-errors %s) and run "
						  "vpmemctl verify --repair", items[i].name,
						  items[i].res.error, items[i].host->dev);
				else
					log_error("scrub of %s failed: %s; the namespace is "
						  "quarantined", items[i].name, items[i].res.error);
			}
		}
		/* Take the state anew: others may have changed it meanwhile. */
		if (unlocked && (r = ctx_reload_state(ctx)) != EXIT_OK) {
			log_error("the scrub ran but the claim of %s could not be updated; run the "
				  "release again", instance);
			return r;
		}
		if (busy || transients) {
			/* Keep the claim. Its mark goes only when nothing of it was
			 * zeroed, by this run or an earlier one: a partly zeroed
			 * claim must not pass for a whole one. */
			c = state_find_claim(&ctx->state, instance);
			if (c && !was_marked && !any_zeroed(items, n)) {
				c->releasing_pid = 0;
				c->releasing_start = 0;
				if (ctx_commit(ctx) != EXIT_OK)
					return EXIT_FAIL;
			}
			if (busy)
				log_error("instance %s keeps its claim; stop what uses it, then run "
					  "vpmemctl release %s%s again", instance, instance,
					  o->keep ? " --keep" : "");
			else if (o->keep)
				log_error("instance %s keeps its claim; run vpmemctl release %s --keep "
					  "again", instance, instance);
			else
				log_error("instance %s keeps its claim; run the release again", instance);
			return busy ? access_exit(ACCESS_PROCESS) : EXIT_FAIL;
		}
	}
	/* Last look before the namespaces are marked free or whole, under the lock. */
	if (!o->force && zero_items_in_use(items, n)) {
		log_error("instance %s keeps its claim; stop what uses it, then run vpmemctl "
			  "release %s%s again", instance, instance, o->keep ? " --keep" : "");
		return access_exit(ACCESS_PROCESS);
	}
	apply(&ctx->state, instance, items, n, o->keep, *failed);
	/* a rebuilt guest starts on zeroed data: the dirty shutdowns to watch
	 * for are those from now on */
	if (o->keep && !*failed && (c = state_find_claim(&ctx->state, instance)))
		pool_record_shutdown(c, &ctx->pool, &ctx->host);
	r = ctx_commit(ctx);
	if (r == EXIT_OK && *failed && o->keep)
		log_error("instance %s keeps its claim, marked as not whole: zero what is "
			  "quarantined (vpmemctl verify --repair), then run vpmemctl release %s "
			  "--keep", instance, instance);
	return r != EXIT_OK ? r : *failed ? EXIT_FAIL : EXIT_OK;
}
