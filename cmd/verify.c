/* SPDX-License-Identifier: MIT */
/* vpmemctl verify: do configuration, host and state (and libvirt's domains)
 * agree? A health check in the Nagios plugin convention. */
#include <dirent.h>
#include <inttypes.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "cmd.h"
#include "jsonout.h"
#include "domxml.h"
#include "inuse.h"
#include "log.h"
#include "names.h"
#include "scrub.h"
#include "zero.h"

/* The Nagios plugin API's statuses. */
enum { NAGIOS_OK, NAGIOS_WARNING, NAGIOS_CRITICAL, NAGIOS_UNKNOWN };

/* A threshold on free namespaces: of one label, or overall (label NULL). */
struct threshold {
	const char *label;
	unsigned long below;    /* WARNING/CRITICAL when fewer than this are free */
};

struct verify_args {
	struct common_opts *co;
	const char *libvirt_dir;
	bool repair;
	struct strv acknowledge; /* instances whose dirty shutdowns are acknowledged */
	unsigned timeout;       /* seconds, 0: none */
	struct threshold warn[16], crit[16];
	size_t n_warn, n_crit;
	enum out_format format;
};

enum {
	OPT_LIBVIRT_DIR = 0x200, OPT_REPAIR, OPT_TIMEOUT, OPT_WARNING_FREE, OPT_CRITICAL_FREE,
	OPT_ACKNOWLEDGE_SHUTDOWN,
};

static const struct argp_option options[] = {
	{ "libvirt-dir", OPT_LIBVIRT_DIR, "DIR", 0,
	  "Also cross-check the domain XML files in DIR (e.g. /etc/libvirt/qemu)", 0 },
	{ "repair", OPT_REPAIR, NULL, 0,
	  "Retry the scrub of quarantined namespaces; drop entries of those gone from the "
	  "host and the configuration (nothing else is changed)", 0 },
	{ "acknowledge-shutdown", OPT_ACKNOWLEDGE_SHUTDOWN, "INSTANCE", 0,
	  "The guest's data was checked after a dirty shutdown: record its DIMMs' counts as "
	  "they are now (clears media-dirty-shutdown); repeatable", 0 },
	{ "timeout", OPT_TIMEOUT, "SECONDS", 0,
	  "UNKNOWN when the check takes longer than SECONDS (the lock wait included)", 0 },
	{ "warning-free", OPT_WARNING_FREE, "[LABEL:]N", 0,
	  "WARNING when fewer than N namespaces are free (of LABEL, or in all); repeatable", 0 },
	{ "critical-free", OPT_CRITICAL_FREE, "[LABEL:]N", 0,
	  "CRITICAL when fewer than N namespaces are free (of LABEL, or in all); repeatable", 0 },
	{ 0 }
};

/* A usage error of a monitoring plugin is UNKNOWN, with a status line on
 * stdout. While the options are parsed, stderr (where getopt and argp write)
 * is a stream that passes everything on and keeps the first line that is
 * not argp's "Try ..." hint; if parsing exits, that line is the status. */
static struct {
	FILE *real;
	char line[512];
	size_t len;
	bool done, parsed;
} usage;

static ssize_t usage_write(void *cookie, const char *buf, size_t size)
{
	(void)cookie;
	fwrite(buf, 1, size, usage.real);
	for (size_t i = 0; i < size && !usage.done; i++) {
		if (buf[i] != '\n') {
			if (usage.len < sizeof(usage.line) - 1)
				usage.line[usage.len++] = buf[i];
			continue;
		}
		usage.line[usage.len] = '\0';
		if (strncmp(usage.line, "Try `", 5) != 0)
			usage.done = true;
		else if (!usage.line[0] || !usage.done)
			usage.len = 0;
	}
	return (ssize_t)size;
}

static void usage_status(int status, void *arg)
{
	(void)arg;
	if (!usage.parsed && status != 0)
		printf("VPMEMCTL UNKNOWN - %s\n", usage.done ? usage.line : "usage error");
}

/* --warning-free/--critical-free [LABEL:]N */
static void parse_threshold(struct argp_state *state, const char *opt, const char *arg,
			    struct threshold *v, size_t *n)
{
	const char *colon = strrchr(arg, ':'), *num = colon ? colon + 1 : arg;
	char *end;
	unsigned long below;

	errno = 0;
	below = strtoul(num, &end, 10);
	if (!*num || *end || errno || *num == '-' || (colon && colon == arg))
		argp_error(state, "%s: '%s' is not [LABEL:]N with N a number of namespaces", opt,
			   arg);
	else if (*n == 16)
		argp_error(state, "%s: at most 16 thresholds", opt);
	else
		v[(*n)++] = (struct threshold){ colon ? xstrndup(arg, (size_t)(colon - arg)) : NULL,
						below };
}

static error_t parse(int key, char *arg, struct argp_state *state)
{
	struct verify_args *a = state->input;

	switch (key) {
	case ARGP_KEY_INIT:
		common_child_init(state, a->co);
		break;
	case OPT_LIBVIRT_DIR: a->libvirt_dir = arg; break;
	case OPT_REPAIR: a->repair = true; break;
	case OPT_ACKNOWLEDGE_SHUTDOWN:
		if (!instance_valid(arg))
			argp_error(state, "--acknowledge-shutdown: '%s' is not an instance name", arg);
		strv_push(&a->acknowledge, xstrdup(arg));
		break;
	case OPT_TIMEOUT: {
		char *end;
		unsigned long t;

		errno = 0;
		t = strtoul(arg, &end, 10);
		if (!*arg || *end || errno || *arg == '-' || t == 0 || t > 86400)
			argp_error(state, "--timeout: '%s' is not a number of seconds from 1 to 86400",
				   arg);
		a->timeout = (unsigned)t;
		break;
	}
	case OPT_WARNING_FREE:
		parse_threshold(state, "--warning-free", arg, a->warn, &a->n_warn);
		break;
	case OPT_CRITICAL_FREE:
		parse_threshold(state, "--critical-free", arg, a->crit, &a->n_crit);
		break;
	case ARGP_KEY_ARG:
		argp_error(state, "unexpected argument '%s'", arg);
		break;
	case ARGP_KEY_END:
		a->format = common_check(state, a->co, FMT_TABLE | FMT_JSON);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp argp = {
	options, parse, NULL,
	"Check configuration, host and state against each other and report every finding "
	"with a severity. Exit status as a Nagios plugin: 0 OK, 1 WARNING, 2 CRITICAL, "
	"3 UNKNOWN.",
	common_children, NULL, NULL
};

/* ---- the checks ------------------------------------------------------- */

static void check_sizes(const struct pool *pool, struct findings *f)
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

static void check_devices(const struct pool *pool, struct findings *f)
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
static void check_dimms(const struct vpm_ctx *ctx, struct findings *f)
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

/* Whether every instance to acknowledge holds a claim (else logged). */
static int acknowledge_check(const struct vpm_ctx *ctx, const struct strv *instances)
{
	for (size_t i = 0; i < instances->n; i++)
		if (!state_find_claim(&ctx->state, instances->v[i])) {
			log_error("--acknowledge-shutdown: instance %s holds no claim",
				  instances->v[i]);
			return EXIT_CONFLICT;
		}
	return EXIT_OK;
}

/* --acknowledge-shutdown, once acknowledge_check() passed: the
 * administrator checked the guests' data. */
static int acknowledge(struct vpm_ctx *ctx, const struct strv *instances)
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

static void check_claims(const struct vpm_ctx *ctx, struct findings *f)
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
			if (p->host && cn->uuid && p->host->uuid && !streq(cn->uuid, p->host->uuid))
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

static const struct pool_ns *by_devpath(const struct pool *pool, const char *path)
{
	for (size_t i = 0; i < pool->n; i++)
		if (streq(pool->ns[i].devpath, path))
			return &pool->ns[i];
	return NULL;
}

static void domain_unreadable(const char *path, const char *why, void *arg)
{
	findings_add(arg, SEV_WARNING, "libvirt-unreadable", path,
		     "domain file %s cannot be read as XML: %s", path, why);
}

/* Returns -1 when DIR cannot be read: verify cannot tell, UNKNOWN. */
static int check_libvirt(const struct vpm_ctx *ctx, const char *dir, struct findings *f)
{
	struct domain_info *doms = NULL;
	int got = domain_read_dir(dir, &doms, domain_unreadable, f);
	size_t n_doms;

	if (got < 0) {
		log_error_errno(-got, "cannot read libvirt directory %s", dir);
		return -1;
	}
	n_doms = (size_t)got;

	for (size_t i = 0; i < n_doms; i++) {
		const struct domain_info *di = &doms[i];

		for (size_t k = 0; k < di->n_paths; k++) {
			const struct pool_ns *p = by_devpath(&ctx->pool, di->nvdimm_paths[k]);
			_cleanup_free_ char *subject = xasprintf("domain %s", di->name[0] ? di->name
								 : "(unnamed)");

			if (!p || streq(p->instance, di->name) ||
			    (di->uuid && streq(p->instance, di->uuid)))
				continue;
			if (p->instance)
				findings_add(f, SEV_ERROR, "libvirt-foreign-device", subject,
					     "domain %s uses %s (namespace '%s'), which %s holds; two "
					     "guests would share one namespace", di->name, p->devpath,
					     p->name, p->instance);
			else
				findings_add(f, SEV_ERROR, "libvirt-unclaimed-device", subject,
					     "domain %s uses %s (namespace '%s') without a claim; adopt "
					     "it (vpmemctl adopt %s --domain %s/%s.xml) or remove the "
					     "device", di->name, p->devpath, p->name, di->name, dir,
					     di->name);
		}
	}
	for (size_t i = 0; i < ctx->state.n_claims; i++) {
		const char *inst = ctx->state.claims[i].instance;
		bool found = false;

		for (size_t k = 0; k < n_doms && !found; k++)
			found = streq(doms[k].name, inst) || streq(doms[k].uuid, inst);
		if (!found) {
			_cleanup_free_ char *subject = xasprintf("claim %s", inst);

			findings_add(f, SEV_WARNING, "libvirt-no-domain", subject,
				     "%s holds a claim but no domain in %s has that name or uuid; "
				     "release it if the guest is gone", inst, dir);
		}
	}
	for (size_t i = 0; i < n_doms; i++)
		domain_info_clear(&doms[i]);
	free(doms);
	return 0;
}

/* ---- repair --------------------------------------------------------- */

static int repair(struct vpm_ctx *ctx, struct strv *repaired, struct strv *dropped)
{
	struct state *st = &ctx->state;
	bool changed = false;

	for (size_t i = 0; i < st->n_q;) {
		struct quarantine *q = &st->q[i];
		const char *why;
		const struct host_ns *h = pool_scrub_host(&ctx->pool, &ctx->host, q->name, &why);
		_cleanup_free_ char *devpath = h && h->chardev ? path_join(ctx->set.dev_dir, h->chardev)
							      : NULL;
		struct scrub_result res;

		/* Gone from the host and from the configuration: nothing left to
		 * scrub, and nothing that could be handed out, so nothing to
		 * protect; without this the entry could never be cleared. */
		if (!host_find(&ctx->host, q->name, NULL) && !pool_find(&ctx->pool, q->name)) {
			log_info("%s is neither on the host nor configured; its quarantine entry is "
				 "dropped", q->name);
			log_audit("repair namespace=%s outcome=dropped", q->name);
			strv_push(dropped, xstrdup(q->name));
			state_remove_quarantine(st, q);
			changed = true;
			continue;
		}
		if (!devpath) {
			log_warn("cannot repair %s: the host gives no device to zero it through (%s)",
				 q->name, why ? why : "no device");
			i++;
			continue;
		}
		/* Re-created under the same name since it was quarantined: not the
		 * namespace whose scrub failed; left for the administrator. */
		if (q->uuid && h->uuid && !streq(q->uuid, h->uuid)) {
			log_warn("cannot repair %s: it was re-created since it was quarantined (uuid "
				 "%s, quarantined as %s); it stays quarantined", q->name, h->uuid,
				 q->uuid);
			i++;
			continue;
		}
		/* zeroing over known bad blocks fails again: they go first */
		if (h->badblocks_known && h->badblocks) {
			log_warn("cannot repair %s: it has %" PRIu64 " known bad block%s; clear them "
				 "first (ndctl clear-errors %s)", q->name, h->badblocks,
				 h->badblocks == 1 ? "" : "s", h->dev);
			i++;
			continue;
		}
		if (inuse_refuse(q->name, devpath)) {
			log_warn("%s stays quarantined while it is in use", q->name);
			i++;
			continue;
		}
		/* Holders are looked for again once the device is open and between
		 * its chunks. */
		struct inuse_check rc = { .name = q->name, .devpath = devpath };

		if (scrub_namespace(q->name, devpath, h->rdev, h->size, h->align, h->numa_node,
				    0, inuse_check_unused, &rc, &res) < 0) {
			if (rc.busy) {
				log_warn("%s stays quarantined while it is in use", q->name);
				i++;
				continue;
			}
			log_warn("scrub of %s failed again: %s", q->name, res.error);
			free(q->reason);
			q->reason = xstrdup(res.error);
			changed = true;
			i++;
			continue;
		}
		log_info("%s scrubbed (%llu bytes in %.2f s) and back in service", q->name,
			 (unsigned long long)res.bytes, res.seconds);
		log_audit("repair namespace=%s outcome=scrubbed", q->name);
		strv_push(repaired, xstrdup(q->name));
		state_remove_quarantine(st, q);
		changed = true;
	}
	if (!changed)
		return EXIT_OK;
	if (ctx_commit(ctx) != EXIT_OK)
		return EXIT_FAIL;
	pool_apply_state(&ctx->pool, st);
	return EXIT_OK;
}

/* ---- output --------------------------------------------------------- */

static const char *const status_name[] = { "OK", "WARNING", "CRITICAL", "UNKNOWN" };

/* The finding a one-line status should quote: the first error, else the
 * first warning. */
static const struct finding *worst(const struct findings *f)
{
	for (size_t i = 0; i < f->n; i++)
		if (f->v[i].severity == SEV_ERROR)
			return &f->v[i];
	return f->n ? &f->v[0] : NULL;
}

/* What the Monitoring Plugins guidelines call a threshold range: "N:"
 * alerts when the value is below N. Empty without a threshold. */
static const char *range(const struct threshold *v, size_t n, const char *label, char *buf,
			 size_t size)
{
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++)
		if ((!label && !v[i].label) || (label && v[i].label && streq(label, v[i].label)))
			snprintf(buf, size, "%lu:", v[i].below);
	return buf;
}

/* A perfdata label as the guidelines write it: in single quotes unless
 * plain (a space, '=' or a quote must be), a quote inside doubled. */
static char *perf_label(const char *prefix, const char *label)
{
	char *buf = NULL;
	size_t len = 0;
	bool plain = true;
	FILE *f;

	for (const char *c = label; *c && plain; c++)
		plain = (*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') ||
			(*c >= '0' && *c <= '9') || *c == '_' || *c == '.' || *c == '-';
	if (plain)
		return xasprintf("%s%s", prefix, label);
	f = open_memstream(&buf, &len);
	if (!f)
		oom();
	fprintf(f, "'%s", prefix);
	for (const char *c = label; *c; c++) {
		if (*c == '\'')
			fputc('\'', f);
		fputc(*c, f);
	}
	fputc('\'', f);
	if (fclose(f) != 0)
		oom();
	return buf;
}

/* 'label'=value;warn;crit;min;max for what could be read, never a zero for
 * what could not: the claims need the state, the free and quarantined
 * counts the host as well. */
static char *perfdata(const struct verify_args *a, const struct vpm_ctx *ctx)
{
	char *buf = NULL, w[32], c[32];
	size_t len = 0, free_all = 0, quarantined = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		oom();
	fprintf(f, "namespaces=%zu;;;0", ctx->pool.n);
	if (ctx->state_ok)
		fprintf(f, " claims=%zu;;;0", ctx->state.n_claims);
	if (ctx->state_ok && ctx->host_ok) {
		for (size_t i = 0; i < ctx->pool.n_rc; i++)
			free_all += ctx->pool.rc[i].free;
		for (size_t i = 0; i < ctx->pool.n; i++)
			quarantined += ctx->pool.ns[i].state == NS_QUARANTINED;
		fprintf(f, " free=%zu;%s;%s;0;%zu", free_all,
			range(a->warn, a->n_warn, NULL, w, sizeof(w)),
			range(a->crit, a->n_crit, NULL, c, sizeof(c)), ctx->pool.n);
		for (size_t i = 0; i < ctx->pool.n_rc; i++) {
			const struct pool_rc *rc = &ctx->pool.rc[i];
			_cleanup_free_ char *name = perf_label("free_", rc->label->label);

			fprintf(f, " %s=%zu;%s;%s;0;%zu", name, rc->free,
				range(a->warn, a->n_warn, rc->label->label, w, sizeof(w)),
				range(a->crit, a->n_crit, rc->label->label, c, sizeof(c)), rc->total);
		}
		fprintf(f, " quarantined=%zu;;;0;%zu", quarantined, ctx->pool.n);
	}
	if (fclose(f) != 0)
		oom();
	return buf;
}

static char *summary(int status, const struct verify_args *a, const struct vpm_ctx *ctx,
		     const struct findings *f)
{
	const struct finding *w = worst(f);
	_cleanup_free_ char *quoted = xstrdup(w ? w->message : "");
	_cleanup_free_ char *perf = perfdata(a, ctx);
	size_t errors = findings_count(f, SEV_ERROR), warnings = findings_count(f, SEV_WARNING);

	/* Nagios takes everything after the first '|' for performance data. */
	for (char *p = quoted; *p; p++)
		if (*p == '|')
			*p = '/';
	if (status == NAGIOS_OK)
		return xasprintf("VPMEMCTL OK - %zu namespace%s, %zu claim%s | %s", ctx->pool.n,
				 ctx->pool.n == 1 ? "" : "s", ctx->state.n_claims,
				 ctx->state.n_claims == 1 ? "" : "s", perf);
	return xasprintf("VPMEMCTL %s - %zu error%s, %zu warning%s: %s | %s",
			 status_name[status], errors, errors == 1 ? "" : "s", warnings,
			 warnings == 1 ? "" : "s", quoted, perf);
}

static bool findings_has(const struct findings *f, const char *code, const char *subject)
{
	for (size_t i = 0; i < f->n; i++)
		if (streq(f->v[i].code, code) && streq(f->v[i].subject, subject))
			return true;
	return false;
}

/* --warning-free and --critical-free as findings. EXIT_USAGE with *why
 * (malloc'd) for a threshold on a label that is not configured. */
static int check_thresholds(const struct verify_args *a, const struct vpm_ctx *ctx,
			    struct findings *f, char **why)
{
	size_t free_all = 0;

	for (size_t i = 0; i < ctx->pool.n_rc; i++)
		free_all += ctx->pool.rc[i].free;
	/* critical first: a subject already critical needs no warning too */
	for (int critical = 1; critical >= 0; critical--) {
		const struct threshold *v = critical ? a->crit : a->warn;
		const char *opt = critical ? "--critical-free" : "--warning-free";

		for (size_t i = 0; i < (critical ? a->n_crit : a->n_warn); i++) {
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

static int emit(const struct verify_args *a, int status, const struct vpm_ctx *ctx,
		const struct findings *f, const struct strv *repaired, const struct strv *dropped)
{
	_cleanup_free_ char *line = summary(status, a, ctx, f);

	if (a->format == FMT_JSON) {
		static const char *const lower[] = { "ok", "warning", "critical", "unknown" };
		struct jw w;

		jw_init(&w, json_pretty(), 1024 + 512 * f->n);
		jw_object(&w, NULL);
		jw_str(&w, "status", lower[status]);
		jw_str(&w, "summary", line);
		jw_u64(&w, "namespaces", ctx->pool.n);
		if (ctx->state_ok)
			jw_u64(&w, "claims", ctx->state.n_claims);
		else
			jw_null(&w, "claims");
		jw_array(&w, "findings");
		for (size_t i = 0; i < f->n; i++) {
			jw_object(&w, NULL);
			jw_str(&w, "severity", severity_name(f->v[i].severity));
			jw_str(&w, "code", f->v[i].code);
			jw_str(&w, "subject", f->v[i].subject);
			jw_str(&w, "message", f->v[i].message);
			jw_end(&w);
		}
		jw_end(&w);
		jw_array(&w, "repaired");
		for (size_t i = 0; i < repaired->n; i++)
			jw_str(&w, NULL, repaired->v[i]);
		jw_end(&w);
		jw_array(&w, "dropped");
		for (size_t i = 0; i < dropped->n; i++)
			jw_str(&w, NULL, dropped->v[i]);
		jw_end(&w);
		jw_end(&w);
		return jw_emit(&w);
	}
	/* -q: nothing at all when all is well, for cron. */
	if (status == NAGIOS_OK && a->co->verbosity < 0 && !repaired->n && !dropped->n)
		return 0;
	puts(line);
	for (size_t i = 0; i < repaired->n; i++)
		printf("repaired: %s scrubbed and back in service\n", repaired->v[i]);
	for (size_t i = 0; i < dropped->n; i++)
		printf("dropped: %s quarantine entry (neither on the host nor configured)\n",
		       dropped->v[i]);
	if (f->n) {
		static const char *const headers[] = { "SEVERITY", "CODE", "SUBJECT", "MESSAGE" };
		struct table *t = table_new(ARRAY_SIZE(headers), headers);

		for (size_t i = 0; i < f->n; i++)
			table_add(t, severity_name(f->v[i].severity), f->v[i].code, f->v[i].subject,
				  f->v[i].message);
		table_print(t, stdout);
		table_free(t);
	}
	return fflush(stdout) == EOF ? -EIO : 0;
}

/* Verify could not tell: the UNKNOWN line, or a JSON document saying so. */
static int unknown(const struct verify_args *a, const char *why)
{
	_cleanup_free_ char *line = xasprintf("VPMEMCTL UNKNOWN - %s", why);

	if (a->format == FMT_JSON) {
		struct jw w;

		jw_init(&w, json_pretty(), 512);
		jw_object(&w, NULL);
		jw_str(&w, "status", "unknown");
		jw_str(&w, "summary", line);
		jw_array(&w, "findings");
		jw_end(&w);
		jw_array(&w, "repaired");
		jw_end(&w);
		jw_array(&w, "dropped");
		jw_end(&w);
		jw_end(&w);
		(void)jw_emit(&w);
	} else {
		puts(line);
	}
	return NAGIOS_UNKNOWN;
}

/* --timeout: what is printed when the time is up, made before it starts. */
static char timeout_text[512];
static size_t timeout_len;

static void timed_out(int sig)
{
	(void)sig;
	(void)!write(STDOUT_FILENO, timeout_text, timeout_len);
	_exit(NAGIOS_UNKNOWN);
}

/* Anything not yet committed stays as it was: the state is replaced
 * atomically, and a quarantined namespace whose repair is cut short stays
 * quarantined. */
static void arm_timeout(const struct verify_args *a)
{
	struct sigaction sa = { .sa_handler = timed_out };
	int n;

	if (a->format == FMT_JSON)
		n = snprintf(timeout_text, sizeof(timeout_text),
			     "{\"status\":\"unknown\",\"summary\":\"VPMEMCTL UNKNOWN - timed out "
			     "after %u s (--timeout)\",\"findings\":[],\"repaired\":[],"
			     "\"dropped\":[]}\n", a->timeout);
	else
		n = snprintf(timeout_text, sizeof(timeout_text),
			     "VPMEMCTL UNKNOWN - timed out after %u s (--timeout)\n", a->timeout);
	timeout_len = (size_t)n;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	alarm(a->timeout);
}

int cmd_verify(int argc, char **argv, struct common_opts *co)
{
	struct verify_args a = { .co = co };
	struct findings f = { 0 };
	struct strv repaired = { 0 }, dropped = { 0 };
	struct vpm_ctx ctx;
	int r, status;

	argp_err_exit_status = NAGIOS_UNKNOWN;
	usage.real = stderr;
	stderr = fopencookie(NULL, "w", (cookie_io_functions_t){ .write = usage_write });
	if (!stderr)
		stderr = usage.real;
	setvbuf(stderr, NULL, _IONBF, 0);
	on_exit(usage_status, NULL);
	argp_parse(&argp, argc, argv, 0, NULL, &a);
	usage.parsed = true;
	if (stderr != usage.real) {
		fclose(stderr);
		stderr = usage.real;
	}
	if (a.timeout)
		arm_timeout(&a);
	r = ctx_load(&ctx, co, a.repair || a.acknowledge.n ? CTX_CHANGE : CTX_READ, &f);
	if (r != EXIT_OK) {
		status = unknown(&a, r == EXIT_LOCKED ? "the state lock was not taken in time"
					       : "the settings cannot be read");
		goto out;
	}
	if (!ctx.set.namespaces)
		findings_add(&f, SEV_ERROR, "config-unset", ctx.set.config_path ? ctx.set.config_path
								: DEFAULT_CONFIG,
			     "pmem_namespaces is not set: put it in the [libvirt] section of %s, or use "
			     "--namespaces or VPMEMCTL_NAMESPACES",
			     ctx.set.config_path ? ctx.set.config_path : DEFAULT_CONFIG);
	if (!ctx.host_ok)
		findings_add(&f, SEV_ERROR, "host-unreadable", ctx.set.host_snapshot ?
			     ctx.set.host_snapshot : "libndctl",
			     "the host's namespaces cannot be read (%s)", ctx.set.host_snapshot ?
			     ctx.set.host_snapshot : "libndctl");
	if (!ctx.state_ok)
		findings_add(&f, SEV_ERROR, "state-unreadable", ctx.store.path ? ctx.store.path
			     : ctx.set.state_dir,
			     "the state in %s cannot be read; repair or move it away, nothing "
			     "will be claimed or released until then", ctx.set.state_dir);
	/* an acknowledgement that cannot be made changes nothing, repairs
	 * included: refused before any of them */
	if (a.acknowledge.n) {
		if (!ctx.state_ok || !ctx.host_ok) {
			status = unknown(&a, "the shutdown counts cannot be acknowledged: the host "
				      "or the state cannot be read");
			goto out;
		}
		if (acknowledge_check(&ctx, &a.acknowledge) != EXIT_OK) {
			status = unknown(&a, "the shutdown counts could not be acknowledged");
			goto out;
		}
	}
	if (a.repair && ctx.state_ok && ctx.host_ok && repair(&ctx, &repaired, &dropped) != EXIT_OK) {
		status = unknown(&a, "the repaired state could not be written");
		goto out;
	}
	if (a.acknowledge.n) {
		if (acknowledge(&ctx, &a.acknowledge) != EXIT_OK) {
			status = unknown(&a, "the shutdown counts could not be acknowledged");
			goto out;
		}
	}
	if (ctx.host_ok) {
		check_sizes(&ctx.pool, &f);
		check_devices(&ctx.pool, &f);
		check_dimms(&ctx, &f);
	}
	if (ctx.state_ok && ctx.host_ok)
		check_claims(&ctx, &f);
	log_debug("checks done at %.1f ms", log_elapsed_ms());
	if (a.libvirt_dir && ctx.state_ok && ctx.host_ok && check_libvirt(&ctx, a.libvirt_dir, &f) < 0) {
		_cleanup_free_ char *why = xasprintf("cannot read %s", a.libvirt_dir);

		status = unknown(&a, why);
		goto out;
	}
	if (ctx.state_ok && ctx.host_ok) {
		_cleanup_free_ char *why = NULL;

		if (check_thresholds(&a, &ctx, &f, &why) != EXIT_OK) {
			status = unknown(&a, why);
			goto out;
		}
	}
	status = findings_count(&f, SEV_ERROR) ? NAGIOS_CRITICAL
	       : findings_count(&f, SEV_WARNING) ? NAGIOS_WARNING : NAGIOS_OK;
	alarm(0); /* from here on, one status line */
	if (emit(&a, status, &ctx, &f, &repaired, &dropped) < 0)
		status = NAGIOS_UNKNOWN;
out:
	alarm(0);
	for (size_t i = 0; i < a.n_warn; i++)
		free((char *)a.warn[i].label);
	for (size_t i = 0; i < a.n_crit; i++)
		free((char *)a.crit[i].label);
	strv_clear(&repaired);
	strv_clear(&dropped);
	strv_clear(&a.acknowledge);
	findings_clear(&f);
	ctx_close(&ctx);
	return status;
}
