/* SPDX-License-Identifier: MIT */
/* The libndctl implementation of the host. It reports what
 * `ndctl list -N -X -v -D -H -R` reports, from the same library calls, so that
 * both implementations agree field for field; the real-kernel tests hold it
 * to that. */
#include <daxctl/libdaxctl.h>
#include <limits.h>
#include <ndctl/libndctl.h>
#include <linux/ndctl.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <uuid/uuid.h>

#include "host.h"
#include "log.h"
#include "util.h"

static const char *mode_name(enum ndctl_namespace_mode mode)
{
	switch (mode) {
	case NDCTL_NS_MODE_FSDAX:  return "fsdax";
	case NDCTL_NS_MODE_SECTOR: return "sector";
	case NDCTL_NS_MODE_RAW:    return "raw";
	case NDCTL_NS_MODE_DEVDAX: return "devdax";
	default:                   return "unknown";
	}
}

static char *uuid_string(const uuid_t uu)
{
	char buf[37];

	if (uuid_is_null(uu))
		return NULL;
	uuid_unparse(uu, buf);
	return xstrdup(buf);
}

/* A DIMM's SMART health, as `ndctl list -D -H` reads it. A DIMM without the
 * command (emulated ones) or a failed command (not root) is unknown, quietly. */
static void read_health(struct ndctl_dimm *dimm, struct host_dimm *d)
{
	struct ndctl_cmd *cmd = NULL;
	unsigned int flags, health, alarm;

	if (!ndctl_dimm_is_cmd_supported(dimm, ND_CMD_SMART) ||
	    !(cmd = ndctl_dimm_cmd_new_smart(dimm)) || ndctl_cmd_submit_xlat(cmd) < 0) {
		log_debug("%s: no SMART health", d->dev);
		if (cmd)
			ndctl_cmd_unref(cmd);
		return;
	}
	flags = ndctl_cmd_smart_get_flags(cmd);
	if (flags & ND_SMART_HEALTH_VALID) {
		health = ndctl_cmd_smart_get_health(cmd);
		d->health = health & ND_SMART_FATAL_HEALTH        ? DIMM_HEALTH_FATAL
			  : health & ND_SMART_CRITICAL_HEALTH     ? DIMM_HEALTH_CRITICAL
			  : health & ND_SMART_NON_CRITICAL_HEALTH ? DIMM_HEALTH_NON_CRITICAL
								  : DIMM_HEALTH_OK;
	}
	if (flags & ND_SMART_ALARM_VALID) {
		alarm = ndctl_cmd_smart_get_alarm_flags(cmd);
		d->alarm_temperature = alarm & ND_SMART_MTEMP_TRIP;
		d->alarm_ctrl_temperature = alarm & ND_SMART_CTEMP_TRIP;
		d->alarm_spares = alarm & ND_SMART_SPARE_TRIP;
	}
	if (flags & ND_SMART_SHUTDOWN_COUNT_VALID) {
		d->has_shutdown_count = true;
		d->shutdown_count = ndctl_cmd_smart_get_shutdown_count(cmd);
	}
	ndctl_cmd_unref(cmd);
}

/* The enabled DIMMs of the bus (ndctl list leaves out disabled ones). */
static void read_dimms(struct ndctl_bus *bus, struct host *h)
{
	struct ndctl_dimm *dimm;

	ndctl_dimm_foreach(bus, dimm) {
		const char *id = ndctl_dimm_get_unique_id(dimm);
		struct host_dimm *d;
		size_t idx;

		if (!ndctl_dimm_is_enabled(dimm))
			continue;
		idx = host_dimm_index(h, ndctl_dimm_get_devname(dimm)); /* may move h->dimms */
		d = &h->dimms[idx];
		if (id && id[0] && !d->id)
			d->id = xstrdup(id);
		read_health(dimm, d);
	}
}

/* What a namespace's devdax data sits on: its region's DIMMs, and the
 * region's bad blocks that fall inside the data, as ndctl list
 * --media-errors clips them. */
static void read_media(struct ndctl_region *region, struct ndctl_dax *dax, struct host *h,
		       struct host_ns *ns)
{
	unsigned long long rstart = ndctl_region_get_resource(region);
	unsigned long long start = ndctl_dax_get_resource(dax);
	unsigned long long size = ndctl_dax_get_size(dax);
	struct ndctl_mapping *m;
	struct badblock *bb;

	ndctl_mapping_foreach(region, m) {
		struct ndctl_dimm *dimm = ndctl_mapping_get_dimm(m);

		if (dimm && ndctl_dimm_is_enabled(dimm))
			host_ns_add_dimm(ns, host_dimm_index(h, ndctl_dimm_get_devname(dimm)));
	}
	/* the ranges are root's to read: without them nothing can be said */
	if (rstart == ULLONG_MAX || start == ULLONG_MAX || size == ULLONG_MAX)
		return;
	ns->badblocks_known = true;
	ndctl_region_badblock_foreach(region, bb) {
		struct host_bb in;

		if (host_bb_clip(rstart, bb->offset, bb->len, start, size, &in))
			host_ns_add_bb(ns, &in);
	}
}

static void read_ns(struct ndctl_namespace *ndns, struct host_ns *ns)
{
	enum ndctl_namespace_mode mode = ndctl_namespace_get_mode(ndns);
	struct ndctl_btt *btt = ndctl_namespace_get_btt(ndns);
	struct ndctl_pfn *pfn = ndctl_namespace_get_pfn(ndns);
	struct ndctl_dax *dax = ndctl_namespace_get_dax(ndns);
	const char *name = ndctl_namespace_get_alt_name(ndns);
	uuid_t uu;

	*ns = (struct host_ns){
		.dev = xstrdup(ndctl_namespace_get_devname(ndns)),
		.mode = xstrdup(mode_name(mode)),
		.name = name && name[0] ? xstrdup(name) : NULL,
		.numa_node = ndctl_namespace_get_numa_node(ndns),
		.enabled = ndctl_namespace_is_active(ndns),
		.size = ndctl_namespace_get_size(ndns),
	};
	if (ns->numa_node < 0)
		ns->numa_node = -1;

	/* The uuid and size ndctl shows belong to the personality (btt, pfn or
	 * dax info block) when there is one, like ndctl list does. */
	if (dax) {
		struct daxctl_region *region = ndctl_dax_get_daxctl_region(dax);

		ns->size = ndctl_dax_get_size(dax);
		ndctl_dax_get_uuid(dax, uu);
		ns->uuid = uuid_string(uu);
		ns->align = ndctl_dax_get_align(dax);
		if (region) {
			unsigned long align = daxctl_region_get_align(region);
			struct daxctl_dev *dev = daxctl_dev_get_first(region);

			if (align && align != ULONG_MAX)
				ns->align = align;
			if (dev && daxctl_dev_get_devname(dev)) {
				ns->chardev = xstrdup(daxctl_dev_get_devname(dev));
				ns->rdev = makedev((unsigned)daxctl_dev_get_major(dev),
						   (unsigned)daxctl_dev_get_minor(dev));
			}
			if (dev && !daxctl_dev_is_enabled(dev))
				ns->enabled = false;
		}
	} else if (pfn) {
		ns->size = ndctl_pfn_get_size(pfn);
		ndctl_pfn_get_uuid(pfn, uu);
		ns->uuid = uuid_string(uu);
		ns->align = ndctl_pfn_get_align(pfn);
	} else if (btt) {
		ns->size = ndctl_btt_get_size(btt);
		ndctl_btt_get_uuid(btt, uu);
		ns->uuid = uuid_string(uu);
	} else {
		ndctl_namespace_get_uuid(ndns, uu);
		ns->uuid = uuid_string(uu);
	}
	if (ns->size == ULLONG_MAX)
		ns->size = 0;
}

/* libndctl logs through syslog-style priorities to stderr by default; keep
 * its chatter at our debug level. */
static void ndctl_log(struct ndctl_ctx *ctx, int priority, const char *file, int line,
		      const char *fn, const char *format, va_list args)
{
	char buf[512];

	(void)ctx; (void)priority; (void)file; (void)line;
	vsnprintf(buf, sizeof(buf), format, args);
	buf[strcspn(buf, "\n")] = '\0';
	log_debug("libndctl: %s: %s", fn, buf);
}

int host_load_ndctl(struct host *h)
{
	struct ndctl_ctx *ctx;
	struct ndctl_bus *bus;
	int r;

	*h = (struct host){ 0 };
	r = ndctl_new(&ctx);
	if (r < 0) {
		log_error_errno(-r, "cannot initialise libndctl");
		return r;
	}
	ndctl_set_log_fn(ctx, ndctl_log);

	ndctl_bus_foreach(ctx, bus) {
		struct ndctl_region *region;

		read_dimms(bus, h);
		ndctl_region_foreach(bus, region) {
			struct ndctl_namespace *ndns;

			ndctl_namespace_foreach(region, ndns) {
				struct ndctl_dax *dax = ndctl_namespace_get_dax(ndns);
				struct host_ns *ns;

				/* Every region keeps an empty "seed" namespace for the
				 * next create-namespace; ndctl list hides it too. */
				if (!ndctl_namespace_is_active(ndns) &&
				    ndctl_namespace_get_size(ndns) == 0)
					continue;
				h->ns = xreallocarray(h->ns, h->n + 1, sizeof(*h->ns));
				ns = &h->ns[h->n++];
				read_ns(ndns, ns);
				if (dax)
					read_media(region, dax, h, ns);
			}
		}
	}
	ndctl_unref(ctx);
	host_link_health(h);
	h->origin = xstrdup("libndctl");
	return 0;
}
