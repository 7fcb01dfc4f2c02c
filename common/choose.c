/* SPDX-License-Identifier: MIT */
#include "choose.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "domxml.h"
#include "inuse.h"
#include "log.h"
#include "pmemconf.h"

char *join_names(char *const *v, size_t n)
{
	char *s = xstrdup("");

	for (size_t i = 0; i < n; i++) {
		char *t = xasprintf("%s%s%s", s, i ? "," : "", v[i]);

		free(s);
		s = t;
	}
	return s;
}

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
		known = join_names(names, ctx->conf.n_labels);
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

/* Whether a domain in libvirt_dir, other than the instance's own, uses p. */
static const char *domain_holder(const struct domain_info *doms, size_t n, const char *instance,
				 const struct pool_ns *p, const struct stat *target)
{
	for (size_t i = 0; i < n; i++) {
		if (streq(doms[i].name, instance) || streq(doms[i].uuid, instance))
			continue;
		for (size_t k = 0; k < doms[i].n_paths; k++) {
			struct stat st;

			if (streq(doms[i].nvdimm_paths[k], p->devpath) ||
			    (target && stat(doms[i].nvdimm_paths[k], &st) == 0 &&
			     ((S_ISCHR(st.st_mode) && S_ISCHR(target->st_mode) &&
			       st.st_rdev == target->st_rdev) ||
			      (st.st_dev == target->st_dev && st.st_ino == target->st_ino))))
				return doms[i].name;
		}
	}
	return NULL;
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
	_cleanup_free_ bool *present = xcalloc(pool->n ? pool->n : 1, sizeof(*present));
	struct domain_info *doms = NULL;
	struct inuse *users = NULL;
	size_t m = 0, n_doms = 0;
	int k;

	if (ctx->set.libvirt_dir) {
		k = domain_read_dir(ctx->set.libvirt_dir, &doms, domain_unreadable, NULL);
		if (k < 0 && k != -ENOENT) {
			log_error_errno(-k, "cannot read libvirt directory %s (libvirt_dir)",
					ctx->set.libvirt_dir);
			return EXIT_FAIL;
		}
		n_doms = k > 0 ? (size_t)k : 0;
	}
	for (size_t i = 0; i < pool->n; i++) {
		struct pool_ns *p = &pool->ns[i];
		_cleanup_close_ int fd = -1;
		const char *dom;
		char why[160];
		bool wanted = false;

		for (size_t l = 0; l < labels->n && !wanted; l++)
			wanted = streq(p->label->label, labels->v[l]);
		if (!wanted || p->state != NS_FREE || !p->host || p->media || !p->devpath)
			continue;
		/* a device not there yet is not in use; render-xml and the guest say so */
		fd = open(p->devpath, O_PATH | O_CLOEXEC | O_NOFOLLOW);
		if (fd >= 0 && fstat(fd, &targets[m]) == 0) {
			present[i] = true;
			if (device_check(&targets[m], p->host->rdev, why, sizeof(why)) < 0) {
				log_warn("namespace %s skipped: %s is not its device (%s)", p->name,
					 p->devpath, why);
				p->in_use = true;
				continue;
			}
		}
		dom = domain_holder(doms, n_doms, instance, p, present[i] ? &targets[m] : NULL);
		if (dom) {
			log_warn("namespace %s (%s) skipped: domain %s in %s uses it", p->name,
				 p->devpath, dom, ctx->set.libvirt_dir);
			p->in_use = true;
			continue;
		}
		if (present[i])
			which[m++] = i;
	}
	for (size_t i = 0; i < n_doms; i++)
		domain_info_clear(&doms[i]);
	free(doms);
	if (!m)
		return EXIT_OK;
	k = inuse_scan_many("/proc", targets, m, &users);
	if (k < 0) {
		log_error_errno(-k, "cannot tell which namespaces are in use");
		return EXIT_FAIL;
	}
	for (int j = 0; j < k; j++) {
		struct pool_ns *p = &pool->ns[which[users[j].target]];

		log_warn("namespace %s (%s) skipped: %s by pid %d (%s)", p->name, p->devpath,
			 users[j].how, (int)users[j].pid, users[j].comm);
		p->in_use = true;
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
