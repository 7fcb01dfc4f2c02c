/* SPDX-License-Identifier: MIT */
#include "host.h"

#include "util.h"

const struct host_ns *host_find(const struct host *h, const char *name, size_t *count)
{
	const struct host_ns *first = NULL;
	size_t c = 0;

	for (size_t i = 0; i < h->n; i++) {
		if (!streq(h->ns[i].name, name))
			continue;
		if (!first)
			first = &h->ns[i];
		c++;
	}
	if (count)
		*count = c;
	return first;
}

bool host_bb_clip(uint64_t region_start, uint64_t off, uint64_t len, uint64_t dev_start,
		  uint64_t dev_size, struct host_bb *out)
{
	uint64_t b0, b1, d1;

	/* bytes, half-open; a run past 2^64 cannot be anywhere real: clipped */
	if (!len || off > (UINT64_MAX - region_start) >> 9)
		return false;
	b0 = region_start + (off << 9);
	b1 = len > (UINT64_MAX - b0) >> 9 ? UINT64_MAX : b0 + (len << 9);
	d1 = dev_size > UINT64_MAX - dev_start ? UINT64_MAX : dev_start + dev_size;
	if (b1 <= dev_start || b0 >= d1)
		return false;
	if (b0 < dev_start)
		b0 = dev_start;
	if (b1 > d1)
		b1 = d1;
	out->offset = (b0 - dev_start) >> 9;
	out->length = (b1 - b0) >> 9;
	return out->length > 0;
}

void host_ns_add_bb(struct host_ns *ns, const struct host_bb *bb)
{
	ns->bb = xreallocarray(ns->bb, ns->n_bb + 1, sizeof(*ns->bb));
	ns->bb[ns->n_bb++] = *bb;
	/* saturating: a sum wrapped round to 0 would pass the namespace as clean */
	ns->badblocks = bb->length > UINT64_MAX - ns->badblocks ? UINT64_MAX
							       : ns->badblocks + bb->length;
}

void host_ns_add_dimm(struct host_ns *ns, size_t dimm)
{
	for (size_t i = 0; i < ns->n_dimm; i++)
		if (ns->dimm[i] == dimm)
			return;
	ns->dimm = xreallocarray(ns->dimm, ns->n_dimm + 1, sizeof(*ns->dimm));
	ns->dimm[ns->n_dimm++] = dimm;
}

size_t host_dimm_index(struct host *h, const char *dev)
{
	for (size_t i = 0; i < h->n_dimms; i++)
		if (streq(h->dimms[i].dev, dev))
			return i;
	h->dimms = xreallocarray(h->dimms, h->n_dimms + 1, sizeof(*h->dimms));
	h->dimms[h->n_dimms] = (struct host_dimm){ .dev = xstrdup(dev) };
	return h->n_dimms++;
}

static int health_rank(enum dimm_health health)
{
	switch (health) {
	case DIMM_HEALTH_OK:           return 0;
	case DIMM_HEALTH_UNKNOWN:      return 1;
	case DIMM_HEALTH_NON_CRITICAL: return 2;
	case DIMM_HEALTH_CRITICAL:     return 3;
	case DIMM_HEALTH_FATAL:        return 4;
	}
	return 1;
}

enum dimm_health dimm_health_worst(enum dimm_health a, enum dimm_health b)
{
	return health_rank(b) > health_rank(a) ? b : a;
}

const char *dimm_health_name(enum dimm_health health)
{
	switch (health) {
	case DIMM_HEALTH_OK:           return "ok";
	case DIMM_HEALTH_NON_CRITICAL: return "non-critical";
	case DIMM_HEALTH_CRITICAL:     return "critical";
	case DIMM_HEALTH_FATAL:        return "fatal";
	default:                       return "unknown";
	}
}

const char *host_dimm_key(const struct host_dimm *d)
{
	return d->id ? d->id : d->dev;
}

void host_link_health(struct host *h)
{
	for (size_t i = 0; i < h->n; i++) {
		struct host_ns *ns = &h->ns[i];

		ns->health = DIMM_HEALTH_UNKNOWN;
		for (size_t k = 0; k < ns->n_dimm; k++)
			ns->health = k ? dimm_health_worst(ns->health, h->dimms[ns->dimm[k]].health)
				       : h->dimms[ns->dimm[k]].health;
	}
}

void host_ns_clear(struct host_ns *ns)
{
	free(ns->name);
	free(ns->dev);
	free(ns->mode);
	free(ns->uuid);
	free(ns->chardev);
	free(ns->bb);
	free(ns->dimm);
	*ns = (struct host_ns){ .numa_node = -1 };
}

void host_free(struct host *h)
{
	for (size_t i = 0; i < h->n; i++)
		host_ns_clear(&h->ns[i]);
	free(h->ns);
	for (size_t i = 0; i < h->n_dimms; i++) {
		free(h->dimms[i].dev);
		free(h->dimms[i].id);
	}
	free(h->dimms);
	free(h->origin);
	*h = (struct host){ 0 };
}
