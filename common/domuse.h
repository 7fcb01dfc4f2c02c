/* SPDX-License-Identifier: MIT */
/* Which configured namespaces a libvirt domain uses, and whose a claim is:
 * the one answer the hook, verify, claim and adopt all ask for. */
#ifndef VPM_DOMUSE_H
#define VPM_DOMUSE_H

#include <sys/types.h>

#include "context.h"
#include "domxml.h"

/* One way to reach a configured namespace: the device of a host namespace
 * of its name, or of a uuid the state records for it. */
struct ns_device {
	struct pool_ns *ns;
	char *path;             /* dev_dir/chardev, lexically normal */
	dev_t rdev;             /* from libdaxctl; 0 when unknown */
	struct stat st;         /* of path, when have_st */
	bool have_st;
};

/* Every device that leads to a configured namespace, those the host cannot
 * give included (a name two namespaces carry, one re-created, on bad media,
 * in another mode): each host namespace of a configured name, and each whose
 * uuid the state records for it (a claim, a quarantine). */
struct ns_devices {
	struct ns_device *v;
	size_t n;
};

void ns_devices_build(struct ns_devices *d, const struct vpm_ctx *ctx);
void ns_devices_free(struct ns_devices *d);

/* Whether any path of the domain leads to the device of any namespace of
 * the host, configured or not: one that names none uses no namespace,
 * whatever the state says, and need not wait for it. */
bool domain_names_host_device(const struct vpm_ctx *ctx, const struct domain_info *di);

struct domain_use {
	struct pool_ns *ns;
	const struct domain_path *at;   /* where the domain first names it */
	size_t n_at;                    /* how many of its paths lead to it */
};

/* The configured namespaces the domain uses through any of its paths, each
 * once, in the order the domain first names them (its nvdimm devices
 * first). Returns how many; *uses malloc'd (NULL when none). */
size_t domain_uses(const struct ns_devices *d, const struct domain_info *di,
		   struct domain_use **uses);

/* libvirt's domains (libvirt_dir) and what each uses. */
struct domain_set {
	struct domain_info *dom;
	struct domain_use **uses;
	size_t *n_uses;
	size_t n;
};

/* Read every domain of dir (domain_read_dir) and find what each uses.
 * Returns 0, or a negative errno when dir cannot be read. */
int domain_set_read(struct domain_set *s, const char *dir, const struct ns_devices *d,
		    void (*unreadable)(const char *path, const char *why, void *arg), void *arg);
void domain_set_free(struct domain_set *s);

/* The domains of s, other than the one called name or with that uuid, that
 * use p: their names joined with ", ", malloc'd; NULL when none. */
char *domain_set_users(const struct domain_set *s, const struct pool_ns *p, const char *name,
		       const char *uuid);

/* A claim for instance of the namespaces the domain uses, in the order it
 * names them, as adopt records it: EXIT_OK with *out set, else the exit
 * status of its refusals, the highest (each logged, naming the domain): a namespace
 * it names twice, that another domain of doms uses too, or that
 * ns_access() does not find free or instance's (or the domain's uuid's).
 * *none: it uses no configured namespace at all (EXIT_FAIL, not logged). */
int domain_claim_new(const struct vpm_ctx *ctx, const struct ns_devices *devs,
		     const struct domain_set *doms, const struct domain_info *di,
		     const char *instance, struct claim *out, bool *none);

/* "<memory model='nvdimm'> /dev/dax0.1" or, when the path is not the
 * namespace's own, "<disk> /srv/link (/dev/dax0.1)": for messages. */
char *use_describe(const struct domain_use *u);

#endif
