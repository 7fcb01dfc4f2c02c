/* SPDX-License-Identifier: MIT */
/* The host's persistent-memory namespaces, read either through libndctl or
 * from a saved `ndctl list -X` document. Nothing outside host*.c knows which. */
#ifndef VPM_HOST_H
#define VPM_HOST_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <sys/types.h>

struct host_ns {
	char *name;      /* alternate name ("ns0"); NULL when unnamed */
	char *dev;       /* "namespace0.0" */
	char *mode;      /* "devdax", "fsdax", "sector", "raw", ... */
	char *uuid;      /* as ndctl prints it; NULL when unknown */
	char *chardev;   /* "dax0.0"; NULL without a device-dax instance */
	dev_t rdev;      /* its major:minor from libdaxctl; 0 when unknown (snapshot) */
	uint64_t size;   /* bytes usable through the device */
	uint64_t align;  /* dax region alignment, bytes; 0 when unknown */
	int numa_node;   /* -1 when unknown */
	bool enabled;
};

struct host {
	struct host_ns *ns;
	size_t n;
	char *origin;    /* "libndctl" or the snapshot's path, for messages */
};

/* Read the host from the snapshot when path is set, else through libndctl.
 * Logs what went wrong; returns 0 or a negative errno. */
int host_load(const char *snapshot_path, struct host *h);

/* Parse `ndctl list -X` JSON (array, single object, or an object holding
 * "namespaces" or "regions"). Unnamed namespaces are kept with name NULL.
 * On error returns -EINVAL and a malloc'd description in *err. */
int host_parse_snapshot(const char *text, struct host *h, char **err);

int host_load_ndctl(struct host *h);

/* First namespace with that name; *count gets how many carry it. */
const struct host_ns *host_find(const struct host *h, const char *name, size_t *count);

void host_ns_clear(struct host_ns *ns);
void host_free(struct host *h);

#endif
