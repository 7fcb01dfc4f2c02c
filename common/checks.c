/* SPDX-License-Identifier: MIT */
#include "checks.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>

#include "domuse.h"
#include "domxml.h"
#include "inuse.h"
#include "log.h"
#include "nsaccess.h"

void check_context(const struct vpm_ctx *ctx, struct findings *f)
{
	const char *config = ctx->set.config_path ? ctx->set.config_path : DEFAULT_CONFIG;
	const char *host = ctx->set.host_snapshot ? ctx->set.host_snapshot : "libndctl";

	if (!ctx->set.namespaces)
		findings_add(f, SEV_ERROR, "config-unset", config,
			     "pmem_namespaces is not set: put it in the [libvirt] section of %s, or use "
			     "--namespaces or VPMEMCTL_NAMESPACES", config);
	if (!ctx->host_ok)
		findings_add(f, SEV_ERROR, "host-unreadable", host,
			     "the host's namespaces cannot be read (%s)", host);
	if (!ctx->state_ok)
		findings_add(f, SEV_ERROR, "state-unreadable", ctx->store.path ? ctx->store.path
			     : ctx->set.state_dir,
			     "the state in %s cannot be read; repair or move it away, nothing "
			     "will be claimed or released until then", ctx->set.state_dir);
}

void check_sizes(const struct pool *pool, struct findings *f)
{
	/* One pass: the first namespace of each label, by the label's index
	 * (rc[i].label is &conf->labels[i]), and whether it was reported. */
	_cleanup_free_ const struct pool_ns **first = NULL;
	_cleanup_free_ bool *reported = NULL;

	if (!pool->n_rc)
		return;
	first = xcalloc(pool->n_rc, sizeof(*first));
	reported = xcalloc(pool->n_rc, sizeof(*reported));
	for (size_t i = 0; i < pool->n; i++) {
		const struct pool_ns *p = &pool->ns[i];
		size_t r = (size_t)(p->label - pool->rc[0].label);
		char a[32], b[32];

		if (!p->host || reported[r])
			continue;
		if (!first[r]) {
			first[r] = p;
		} else if (p->host->size != first[r]->host->size) {
			findings_add(f, SEV_WARNING, "config-unequal-sizes", p->label->label,
				     "label '%s': namespaces differ in size (%s %s, %s %s); a "
				     "guest gets any of them, so give a label namespaces of one "
				     "size", p->label->label, first[r]->name,
				     format_size(first[r]->host->size, a, sizeof(a)), p->name,
				     format_size(p->host->size, b, sizeof(b)));
			reported[r] = true;
		}
	}
}

void check_devices(const struct pool *pool, struct findings *f)
{
	for (size_t i = 0; i < pool->n; i++) {
		const struct pool_ns *p = &pool->ns[i];
		_cleanup_free_ char *subject = NULL;
		char why[160];
		struct stat st, target;
		int r;

		if (!p->devpath || !p->host)
			continue;
		/* what a scrub would open: the file itself, no symlink followed;
		 * a link is missing when what it names is */
		r = lstat(p->devpath, &st) < 0 ? -errno : 0;
		if (r == 0 && S_ISLNK(st.st_mode) && stat(p->devpath, &target) < 0)
			r = -errno;
		if (r == 0 && device_check(&st, p->host->rdev, why, sizeof(why)) == 0)
			continue;
		subject = xasprintf("%s/%s", p->label->label, p->name);
		if (r == 0)
			findings_add(f, SEV_ERROR, "host-device-not-namespace", subject,
				     "namespace '%s': %s is not its device (%s); it would not be "
				     "scrubbed; point dev_dir at the device-dax nodes", p->name,
				     p->devpath, why);
		else
			findings_add(f, SEV_ERROR, "host-device-missing", subject,
				     "namespace '%s' (%s): device %s: %s; is the device-dax driver "
				     "loaded and the namespace enabled?", p->name, p->host->dev,
				     p->devpath, strerror(-r));
	}
}

/* "claim INSTANCE", formatted on first use: most claims have no finding. */
static const char *claim_subject(char **buf, const char *instance)
{
	if (!*buf)
		*buf = xasprintf("claim %s", instance);
	return *buf;
}

/* A DIMM under a claimed namespace that shut down dirty since the claim
 * recorded its count: what the guest wrote may not all have reached the
 * media. */
static void check_shutdown(const struct vpm_ctx *ctx, const struct claim *c,
			   const struct claim_ns *cn, const struct pool_ns *p, const char *subject,
			   struct findings *f)
{
	for (size_t d = 0; d < p->host->n_dimm; d++) {
		const struct host_dimm *dimm = &ctx->host.dimms[p->host->dimm[d]];
		const struct shutdown_count *was = claim_ns_shutdown(cn, host_dimm_key(dimm));

		/* recorded by name when the host gave the DIMM no id then */
		if (!was && dimm->id)
			was = claim_ns_shutdown(cn, dimm->dev);
		if (!was || !dimm->has_shutdown_count || dimm->shutdown_count <= was->count)
			continue;
		findings_add(f, SEV_ERROR, "media-dirty-shutdown", subject,
			     "namespace '%s' of %s: DIMM %s has shut down dirty %" PRIu64 " time%s "
			     "since it was claimed (count %" PRIu64 ", then %" PRIu64 "): the guest's "
			     "data may be torn; check its file systems, then run vpmemctl verify "
			     "--acknowledge-shutdown %s", cn->name, c->instance, dimm->dev,
			     dimm->shutdown_count - was->count,
			     dimm->shutdown_count - was->count == 1 ? "" : "s",
			     dimm->shutdown_count, was->count, c->instance);
	}
}

/* A DIMM under configured namespaces whose health is no longer ok, or with
 * an alarm tripped, though not (yet) failing: plan its replacement. */
void check_dimms(const struct vpm_ctx *ctx, struct findings *f)
{
	const struct host *h = &ctx->host;

	for (size_t d = 0; d < h->n_dimms; d++) {
		const struct host_dimm *dimm = &h->dimms[d];
		_cleanup_free_ char *names = NULL;
		char alarms[96] = "";
		size_t len = 0;

		if (dimm->alarm_temperature)
			len += (size_t)snprintf(alarms + len, sizeof(alarms) - len, ", media "
						"temperature alarm (check the cooling)");
		if (dimm->alarm_ctrl_temperature && len < sizeof(alarms))
			len += (size_t)snprintf(alarms + len, sizeof(alarms) - len, ", controller "
						"temperature alarm");
		if (dimm->alarm_spares && len < sizeof(alarms))
			snprintf(alarms + len, sizeof(alarms) - len, ", spare blocks alarm");
		if (dimm->health != DIMM_HEALTH_NON_CRITICAL && !alarms[0])
			continue;
		for (size_t i = 0; i < ctx->pool.n; i++) {
			const struct host_ns *ns = ctx->pool.ns[i].host;
			char *t;

			for (size_t k = 0; ns && k < ns->n_dimm; k++) {
				if (ns->dimm[k] != d)
					continue;
				t = xasprintf("%s%s%s", names ? names : "", names ? ", " : "",
					      ctx->pool.ns[i].name);
				free(names);
				names = t;
			}
		}
		if (!names)
			continue;
		findings_add(f, SEV_WARNING, "media-dimm-degraded", dimm->dev,
			     "DIMM %s, under namespaces %s: health %s%s; plan its replacement "
			     "before it fails", dimm->dev, names, dimm_health_name(dimm->health),
			     alarms);
	}
}

void check_claims(const struct vpm_ctx *ctx, struct findings *f)
{
	const struct state *st = &ctx->state;

	for (size_t i = 0; i < st->n_claims; i++) {
		const struct claim *c = &st->claims[i];
		_cleanup_free_ char *subject = NULL;

		if (c->releasing_pid && !process_running(c->releasing_pid, c->releasing_start))
			findings_add(f, SEV_WARNING, "state-release-interrupted",
				     claim_subject(&subject, c->instance),
				     "the release of %s was interrupted (pid %d is gone); run "
				     "vpmemctl release %s again", c->instance, c->releasing_pid,
				     c->instance);
		/* what a replace has still to zero is the instance's too */
		for (size_t k = 0; k < c->n_ns + c->n_replacing; k++) {
			bool pending = k >= c->n_ns;
			const struct claim_ns *cn = pending ? &c->replacing[k - c->n_ns] : &c->ns[k];
			const struct pool_ns *p = pool_find(&ctx->pool, cn->name);

			if (!p) {
				findings_add(f, SEV_ERROR, "state-unknown-namespace",
					     claim_subject(&subject, c->instance),
					     "%s holds namespace '%s', which is no longer configured; "
					     "configure it again, or release the claim", c->instance,
					     cn->name);
				continue;
			}
			if (p->instance && !streq(p->instance, c->instance))
				findings_add(f, SEV_ERROR, "state-double-claim",
					     claim_subject(&subject, c->instance),
					     "namespace '%s' is held by both %s and %s; release one of "
					     "them (and check which guest really uses it)", cn->name,
					     p->instance, c->instance);
			if (pending)
				continue;
			if (p->host && uuid_changed(cn->uuid, p->host->uuid))
				findings_add(f, SEV_ERROR, "state-uuid-changed",
					     claim_subject(&subject, c->instance),
					     "namespace '%s' of %s now has uuid %s, not %s as claimed: it "
					     "was destroyed and re-created, and the guest's data is gone; "
					     "release the claim (vpmemctl release %s --force) and claim "
					     "again", cn->name, c->instance, p->host->uuid, cn->uuid,
					     c->instance);
			if (p->host)
				check_shutdown(ctx, c, cn, p, claim_subject(&subject, c->instance), f);
		}
	}
	for (size_t i = 0; i < st->n_q; i++) {
		const struct quarantine *q = &st->q[i];

		findings_add(f, SEV_WARNING, "state-quarantined", q->name,
			     "namespace '%s' is quarantined since %s (%s) and offered to nobody; fix "
			     "the cause and run vpmemctl verify --repair", q->name,
			     q->since ? q->since : "?", q->reason ? q->reason : "scrub failed");
	}
}

static void domain_unreadable(const char *path, const char *why, void *arg)
{
	findings_add(arg, SEV_WARNING, "libvirt-unreadable", path,
		     "domain file %s cannot be read as XML: %s", path, why);
}

/* What the hook would refuse of one domain's use of a namespace. */
static void check_use(const struct domain_info *di, const struct domain_use *u,
		      const char *others, struct findings *f)
{
	_cleanup_free_ char *subject = xasprintf("domain %s", di->name[0] ? di->name : "(unnamed)");
	_cleanup_free_ char *at = use_describe(u), *why = NULL, *both = NULL;
	enum ns_access a = ns_access(u->ns, di->name, di->uuid);

	/* of no claim, used by two: whose it is is not known (a claim says it) */
	if (others && a == ACCESS_FREE) {
		both = xasprintf("%s and %s", di->name, others);
		why = access_why(ACCESS_TWO_DOMAINS, u->ns, u->at->path, both);
		findings_add(f, SEV_ERROR, "libvirt-shared-device", subject, "domain %s: %s",
			     di->name, why);
	}
	if (a == ACCESS_OWN)
		return;
	if (a == ACCESS_FREE)
		findings_add(f, SEV_ERROR, "libvirt-unclaimed-device", subject,
			     "domain %s uses %s (namespace '%s') without a claim; adopt it "
			     "(vpmemctl adopt %s --domain %s) or remove the device", di->name, at,
			     u->ns->name, di->name, di->file);
	else if (a == ACCESS_CLAIMED)
		findings_add(f, SEV_ERROR, "libvirt-foreign-device", subject,
			     "domain %s uses %s (namespace '%s'), which %s holds; two guests would "
			     "share one namespace", di->name, at, u->ns->name, u->ns->instance);
	else {
		free(why);
		why = access_why(a, u->ns, u->at->path, NULL);
		findings_add(f, SEV_ERROR, "libvirt-unusable-device", subject,
			     "domain %s would not start: %s", di->name, why);
	}
}

int check_libvirt(const struct vpm_ctx *ctx, const char *dir, struct findings *f)
{
	struct domain_set doms;
	struct ns_devices devs;
	int r;

	ns_devices_build(&devs, ctx);
	r = domain_set_read(&doms, dir, &devs, domain_unreadable, f);
	if (r < 0) {
		log_error_errno(-r, "cannot read libvirt directory %s", dir);
		ns_devices_free(&devs);
		return -1;
	}
	for (size_t i = 0; i < doms.n; i++)
		for (size_t k = 0; k < doms.n_uses[i]; k++) {
			_cleanup_free_ char *others = domain_set_users(&doms, doms.uses[i][k].ns,
								       doms.dom[i].name,
								       doms.dom[i].uuid);

			check_use(&doms.dom[i], &doms.uses[i][k], others, f);
		}
	for (size_t i = 0; i < ctx->state.n_claims; i++) {
		const char *inst = ctx->state.claims[i].instance;
		bool found = false;

		for (size_t k = 0; k < doms.n && !found; k++)
			found = instance_is_domain(inst, doms.dom[k].name, doms.dom[k].uuid);
		if (!found) {
			_cleanup_free_ char *subject = xasprintf("claim %s", inst);

			findings_add(f, SEV_WARNING, "libvirt-no-domain", subject,
				     "%s holds a claim but no domain in %s has that name or uuid; "
				     "release it if the guest is gone", inst, dir);
		}
	}
	domain_set_free(&doms);
	ns_devices_free(&devs);
	return 0;
}

static bool findings_has(const struct findings *f, const char *code, const char *subject)
{
	for (size_t i = 0; i < f->n; i++)
		if (streq(f->v[i].code, code) && streq(f->v[i].subject, subject))
			return true;
	return false;
}

int check_thresholds(const struct thresholds *th, const struct vpm_ctx *ctx, struct findings *f,
		     char **why)
{
	size_t free_all = 0;

	for (size_t i = 0; i < ctx->pool.n_rc; i++)
		free_all += ctx->pool.rc[i].free;
	/* critical first: a subject already critical needs no warning too */
	for (int critical = 1; critical >= 0; critical--) {
		const struct threshold *v = critical ? th->crit : th->warn;
		const char *opt = critical ? "--critical-free" : "--warning-free";

		for (size_t i = 0; i < (critical ? th->n_crit : th->n_warn); i++) {
			const struct threshold *t = &v[i];
			const struct pool_rc *rc = t->label ? pool_find_rc(&ctx->pool, t->label) : NULL;
			const char *subject = t->label ? t->label : "all";
			size_t n = t->label ? (rc ? rc->free : 0) : free_all;
			_cleanup_free_ char *what = NULL;

			if (t->label && !rc) {
				*why = xasprintf("%s: no label '%s' is configured", opt, t->label);
				return EXIT_USAGE;
			}
			if (n >= t->below ||
			    (!critical && findings_has(f, "free-below-critical", subject)))
				continue;
			what = xasprintf("%zu namespace%s free%s%s, fewer than %lu (%s %s%s%lu)", n,
					 n == 1 ? "" : "s", t->label ? " under label " : " in all",
					 t->label ? t->label : "", t->below, opt,
					 t->label ? t->label : "", t->label ? ":" : "", t->below);
			if (critical)
				findings_add(f, SEV_ERROR, "free-below-critical", subject, "%s", what);
			else
				findings_add(f, SEV_WARNING, "free-below-warning", subject, "%s", what);
		}
	}
	return EXIT_OK;
}

int acknowledge_check(const struct vpm_ctx *ctx, const struct strv *instances)
{
	for (size_t i = 0; i < instances->n; i++)
		if (!state_find_claim(&ctx->state, instances->v[i])) {
			log_error("--acknowledge-shutdown: instance %s holds no claim",
				  instances->v[i]);
			return EXIT_CONFLICT;
		}
	return EXIT_OK;
}

int acknowledge(struct vpm_ctx *ctx, const struct strv *instances)
{
	for (size_t i = 0; i < instances->n; i++) {
		struct claim *c = state_find_claim(&ctx->state, instances->v[i]);

		/* the counts the host reports now replace those recorded; one it
		 * cannot read now stays as recorded, still watched */
		if (c)
			pool_record_shutdown(c, &ctx->pool, &ctx->host);
	}
	if (ctx_commit(ctx) != EXIT_OK)
		return EXIT_FAIL;
	for (size_t i = 0; i < instances->n; i++)
		log_audit("acknowledge-shutdown instance=%s outcome=recorded", instances->v[i]);
	return EXIT_OK;
}
