/* SPDX-License-Identifier: MIT */
/* The host's persistent-memory namespaces and the health of the media under
 * them, read either through libndctl or from a saved `ndctl list` document.
 * Nothing outside host*.c knows which. */
#ifndef VPM_HOST_H
#define VPM_HOST_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <sys/types.h>

/* A DIMM's health as its SMART data gives it; zero is "unknown" (no SMART
 * command, emulated DIMMs, not root). */
enum dimm_health {
	DIMM_HEALTH_UNKNOWN = 0,
	DIMM_HEALTH_OK,
	DIMM_HEALTH_NON_CRITICAL,
	DIMM_HEALTH_CRITICAL,
	DIMM_HEALTH_FATAL,
};

struct host_dimm {
	char *dev;                 /* "nmem0" */
	char *id;                  /* unique id ("8089-a2-1837-00000bb3"); NULL if none */
	enum dimm_health health;
	bool alarm_temperature, alarm_ctrl_temperature, alarm_spares; /* tripped */
	bool has_shutdown_count;
	uint64_t shutdown_count;   /* dirty shutdowns over its life */
};

/* A run of bad 512-byte sectors inside a namespace's data. */
struct host_bb {
	uint64_t offset;           /* sectors from the start of the namespace's data */
	uint64_t length;           /* sectors */
};

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
	bool badblocks_known;  /* false when the host could not say */
	uint64_t badblocks;    /* bad sectors inside it */
	struct host_bb *bb;
	size_t n_bb;
	size_t *dimm;          /* its DIMMs, indices into host.dimms */
	size_t n_dimm;
	enum dimm_health health; /* the worst of its DIMMs'; unknown without any */
};

struct host {
	struct host_ns *ns;
	size_t n;
	struct host_dimm *dimms;
	size_t n_dimms;
	char *origin;    /* "libndctl" or the snapshot's path, for messages */
};

/* Read the host from the snapshot when path is set, else through libndctl.
 * Logs what went wrong; returns 0 or a negative errno. */
int host_load(const char *snapshot_path, struct host *h);

/* Parse `ndctl list -X` JSON (array, single object, or an object holding
 * "namespaces" or "regions"; with -R also an array of regions or a single
 * region object, as ndctl prints them when it lists no DIMM and its last
 * region no namespace). Unnamed namespaces are kept with name NULL.
 * On error returns -EINVAL and a malloc'd description in *err. */
int host_parse_snapshot(const char *text, struct host *h, char **err);

int host_load_ndctl(struct host *h);

/* The part of a region's bad-block run (off, len: sectors from the region's
 * start region_start) inside a device's data [dev_start, dev_start+dev_size),
 * as sectors from dev_start. False when they do not meet. */
bool host_bb_clip(uint64_t region_start, uint64_t off, uint64_t len, uint64_t dev_start,
		  uint64_t dev_size, struct host_bb *out);

void host_ns_add_bb(struct host_ns *ns, const struct host_bb *bb);
void host_ns_add_dimm(struct host_ns *ns, size_t dimm);

/* Index of the DIMM named dev in h->dimms, added (health unknown) if new. */
size_t host_dimm_index(struct host *h, const char *dev);

/* Set each namespace's health from its DIMMs. */
void host_link_health(struct host *h);

/* "unknown", "ok", "non-critical", "critical", "fatal" */
const char *dimm_health_name(enum dimm_health health);
/* The worse of two: ok < unknown < non-critical < critical < fatal. */
enum dimm_health dimm_health_worst(enum dimm_health a, enum dimm_health b);
/* What a claim records its count under: the unique id, else the name. */
const char *host_dimm_key(const struct host_dimm *d);

/* First namespace with that name; *count gets how many carry it. */
const struct host_ns *host_find(const struct host *h, const char *name, size_t *count);

void host_ns_clear(struct host_ns *ns);
void host_free(struct host *h);

#endif
