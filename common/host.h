/* SPDX-License-Identifier: MIT */
/* The host's persistent-memory namespaces, read either through libndctl or
 * from a saved `ndctl list -X` document. Nothing outside host*.c knows which. */
#ifndef VPM_HOST_H
#define VPM_HOST_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

struct host_ns {
	char *name;      /* alternate name ("ns0"); NULL when unnamed */
	char *dev;       /* "namespace0.0" */
	char *mode;      /* "devdax", "fsdax", "sector", "raw", ... */
	char *uuid;      /* as ndctl prints it; NULL when unknown */
	char *chardev;   /* "dax0.0"; NULL without a device-dax instance */
	uint64_t size;   /* bytes usable through the device */
	uint64_t align;  /* dax region alignment, bytes; 0 when unknown */
	int numa_node;   /* -1 when unknown */
	bool enabled;
};

struct json_doc;

struct host {
	struct host_ns *ns;
	size_t n;
	char *origin;    /* "libndctl" or the snapshot's path, for messages */
	/* A snapshot's strings stay in its parsed document, freed with the
	 * host. */
	struct json_doc *doc;
	size_t n_doc;
	/* A large one's, cut in pieces, are copied out into a block each. */
	char **strings;
	size_t n_strings;
};

/* Read the host from the snapshot when path is set, else through libndctl.
 * Logs what went wrong; returns 0 or a negative errno. */
int host_load(const char *snapshot_path, struct host *h);

/* Parse `ndctl list -X` JSON (array, single object, or an object holding
 * "namespaces" or "regions"). Unnamed namespaces are kept with name NULL.
 * On error returns -EINVAL and a malloc'd description in *err. */
int host_parse_snapshot(const char *text, struct host *h, char **err);

/* The same, with a top-level array of at least split_min bytes cut into
 * pieces of 64 KiB parsed on two threads, each in one small arena reused
 * from piece to piece (cJSON parses at about 45 instructions a byte and
 * takes seven bytes of nodes a byte of text: a 4,096-namespace snapshot is
 * 900 KB). 0 always tries, SIZE_MAX never; the result is the same either
 * way, which the fuzzer checks. The cuts are made in text itself, which is
 * as it was again on return. host_parse_snapshot uses SNAPSHOT_SPLIT_MIN
 * on a copy. */
#define SNAPSHOT_SPLIT_MIN (256u << 10)
int host_parse_snapshot_split(char *text, size_t split_min, struct host *h, char **err);

int host_load_ndctl(struct host *h);

/* First namespace with that name; *count gets how many carry it. */
const struct host_ns *host_find(const struct host *h, const char *name, size_t *count);

void host_ns_clear(struct host_ns *ns);
void host_free(struct host *h);

#endif
