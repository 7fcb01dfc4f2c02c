/* SPDX-License-Identifier: MIT */
#include "repair.h"

#include <inttypes.h>

#include "log.h"
#include "zero.h"

/* Whether q may be zeroed now through it (else logged, with why not). */
static bool repairable(const struct quarantine *q, const struct zero_item *it)
{
	const struct host_ns *h = it->host;

	if (!h || !it->devpath) {
		log_warn("cannot repair %s: the host gives no device to zero it through (%s)",
			 q->name, it->problem ? it->problem : "no device");
		return false;
	}
	/* Re-created under the same name since it was quarantined: not the
	 * namespace whose scrub failed; left for the administrator. */
	if (uuid_changed(q->uuid, h->uuid)) {
		log_warn("cannot repair %s: it was re-created since it was quarantined (uuid %s, "
			 "quarantined as %s); it stays quarantined", q->name, h->uuid, q->uuid);
		return false;
	}
	/* zeroing over known bad blocks fails again: they go first */
	if (h->badblocks_known && h->badblocks) {
		log_warn("cannot repair %s: it has %" PRIu64 " known bad block%s; clear them first "
			 "(ndctl clear-errors %s)", q->name, h->badblocks,
			 h->badblocks == 1 ? "" : "s", h->dev);
		return false;
	}
	if (zero_items_in_use(it, 1)) {
		log_warn("%s stays quarantined while it is in use", q->name);
		return false;
	}
	return true;
}

/* The quarantine entry it was made from, if the state still holds it. */
static struct quarantine *same_entry(const struct state *st, const struct zero_item *it)
{
	struct quarantine *q = state_find_quarantine(st, it->name);

	if (q && (q->uuid || it->uuid) && !streq(q->uuid, it->uuid))
		return NULL;
	return q;
}

/* Zero the items; with unlocked, the lock is let go of meanwhile and
 * taken again with the state read anew. */
static int scrub_all(struct vpm_ctx *ctx, struct zero_item *items, size_t n, bool unlocked)
{
	if (unlocked)
		store_unlock(&ctx->store);
	for (size_t i = 0; i < n; i++) {
		/* Holders are looked for again once the device is open and
		 * between its chunks. */
		if (zero_item_scrub(&items[i], 0, true) == 0)
			items[i].scrubbed = true;
		else if (items[i].check.busy)
			log_warn("%s stays quarantined while it is in use", items[i].name);
		else
			log_warn("scrub of %s failed again: %s", items[i].name, items[i].res.error);
	}
	return unlocked ? ctx_reload_state(ctx) : EXIT_OK;
}

/* The outcome of each scrub in the state as it is now: out of quarantine
 * (named in repaired), or the entry's reason updated. Whether it changed. */
static bool record_scrubs(struct vpm_ctx *ctx, struct zero_item *items, size_t n,
		  struct strv *repaired)
{
	bool changed = false;

	for (size_t i = 0; i < n; i++) {
		struct quarantine *q = same_entry(&ctx->state, &items[i]);

		if (!q) {
			if (items[i].scrubbed)
				log_info("%s was zeroed, but its quarantine entry changed meanwhile; it "
					 "is left as it is now", items[i].name);
			items[i].scrubbed = false;
			continue;
		}
		/* last look, under the lock, before it is offered again */
		if (items[i].scrubbed && zero_items_in_use(&items[i], 1)) {
			log_warn("%s stays quarantined while it is in use", items[i].name);
			items[i].scrubbed = false;
		}
		if (items[i].scrubbed) {
			strv_push(repaired, xstrdup(q->name));
			state_remove_quarantine(&ctx->state, q);
			changed = true;
		} else if (!items[i].check.busy && items[i].res.error[0]) {
			free(q->reason);
			q->reason = xstrdup(items[i].res.error);
			changed = true;
		}
	}
	return changed;
}

int repair_quarantined(struct vpm_ctx *ctx, struct strv *repaired, struct strv *dropped)
{
	struct state *st = &ctx->state;
	struct zero_item *items = xcalloc(st->n_q ? st->n_q : 1, sizeof(*items));
	struct zero_item *gone = xcalloc(st->n_q ? st->n_q : 1, sizeof(*gone));
	struct zero_item *left = xcalloc(st->n_q ? st->n_q : 1, sizeof(*left));
	size_t n = 0, n_gone = 0, n_left = 0;
	bool changed = false;
	int r;

	for (size_t i = 0; i < st->n_q; i++) {
		const struct quarantine *q = &st->q[i];

		/* Gone from the host and from the configuration: nothing left to
		 * scrub, and nothing that could be handed out, so nothing to
		 * protect; without this the entry could never be cleared. */
		if (!host_find(&ctx->host, q->name, NULL) && !pool_find(&ctx->pool, q->name)) {
			zero_item_set(ctx, &gone[n_gone++], q->name, q->uuid);
			continue;
		}
		zero_item_set(ctx, &items[n], q->name, q->uuid);
		if (repairable(q, &items[n]))
			n++;
		else
			left[n_left++] = items[n];
	}
	r = scrub_all(ctx, items, n, zero_unlocked(items, n));
	if (r == EXIT_OK) {
		for (size_t i = 0; i < n_gone; i++) {
			struct quarantine *q = same_entry(st, &gone[i]);

			if (!q)
				continue;
			strv_push(dropped, xstrdup(q->name));
			state_remove_quarantine(st, q);
			changed = true;
		}
		changed |= record_scrubs(ctx, items, n, repaired);
		if (changed)
			r = ctx_commit(ctx);
	}
	/* the outcome the state on disk holds */
	for (size_t i = 0; i < dropped->n; i++)
		log_audit("repair namespace=%s outcome=%s", dropped->v[i],
			  r == EXIT_OK ? "dropped" : "failed");
	for (size_t i = 0; i < n; i++)
		if (items[i].scrubbed)
			log_audit("repair namespace=%s outcome=%s", items[i].name,
				  r == EXIT_OK ? "scrubbed" : "failed");
	if (r == EXIT_OK) {
		for (size_t i = 0; i < dropped->n; i++)
			log_info("%s is neither on the host nor configured; its quarantine entry is "
				 "dropped", dropped->v[i]);
		for (size_t i = 0; i < n; i++)
			if (items[i].scrubbed)
				log_info("%s scrubbed (%llu bytes in %.2f s) and back in service",
					 items[i].name, (unsigned long long)items[i].res.bytes,
					 items[i].res.seconds);
		pool_apply_state(&ctx->pool, st);
	} else {
		log_error("the repair is not recorded: what was zeroed stays quarantined; run "
			  "vpmemctl verify --repair again");
		strv_clear(repaired);
		strv_clear(dropped);
	}
	zero_items_free(items, n);
	zero_items_free(gone, n_gone);
	zero_items_free(left, n_left);
	return r == EXIT_OK ? EXIT_OK : EXIT_FAIL;
}
