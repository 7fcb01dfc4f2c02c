/* SPDX-License-Identifier: MIT */
#include "choose.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "domuse.h"
#include "domxml.h"
#include "inuse.h"
#include "log.h"
#include "nsaccess.h"
#include "pmemconf.h"

/* Unknown labels are a mistake in the request, not a shortage to retry. */
int check_labels(const struct vpm_ctx *ctx, const struct strv *labels)
{
	int r = EXIT_OK;

	for (size_t i = 0; i < labels->n; i++) {
		if (pmem_conf_find_label(&ctx->conf, labels->v[i]))
			continue;
		_cleanup_free_ char *known = NULL;
		char **names = xcalloc(ctx->conf.n_labels, sizeof(*names));

		for (size_t k = 0; k < ctx->conf.n_labels; k++)
			names[k] = ctx->conf.labels[k].label;
		known = strv_join(names, ctx->conf.n_labels, ",");
		free(names);
		log_error("unknown label '%s' (configured: %s)", labels->v[i],
			  *known ? known : "none");
		r = EXIT_USAGE;
	}
	return r;
}

static void domain_unreadable(const char *path, const char *why, void *arg)
{
	(void)arg;
	log_warn("domain file %s cannot be read as XML (%s); the devices it names are not "
		 "known", path, why);
}

static bool wanted(const struct pool_ns *p, const struct strv *labels)
{
	for (size_t l = 0; l < labels->n; l++)
		if (streq(p->label->label, labels->v[l]))
			return true;
	return false;
}

static void skip(struct pool_ns *p, enum ns_access a, const char *at, const char *holder)
{
	_cleanup_free_ char *why = access_why(a, p, at, holder);

	log_warn("%s; it is skipped", why);
	p->in_use = true;
}

/* Mark in_use every free namespace of the labels asked that a domain in
 * libvirt_dir other than the instance's own uses. */
static int mark_domains(struct vpm_ctx *ctx, const char *instance, const struct strv *labels)
{
	struct domain_set doms;
	struct ns_devices devs;
	int r;

	if (!ctx->set.libvirt_dir)
		return EXIT_OK;
	ns_devices_build(&devs, ctx);
	r = domain_set_read(&doms, ctx->set.libvirt_dir, &devs, domain_unreadable, NULL);
	/* set, it is meant to be read: a mistyped one must not pass for none */
	if (r < 0) {
		log_error_errno(-r, "cannot read libvirt directory %s (libvirt_dir)",
				ctx->set.libvirt_dir);
		ns_devices_free(&devs);
		return EXIT_FAIL;
	}
	for (size_t i = 0; i < doms.n; i++)
		for (size_t k = 0; k < doms.n_uses[i]; k++) {
			struct pool_ns *p = doms.uses[i][k].ns;

			if (!instance_is_domain(instance, doms.dom[i].name, doms.dom[i].uuid) &&
			    p->state == NS_FREE && !p->in_use && wanted(p, labels))
				skip(p, ACCESS_DOMAIN, doms.uses[i][k].at->path, doms.dom[i].name);
		}
	domain_set_free(&doms);
	ns_devices_free(&devs);
	return EXIT_OK;
}

/* Mark in_use, with a warning naming the holder, every free namespace of the
 * labels asked that a process holds open or mapped, that a domain in
 * libvirt_dir uses, or whose device is not the namespace's: the choice then
 * passes them by. Returns EXIT_FAIL when /proc cannot be read. */
int mark_in_use(struct vpm_ctx *ctx, const char *instance, const struct strv *labels)
{
	struct pool *pool = &ctx->pool;
	_cleanup_free_ struct stat *targets = xcalloc(pool->n ? pool->n : 1, sizeof(*targets));
	_cleanup_free_ size_t *which = xcalloc(pool->n ? pool->n : 1, sizeof(*which));
	struct inuse *users = NULL;
	size_t m = 0;
	int k = mark_domains(ctx, instance, labels);

	if (k != EXIT_OK)
		return k;
	for (size_t i = 0; i < pool->n; i++) {
		struct pool_ns *p = &pool->ns[i];
		_cleanup_close_ int fd = -1;
		char why[160];

		if (p->in_use || p->state != NS_FREE || !p->host || p->media || !p->devpath ||
		    !wanted(p, labels))
			continue;
		/* a device not there yet is not in use; render-xml and the guest say so */
		fd = open(p->devpath, O_PATH | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0 || fstat(fd, &targets[m]) < 0)
			continue;
		if (device_check(&targets[m], p->host->rdev, why, sizeof(why)) < 0) {
			log_warn("namespace %s skipped: %s is not its device (%s)", p->name,
				 p->devpath, why);
			p->in_use = true;
			continue;
		}
		which[m++] = i;
	}
	if (!m)
		return EXIT_OK;
	k = inuse_scan_many("/proc", targets, m, &users);
	if (k < 0) {
		log_error_errno(-k, "cannot tell which namespaces are in use");
		return EXIT_FAIL;
	}
	for (int j = 0; j < k; j++) {
		_cleanup_free_ char *holder = xasprintf("%s by pid %d (%s)", users[j].how,
							(int)users[j].pid, users[j].comm);

		skip(&pool->ns[which[users[j].target]], ACCESS_PROCESS, NULL, holder);
	}
	free(users);
	return EXIT_OK;
}

struct claim make_claim(const char *instance, const struct strv *labels,
			       struct pool_ns **picked)
{
	_cleanup_free_ const char **names = xcalloc(labels->n, sizeof(*names));
	_cleanup_free_ const char **uuids = xcalloc(labels->n, sizeof(*uuids));
	char now[32];

	for (size_t i = 0; i < labels->n; i++) {
		names[i] = picked[i]->name;
		uuids[i] = picked[i]->host->uuid;
	}
	return claim_new(instance, now_rfc3339(now, sizeof(now)), labels->n, names, uuids,
			 (const char *const *)labels->v);
}

int choose_claim(struct vpm_ctx *ctx, const char *instance, const struct strv *labels,
		 int numa_node, struct claim *out)
{
	_cleanup_free_ struct pool_ns **picked = xcalloc(labels->n ? labels->n : 1, sizeof(*picked));
	struct alloc_shortage short_by;
	int r = mark_in_use(ctx, instance, labels);

	if (r != EXIT_OK)
		return r;
	if (claim_alloc(&ctx->pool, labels->v, labels->n, numa_node, picked, &short_by) < 0) {
		char node[48] = "";

		if (numa_node >= 0)
			snprintf(node, sizeof(node), " on NUMA node %d", numa_node);
		log_error("not enough free namespaces for label '%s': asked for %zu, it has %zu, "
			  "%zu free%s and not in use; nothing was claimed", short_by.label,
			  short_by.wanted, short_by.total, short_by.free, node);
		return EXIT_NO_SPACE;
	}
	*out = make_claim(instance, labels, picked);
	pool_record_shutdown(out, &ctx->pool, &ctx->host);
	return EXIT_OK;
}
