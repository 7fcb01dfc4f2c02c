/* SPDX-License-Identifier: MIT */
#include "domuse.h"

#include <stdint.h>
#include <strings.h>
#include <sys/stat.h>

#include "inuse.h"
#include "log.h"
#include "nsaccess.h"
#include "strmap.h"

/* path with "//" and "/./" collapsed and no trailing "/"; malloc'd. */
static char *plain_path(const char *path)
{
	char *s = xstrdup(path), *o = s;

	for (const char *p = path; *p;) {
		if (p[0] == '/' && (p[1] == '/' || (p[1] == '.' && (p[2] == '/' || !p[2])))) {
			p += p[1] == '/' ? 1 : 2;
			continue;
		}
		*o++ = *p++;
	}
	if (o > s + 1 && o[-1] == '/')
		o--;
	*o = '\0';
	return s;
}

static void add_device(struct ns_devices *d, struct pool_ns *p, const struct host_ns *h,
		       const char *dev_dir)
{
	_cleanup_free_ char *joined = NULL;
	struct ns_device *e;

	if (!h->chardev || !chardev_name_valid(h->chardev))
		return;
	joined = path_join(dev_dir, h->chardev);
	d->v = xreallocarray(d->v, d->n + 1, sizeof(*d->v));
	e = &d->v[d->n++];
	*e = (struct ns_device){ .ns = p, .path = plain_path(joined), .rdev = h->rdev };
	e->have_st = stat(e->path, &e->st) == 0;
}

/* uuid -> the configured namespace the state records it for (claims, the
 * namespaces a replace has still to zero, quarantine), into *m. */
static void recorded_uuids(struct strmap *m, const struct state *st, const struct pool *pool)
{
	size_t n = st->n_q;

	for (size_t i = 0; i < st->n_claims; i++)
		n += st->claims[i].n_ns + st->claims[i].n_replacing;
	strmap_init(m, n);
	for (size_t i = 0; i < st->n_claims + st->n_q; i++) {
		const struct claim *c = i < st->n_claims ? &st->claims[i] : NULL;
		size_t k_n = c ? c->n_ns + c->n_replacing : 1;

		for (size_t k = 0; k < k_n; k++) {
			const char *name = c ? (k < c->n_ns ? c->ns[k].name : c->replacing[k - c->n_ns].name)
					     : st->q[i - st->n_claims].name;
			const char *uuid = c ? (k < c->n_ns ? c->ns[k].uuid : c->replacing[k - c->n_ns].uuid)
					     : st->q[i - st->n_claims].uuid;
			size_t at = strmap_get(&pool->by_name, name);

			if (uuid && at != SIZE_MAX && strmap_get(m, uuid) == SIZE_MAX)
				strmap_add(m, uuid, at);
		}
	}
}

void ns_devices_build(struct ns_devices *d, const struct vpm_ctx *ctx)
{
	struct strmap by_uuid = { 0 };

	*d = (struct ns_devices){ 0 };
	if (ctx->state_ok)
		recorded_uuids(&by_uuid, &ctx->state, &ctx->pool);
	for (size_t k = 0; k < ctx->host.n; k++) {
		const struct host_ns *h = &ctx->host.ns[k];
		size_t by_name = h->name ? strmap_get(&ctx->pool.by_name, h->name) : SIZE_MAX;
		size_t by_id = h->uuid ? strmap_get(&by_uuid, h->uuid) : SIZE_MAX;

		if (by_name != SIZE_MAX)
			add_device(d, &ctx->pool.ns[by_name], h, ctx->set.dev_dir);
		/* renamed since the state recorded it */
		if (by_id != SIZE_MAX && by_id != by_name)
			add_device(d, &ctx->pool.ns[by_id], h, ctx->set.dev_dir);
	}
	strmap_free(&by_uuid);
}

void ns_devices_free(struct ns_devices *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->v[i].path);
	free(d->v);
	*d = (struct ns_devices){ 0 };
}

static bool same_file(const struct stat *a, const struct stat *b)
{
	if (S_ISCHR(a->st_mode) && S_ISCHR(b->st_mode) && a->st_rdev == b->st_rdev)
		return true;
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* The index in d of the device path leads to, or -1: the same path once
 * written plainly ("//", "/./" and a trailing "/" do not count), the same
 * character device (major:minor) or the same file (st_dev, st_ino),
 * symbolic links followed. */
static ssize_t match(const struct ns_devices *d, const char *path)
{
	_cleanup_free_ char *plain = plain_path(path);
	struct stat st;

	for (size_t i = 0; i < d->n; i++)
		if (streq(d->v[i].path, plain))
			return (ssize_t)i;
	/* a path that leads nowhere names no device of ours */
	if (!*path || stat(path, &st) < 0)
		return -1;
	for (size_t i = 0; i < d->n; i++) {
		const struct ns_device *e = &d->v[i];

		/* libdaxctl knows the device number even when its node is not there */
		if ((S_ISCHR(st.st_mode) && e->rdev && st.st_rdev == e->rdev) ||
		    (e->have_st && same_file(&st, &e->st)))
			return (ssize_t)i;
	}
	return -1;
}

/* The configured namespace path leads to (match()), or NULL. */
static struct pool_ns *ns_devices_match(const struct ns_devices *d, const char *path)
{
	ssize_t i = match(d, path);

	return i < 0 ? NULL : d->v[i].ns;
}

bool domain_names_host_device(const struct vpm_ctx *ctx, const struct domain_info *di)
{
	struct ns_devices all = { 0 };
	bool found = false;

	for (size_t k = 0; k < ctx->host.n; k++)
		add_device(&all, NULL, &ctx->host.ns[k], ctx->set.dev_dir);
	for (size_t i = 0; i < di->n_paths && !found; i++)
		found = match(&all, di->paths[i].path) >= 0;
	ns_devices_free(&all);
	return found;
}

size_t domain_uses(const struct ns_devices *d, const struct domain_info *di,
		   struct domain_use **uses)
{
	size_t n = 0;

	*uses = NULL;
	for (size_t i = 0; i < di->n_paths; i++) {
		struct pool_ns *p = ns_devices_match(d, di->paths[i].path);
		size_t k = 0;

		if (!p)
			continue;
		while (k < n && (*uses)[k].ns != p)
			k++;
		if (k == n) {
			*uses = xreallocarray(*uses, n + 1, sizeof(**uses));
			(*uses)[n++] = (struct domain_use){ .ns = p, .at = &di->paths[i] };
		}
		(*uses)[k].n_at++;
	}
	return n;
}

int domain_set_read(struct domain_set *s, const char *dir, const struct ns_devices *d,
		    void (*unreadable)(const char *path, const char *why, void *arg), void *arg)
{
	int n = domain_read_dir(dir, &s->dom, unreadable, arg);

	if (n < 0) {
		*s = (struct domain_set){ 0 };
		return n;
	}
	s->n = (size_t)n;
	s->uses = xcalloc(s->n ? s->n : 1, sizeof(*s->uses));
	s->n_uses = xcalloc(s->n ? s->n : 1, sizeof(*s->n_uses));
	for (size_t i = 0; i < s->n; i++)
		s->n_uses[i] = domain_uses(d, &s->dom[i], &s->uses[i]);
	return 0;
}

void domain_set_free(struct domain_set *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->uses[i]);
		domain_info_clear(&s->dom[i]);
	}
	free(s->dom);
	free(s->uses);
	free(s->n_uses);
	*s = (struct domain_set){ 0 };
}

/* Whether two domains are one: the same name, or the same uuid. */
static bool same_domain(const struct domain_info *a, const char *name, const char *uuid)
{
	return (name && *name && streq(a->name, name)) ||
	       (uuid && a->uuid && !strcasecmp(a->uuid, uuid));
}

char *domain_set_users(const struct domain_set *s, const struct pool_ns *p, const char *name,
		       const char *uuid)
{
	char *names = NULL;

	for (size_t i = 0; i < s->n; i++)
		for (size_t k = 0; k < s->n_uses[i]; k++) {
			char *t;

			if (s->uses[i][k].ns != p || same_domain(&s->dom[i], name, uuid))
				continue;
			t = xasprintf("%s%s%s", names ? names : "", names ? ", " : "",
				      s->dom[i].name);
			free(names);
			names = t;
			break;
		}
	return names;
}

int domain_claim_new(const struct vpm_ctx *ctx, const struct ns_devices *devs,
		     const struct domain_set *doms, const struct domain_info *di,
		     const char *instance, struct claim *out, bool *none)
{
	struct domain_use *uses = NULL;
	size_t n = domain_uses(devs, di, &uses);
	_cleanup_free_ const char **names = NULL, **uuids = NULL, **labels = NULL;
	char now[32];
	int r = EXIT_OK;

	*none = !n;
	for (size_t i = 0; i < di->n_nvdimm; i++)
		if (!ns_devices_match(devs, di->paths[i].path))
			log_info("domain %s: nvdimm %s is not a configured namespace; ignored",
				 di->name, *di->paths[i].path ? di->paths[i].path
				 : "(without a source path)");
	for (size_t j = 0; j < n; j++) {
		const struct pool_ns *p = uses[j].ns;
		_cleanup_free_ char *others = domain_set_users(doms, p, di->name, di->uuid);
		_cleanup_free_ char *why = NULL, *both = NULL;
		enum ns_access a = ns_access(p, instance, di->uuid);

		if (uses[j].n_at > 1) {
			log_error("domain %s names namespace %s %zu times; not adopted", di->name,
				  p->name, uses[j].n_at);
			r = r == EXIT_OK ? EXIT_FAIL : r;
			continue;
		}
		/* nobody's claim, and another domain's as much as this one's */
		if (others && a == ACCESS_FREE) {
			both = xasprintf("%s and %s", di->name, others);
			a = ACCESS_TWO_DOMAINS;
		}
		if (a == ACCESS_FREE || a == ACCESS_OWN)
			continue;
		why = access_why(a, p, uses[j].at->path, both);
		log_error("domain %s: %s; not adopted", di->name, why);
		if (r == EXIT_OK || access_exit(a) > r)
			r = access_exit(a);
	}
	if (!n || r != EXIT_OK) {
		free(uses);
		return n ? r : EXIT_FAIL;
	}
	names = xcalloc(n, sizeof(*names));
	uuids = xcalloc(n, sizeof(*uuids));
	labels = xcalloc(n, sizeof(*labels));
	for (size_t j = 0; j < n; j++) {
		names[j] = uses[j].ns->name;
		uuids[j] = uses[j].ns->host->uuid;
		labels[j] = uses[j].ns->label->label;
	}
	*out = claim_new(instance, now_rfc3339(now, sizeof(now)), n, names, uuids, labels);
	pool_record_shutdown(out, &ctx->pool, &ctx->host);
	free(uses);
	return EXIT_OK;
}

char *use_describe(const struct domain_use *u)
{
	_cleanup_free_ char *plain = plain_path(u->at->path);

	if (u->ns->devpath && streq(plain, u->ns->devpath))
		return xasprintf("%s %s", u->at->where, u->at->path);
	return xasprintf("%s %s (%s)", u->at->where, u->at->path,
			 u->ns->devpath ? u->ns->devpath : "its device");
}
