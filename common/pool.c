/* SPDX-License-Identifier: MIT */
#include "pool.h"

#include <inttypes.h>
#include <string.h>

#include "inuse.h"
#include "nsaccess.h"
#include "state.h"

const char *ns_state_name(const struct pool_ns *p)
{
	if (p->problem)
		return p->problem;
	if (p->recreated)
		return "recreated";
	if (p->claim && claim_access(p->claim) == ACCESS_RELEASING)
		return "releasing";
	if (p->claim && claim_access(p->claim) == ACCESS_INTERRUPTED)
		return "release-interrupted";
	switch (p->state) {
	case NS_CLAIMED:     return "claimed"; /* its guest's: the counts say the rest */
	case NS_QUARANTINED: return "quarantined";
	default:             return p->media ? p->media : "free";
	}
}

/* ns is the first namespace of the host with that name, count how many
 * carry it: the namespace when it can be used, else NULL, the finding and
 * *why, the problem in a word. */
static const struct host_ns *resolve(const struct pmem_label *l, const char *name,
				     const struct host_ns *ns, size_t count, const char *origin,
				     struct findings *problems, const char **why)
{
	_cleanup_free_ char *subject = NULL;

	*why = NULL;
	subject = xasprintf("%s/%s", l->label, name);
	if (ns && count == 1 && ns->enabled && streq(ns->mode, "devdax") && ns->chardev) {
		if (chardev_name_valid(ns->chardev))
			return ns;
		/* scrubbed through dev_dir/chardev: only a device-dax name may be */
		*why = "bad-device";
		findings_add(problems, SEV_ERROR, "host-bad-chardev", subject,
			     "label '%s', namespace '%s' (%s): character device '%s' is not a "
			     "device-dax name (daxR.N); it is not used", l->label, name, ns->dev,
			     ns->chardev);
		return NULL;
	}
	if (!ns) {
		*why = "missing";
		findings_add(problems, SEV_ERROR, "host-missing", subject,
			     "label '%s', namespace '%s': not found on the host (%s); create it "
			     "(ndctl create-namespace -m devdax -n %s) or remove it from "
			     "pmem_namespaces", l->label, name, origin ? origin : "host",
			     name);
		return NULL;
	}
	if (count > 1) {
		*why = "ambiguous";
		findings_add(problems, SEV_ERROR, "host-ambiguous", subject,
			     "label '%s', namespace '%s': %zu namespaces on the host carry this "
			     "name; rename all but one", l->label, name, count);
		return NULL;
	}
	/* A disabled namespace shows as raw: say disabled, not "not devdax",
	 * whose advice (reconfigure) would erase it. */
	if (!ns->enabled) {
		*why = "disabled";
		findings_add(problems, SEV_ERROR, "host-disabled", subject,
			     "label '%s', namespace '%s' (%s): disabled; enable it (ndctl "
			     "enable-namespace %s)", l->label, name, ns->dev, ns->dev);
		return NULL;
	}
	if (!streq(ns->mode, "devdax")) {
		*why = "wrong-mode";
		findings_add(problems, SEV_ERROR, "host-not-devdax", subject,
			     "label '%s', namespace '%s' (%s): mode is %s, not devdax; reconfigure "
			     "it (ndctl create-namespace -f -e %s -m devdax)", l->label, name, ns->dev,
			     ns->mode, ns->dev);
		return NULL;
	}
	/* what is left: no character device */
	*why = "no-device";
	findings_add(problems, SEV_ERROR, "host-no-chardev", subject,
		     "label '%s', namespace '%s' (%s): no character device", l->label, name,
		     ns->dev);
	return NULL;
}

/* Two namespaces on one device would be given to two guests and each
 * scrubbed for the other: neither is used. twin[i] is another namespace of
 * the host naming host->ns[i]'s character device, or SIZE_MAX. */
static bool shares_chardev(const struct pool_ns *p, const struct host *host,
			   const size_t *twin, struct findings *problems)
{
	size_t k = twin[p->host - host->ns];
	const struct host_ns *o;
	_cleanup_free_ char *subject = NULL;

	if (k == SIZE_MAX)
		return false;
	o = &host->ns[k];
	subject = xasprintf("%s/%s", p->label->label, p->name);
	findings_add(problems, SEV_ERROR, "host-shared-chardev", subject,
		     "label '%s', namespace '%s' (%s) and namespace '%s' (%s) both name "
		     "character device '%s'; neither is used until the host description "
		     "is corrected", p->label->label, p->name, p->host->dev,
		     o->name ? o->name : "(unnamed)", o->dev, o->chardev);
	return true;
}

/* twin[] for shares_chardev(), from one pass over the host's devices. */
static size_t *find_twins(const struct host *host)
{
	struct strmap first = { 0 };
	size_t *twin = xcalloc(host->n ? host->n : 1, sizeof(*twin));

	strmap_init(&first, host->n);
	for (size_t i = 0; i < host->n; i++) {
		const char *cd = host->ns[i].chardev;
		size_t k = cd ? strmap_get(&first, cd) : SIZE_MAX;

		twin[i] = SIZE_MAX;
		if (!cd)
			continue;
		if (k == SIZE_MAX) {
			strmap_add(&first, cd, i);
			continue;
		}
		twin[i] = k;
		if (twin[k] == SIZE_MAX)
			twin[k] = i;
	}
	strmap_free(&first);
	return twin;
}

/* "nmem1 in critical health, nmem2 in fatal health": the failing DIMMs
 * under a namespace. */
static char *failing_dimms(const struct host *host, const struct host_ns *ns)
{
	char *s = NULL;

	for (size_t k = 0; k < ns->n_dimm; k++) {
		const struct host_dimm *d = &host->dimms[ns->dimm[k]];
		char *t;

		if (d->health != DIMM_HEALTH_CRITICAL && d->health != DIMM_HEALTH_FATAL)
			continue;
		t = xasprintf("%s%s%s in %s health", s ? s : "", s ? ", " : "", d->dev,
			      dimm_health_name(d->health));
		free(s);
		s = t;
	}
	return s;
}

/* The media under a usable namespace: a DIMM failing or known bad blocks
 * make it one never to hand out. */
static const char *check_media(const struct pool_ns *p, const struct host *host,
			       struct findings *problems)
{
	const struct host_ns *ns = p->host;
	_cleanup_free_ char *subject = xasprintf("%s/%s", p->label->label, p->name);

	if (ns->health == DIMM_HEALTH_CRITICAL || ns->health == DIMM_HEALTH_FATAL) {
		_cleanup_free_ char *dimms = failing_dimms(host, ns);

		findings_add(problems, SEV_ERROR, "media-dimm-failing", subject,
			     "label '%s', namespace '%s' (%s) is on a failing DIMM (%s); replace "
			     "the DIMM, moving any guest on it first (vpmemctl claim --replace)",
			     p->label->label, p->name, ns->dev, dimms);
		return "dimm-failing";
	}
	if (ns->badblocks_known && ns->badblocks) {
		char first[64] = "";

		if (ns->n_bb)
			snprintf(first, sizeof(first), ", the first at byte %" PRIu64,
				 ns->bb[0].offset * 512);
		findings_add(problems, SEV_ERROR, "media-bad-blocks", subject,
			     "label '%s', namespace '%s' (%s): %" PRIu64 " known bad block%s "
			     "(512-byte sectors)%s; a guest reading there takes a machine check. "
			     "Once no guest needs the data there, clear them (ndctl clear-errors "
			     "%s)", p->label->label, p->name, ns->dev, ns->badblocks,
			     ns->badblocks == 1 ? "" : "s", first, ns->dev);
		return "bad-blocks";
	}
	return NULL;
}

struct pool_ns *pool_find(const struct pool *pool, const char *name)
{
	size_t i = strmap_get(&pool->by_name, name);

	return i == SIZE_MAX ? NULL : &pool->ns[i];
}

void pool_apply_state(struct pool *pool, const struct state *st)
{
	for (size_t i = 0; i < pool->n; i++) {
		pool->ns[i].state = NS_FREE;
		pool->ns[i].instance = NULL;
		pool->ns[i].claim = NULL;
		pool->ns[i].recreated = false;
	}
	for (size_t i = 0; i < st->n_claims; i++) {
		const struct claim *c = &st->claims[i];

		/* what a replace has still to zero stays the instance's until freed */
		for (size_t k = 0; k < c->n_ns + c->n_replacing; k++) {
			const char *name = k < c->n_ns ? c->ns[k].name : c->replacing[k - c->n_ns].name;
			const char *uuid = k < c->n_ns ? c->ns[k].uuid : c->replacing[k - c->n_ns].uuid;
			struct pool_ns *p = pool_find(pool, name);

			if (p && p->state == NS_FREE) {
				p->state = NS_CLAIMED;
				p->instance = c->instance;
				p->claim = c;
				p->recreated = p->host && uuid_changed(uuid, p->host->uuid);
			}
		}
	}
	for (size_t i = 0; i < st->n_q; i++) {
		struct pool_ns *p = pool_find(pool, st->q[i].name);

		if (p) {
			p->state = NS_QUARANTINED;
			p->instance = NULL;
			p->claim = NULL;
		}
	}
	pool_count(pool);
}

size_t pool_build(const struct pmem_conf *conf, const struct host *host,
		  const char *dev_dir, struct pool *pool, struct findings *problems)
{
	size_t total = 0, before = problems->n;
	_cleanup_free_ const struct host_ns **first = NULL;
	_cleanup_free_ size_t *count = NULL, *twin = NULL;

	*pool = (struct pool){ .host = host };
	for (size_t i = 0; i < conf->n_labels; i++)
		total += conf->labels[i].n_names;
	pool->ns = xcalloc(total ? total : 1, sizeof(*pool->ns));
	pool->rc = xcalloc(conf->n_labels ? conf->n_labels : 1, sizeof(*pool->rc));
	for (size_t i = 0; i < conf->n_labels; i++) {
		const struct pmem_label *l = &conf->labels[i];

		pool->rc[pool->n_rc++].label = l;
		for (size_t j = 0; j < l->n_names; j++) {
			struct pool_ns *p = &pool->ns[pool->n++];

			p->name = l->names[j];
			p->label = l;
		}
	}
	/* names are unique: the configuration drops repeats */
	strmap_init(&pool->by_name, pool->n);
	for (size_t i = 0; i < pool->n; i++)
		strmap_add(&pool->by_name, pool->ns[i].name, i);

	/* each namespace of the host to the configured one of its name */
	first = xcalloc(pool->n ? pool->n : 1, sizeof(*first));
	count = xcalloc(pool->n ? pool->n : 1, sizeof(*count));
	for (size_t i = 0; i < host->n; i++) {
		size_t k = host->ns[i].name ? strmap_get(&pool->by_name, host->ns[i].name)
					    : SIZE_MAX;

		if (k != SIZE_MAX && !count[k]++)
			first[k] = &host->ns[i];
	}
	twin = find_twins(host);
	for (size_t i = 0; i < pool->n; i++) {
		struct pool_ns *p = &pool->ns[i];

		p->host = resolve(p->label, p->name, first[i], count[i], host->origin, problems,
				  &p->problem);
		if (p->host && shares_chardev(p, host, twin, problems)) {
			p->host = NULL;
			p->problem = "shared-device";
		}
		if (p->host) {
			p->devpath = path_join(dev_dir, p->host->chardev);
			p->media = check_media(p, host, problems);
		}
		/* not to be used, but its device is known: a domain naming it is
		 * refused, not taken for a device of no namespace */
		else if (first[i] && first[i]->chardev && chardev_name_valid(first[i]->chardev))
			p->devpath = path_join(dev_dir, first[i]->chardev);
	}
	pool_count(pool);
	return problems->n - before;
}

void pool_count(struct pool *pool)
{
	for (size_t i = 0; i < pool->n_rc; i++)
		pool->rc[i].total = pool->rc[i].reserved = pool->rc[i].used = pool->rc[i].free = 0;
	if (!pool->n_rc)
		return;
	/* rc[i].label is &conf->labels[i], so a label pointer gives its index. */
	for (size_t j = 0; j < pool->n; j++) {
		const struct pool_ns *p = &pool->ns[j];
		struct pool_rc *rc = &pool->rc[p->label - pool->rc[0].label];

		rc->total++;
		if (p->state == NS_QUARANTINED ||
		    (p->state == NS_FREE && (!p->host || p->media)))
			rc->reserved++;
		else if (p->state == NS_CLAIMED)
			rc->used++;
		else
			rc->free++;
	}
}

void pool_record_shutdown(struct claim *c, const struct pool *pool, const struct host *host)
{
	for (size_t k = 0; k < c->n_ns; k++) {
		const struct pool_ns *p = pool_find(pool, c->ns[k].name);

		for (size_t d = 0; p && p->host && d < p->host->n_dimm; d++) {
			const struct host_dimm *dimm = &host->dimms[p->host->dimm[d]];

			if (!dimm->has_shutdown_count)
				continue;
			claim_ns_set_shutdown(&c->ns[k], host_dimm_key(dimm),
					      dimm->shutdown_count);
			/* one recorded by name before the host gave an id is replaced */
			if (dimm->id)
				claim_ns_drop_shutdown(&c->ns[k], dimm->dev);
		}
	}
}

bool uuid_changed(const char *was, const char *now)
{
	return was && now && !streq(was, now);
}

const struct pool_rc *pool_find_rc(const struct pool *pool, const char *label)
{
	for (size_t i = 0; i < pool->n_rc; i++)
		if (streq(pool->rc[i].label->label, label))
			return &pool->rc[i];
	return NULL;
}

void pool_free(struct pool *pool)
{
	for (size_t i = 0; i < pool->n; i++)
		free(pool->ns[i].devpath);
	free(pool->ns);
	strmap_free(&pool->by_name);
	free(pool->rc);
	*pool = (struct pool){ 0 };
}
