/* SPDX-License-Identifier: MIT */
/* What verify checks: configuration, host and state against each other (and
 * libvirt's domains), each problem a finding with a stable code. A check
 * adds to f and changes nothing; the hook asks some of the same questions. */
#ifndef VPM_CHECKS_H
#define VPM_CHECKS_H

#include "context.h"
#include "findings.h"

/* --warning-free and --critical-free: WARNING or CRITICAL when fewer than
 * below namespaces are free, of one label or overall (label NULL). */
#define THRESHOLDS_MAX 16

struct threshold {
	const char *label;
	unsigned long below;
};

struct thresholds {
	struct threshold warn[THRESHOLDS_MAX], crit[THRESHOLDS_MAX];
	size_t n_warn, n_crit;
};

/* What ctx_load could not read: pmem_namespaces unset, host, state. */
void check_context(const struct vpm_ctx *ctx, struct findings *f);

/* Namespaces of one label that differ in size. */
void check_sizes(const struct pool *pool, struct findings *f);

/* Device paths missing, or not the namespace's device. */
void check_devices(const struct pool *pool, struct findings *f);

/* DIMMs under configured namespaces that are degraded or raise alarms. */
void check_dimms(const struct vpm_ctx *ctx, struct findings *f);

/* Claims against the pool (interrupted releases, namespaces no longer
 * configured or held twice, re-created, dirty shutdowns since the claim)
 * and quarantined namespaces. Needs host and state. */
void check_claims(const struct vpm_ctx *ctx, struct findings *f);

/* The domain XML files in dir against the claims. Returns -1 when dir
 * cannot be read (logged): verify cannot tell. */
int check_libvirt(const struct vpm_ctx *ctx, const char *dir, struct findings *f);

/* The thresholds on free namespaces as findings (no warning where the
 * subject is critical already). EXIT_USAGE with *why (malloc'd) for a
 * threshold on a label that is not configured, else EXIT_OK. */
int check_thresholds(const struct thresholds *t, const struct vpm_ctx *ctx, struct findings *f,
		     char **why);

/* --acknowledge-shutdown, which clears media-dirty-shutdown: whether every
 * instance holds a claim (EXIT_CONFLICT, logged, if not), to be asked
 * before anything changes; then, the administrator having checked the
 * guests' data, record their DIMMs' shutdown counts as they are now and
 * commit (EXIT_FAIL, logged, when the commit fails; audited after it). */
int acknowledge_check(const struct vpm_ctx *ctx, const struct strv *instances);
int acknowledge(struct vpm_ctx *ctx, const struct strv *instances);

#endif
