/* SPDX-License-Identifier: MIT */
/* Choosing the namespaces of a new claim, as `vpmemctl claim` does: shared by
 * claim and the libvirt hook. */
#ifndef VPM_CHOOSE_H
#define VPM_CHOOSE_H

#include "context.h"
#include "state.h"
#include "util.h"

/* EXIT_USAGE, with an error naming the configured labels, when a label is
 * not configured (a mistake in the request, not a shortage to retry). */
int check_labels(const struct vpm_ctx *ctx, const struct strv *labels);

/* Mark in_use, with a warning naming the holder, every free namespace of the
 * labels asked that a process holds open or mapped, that a domain in
 * libvirt_dir other than instance's uses, or whose device is not the
 * namespace's: the choice then passes them by. EXIT_FAIL when /proc or
 * libvirt_dir cannot be read. */
int mark_in_use(struct vpm_ctx *ctx, const char *instance, const struct strv *labels);

/* A claim of picked[i] for labels->v[i], made now. */
struct claim make_claim(const char *instance, const struct strv *labels,
			struct pool_ns **picked);

/* mark_in_use(), then one free namespace per label (numa_node < 0: any):
 * EXIT_OK with *out set, EXIT_NO_SPACE (logged, naming the label short),
 * or EXIT_FAIL. ctx->state is not changed. */
int choose_claim(struct vpm_ctx *ctx, const char *instance, const struct strv *labels,
		 int numa_node, struct claim *out);

#endif
