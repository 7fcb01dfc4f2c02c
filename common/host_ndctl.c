/* SPDX-License-Identifier: MIT */
/* The libndctl implementation of the host. It reports what `ndctl list -X -v`
 * reports, from the same library calls, so that both implementations agree
 * field for field; the real-kernel tests hold it to that. */
#include <daxctl/libdaxctl.h>
#include <errno.h>
#include <limits.h>
#include <ndctl/libndctl.h>
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

		ndctl_region_foreach(bus, region) {
			struct ndctl_namespace *ndns;

			ndctl_namespace_foreach(region, ndns) {
				/* Every region keeps an empty "seed" namespace for the
				 * next create-namespace; ndctl list hides it too. */
				if (!ndctl_namespace_is_active(ndns) &&
				    ndctl_namespace_get_size(ndns) == 0)
					continue;
				h->ns = xreallocarray(h->ns, h->n + 1, sizeof(*h->ns));
				read_ns(ndns, &h->ns[h->n++]);
			}
		}
	}
	ndctl_unref(ctx);
	h->origin = xstrdup("libndctl");
	return 0;
}
