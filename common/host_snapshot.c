/* SPDX-License-Identifier: MIT */
/* The snapshot implementation of the host: `ndctl list -X` output saved to a
 * file. ndctl prints a lone object instead of an array when it lists exactly
 * one namespace, and nests namespaces under "regions" with -R (sometimes
 * as a bare array of regions or a lone region, see is_region); all are read.
 * With -D -H -R (`ndctl list -N -X -v -D -H -R`) it prints
 * {"dimms": [...], "regions": [...]}: the DIMMs' health, and each region's
 * "mappings" say which DIMMs its namespaces sit on. Each namespace's own
 * "badblock_count" and "badblocks" (ndctl clips the region's to it) give its
 * bad blocks; a snapshot cannot say where a namespace sits in its region, so
 * the region's list is not used. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "host.h"
#include "util.h"

/* Sizes travel as JSON numbers (doubles); beyond 2^53 they are no longer exact. */
#define JSON_EXACT_MAX 9007199254740992.0

/* Which entry a message is about; formatted only when there is a message. */
struct entry {
	const cJSON *jns;
	size_t idx;
	char buf[128];
};

static const char *where(struct entry *e)
{
	const cJSON *dev = cJSON_GetObjectItemCaseSensitive(e->jns, "dev");

	if (cJSON_IsString(dev))
		snprintf(e->buf, sizeof(e->buf), "namespace entry %zu (%s)", e->idx,
			 dev->valuestring);
	else
		snprintf(e->buf, sizeof(e->buf), "namespace entry %zu", e->idx);
	return e->buf;
}

/* The member key of obj as a whole number (of unit, when given: bytes);
 * left as it is when absent. what says where, for a message. */
static int get_whole(const cJSON *obj, const char *key, uint64_t *out, const char *what,
		     const char *unit, char **err)
{
	const cJSON *j = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (!j)
		return 0;
	if (unit && cJSON_IsString(j))
		return fail_with(err, xasprintf("%s: \"%s\" is the string \"%s\", not a number of %s "
					   "(save the snapshot without -u)", what, key, j->valuestring,
					   unit));
	if (!cJSON_IsNumber(j) || j->valuedouble < 0 || j->valuedouble > JSON_EXACT_MAX ||
	    floor(j->valuedouble) != j->valuedouble)
		return fail_with(err, xasprintf("%s: \"%s\" is not a whole number%s%s", what, key,
					   unit ? " of " : "", unit ? unit : ""));
	*out = (uint64_t)j->valuedouble;
	return 0;
}

/* A size in bytes of the namespace entry e. */
static int get_u64(const cJSON *obj, const char *key, bool required, uint64_t *out,
		   struct entry *e, char **err)
{
	if (required && !cJSON_GetObjectItemCaseSensitive(obj, key))
		return fail_with(err, xasprintf("%s: no \"%s\"", where(e), key));
	return get_whole(obj, key, out, where(e), "bytes", err);
}

/* A count (sectors, dirty shutdowns) at obj.key; 0 when absent. */
static int get_count(const cJSON *obj, const char *key, uint64_t *out, const char *what,
		     char **err)
{
	*out = 0;
	return get_whole(obj, key, out, what, NULL, err);
}

/* The namespace's bad blocks, as ndctl prints them for it (--media-errors):
 * "badblock_count" (sectors; absent when none) and the runs in "badblocks". */
static int read_badblocks(const cJSON *jns, struct host_ns *ns, struct entry *e, char **err)
{
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(jns, "badblocks");
	const cJSON *j;
	uint64_t count;
	int r;

	ns->badblocks_known = true;
	if (list && !cJSON_IsArray(list))
		return fail_with(err, xasprintf("%s: \"badblocks\" is not an array", where(e)));
	cJSON_ArrayForEach(j, list) {
		struct host_bb bb;

		if (!cJSON_IsObject(j))
			return fail_with(err, xasprintf("%s: an entry of \"badblocks\" is not an object",
						   where(e)));
		if ((r = get_count(j, "offset", &bb.offset, where(e), err)) < 0 ||
		    (r = get_count(j, "length", &bb.length, where(e), err)) < 0)
			return r;
		host_ns_add_bb(ns, &bb);
	}
	if (cJSON_GetObjectItemCaseSensitive(jns, "badblock_count")) {
		if ((r = get_count(jns, "badblock_count", &count, where(e), err)) < 0)
			return r;
		/* the runs are printed only with -M; the count always */
		if (count > ns->badblocks)
			ns->badblocks = count;
	}
	return 0;
}

/* The string member key of obj, copied into *out; left as it is when
 * absent, null or empty. */
static int get_str(const cJSON *obj, const char *key, char **out, struct entry *e, char **err)
{
	const cJSON *j = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (!j || cJSON_IsNull(j))
		return 0;
	if (!cJSON_IsString(j))
		return fail_with(err, xasprintf("%s: \"%s\" is not a string", where(e), key));
	if (j->valuestring[0]) {
		free(*out);
		*out = xstrdup(j->valuestring);
	}
	return 0;
}

static bool is_disabled(const cJSON *obj)
{
	const cJSON *j = cJSON_GetObjectItemCaseSensitive(obj, "state");

	return cJSON_IsString(j) && streq(j->valuestring, "disabled");
}

/* The region alignment is what the device maps at; it wins over the
 * namespace's own "align", as Nova takes daxregion.align. Its first device
 * is the namespace's character device. */
static int read_daxregion(const cJSON *region, struct host_ns *ns, struct entry *e, char **err)
{
	const cJSON *devs, *dev0;
	int r;

	if (!cJSON_IsObject(region))
		return fail_with(err, xasprintf("%s: \"daxregion\" is not an object", where(e)));
	if ((r = get_u64(region, "align", false, &ns->align, e, err)) < 0)
		return r;
	devs = cJSON_GetObjectItemCaseSensitive(region, "devices");
	if (devs && !cJSON_IsArray(devs))
		return fail_with(err, xasprintf("%s: \"daxregion.devices\" is not an array", where(e)));
	dev0 = cJSON_GetArrayItem(devs, 0);
	if (dev0) {
		free(ns->chardev);
		ns->chardev = NULL;
		if ((r = get_str(dev0, "chardev", &ns->chardev, e, err)) < 0)
			return r;
		if (is_disabled(dev0))
			ns->enabled = false;
	}
	return 0;
}

static int read_ns(const cJSON *jns, struct host_ns *ns, struct entry *e, char **err)
{
	const cJSON *j;
	int r;

	if (!cJSON_IsObject(jns))
		return fail_with(err, xasprintf("%s: not a JSON object", where(e)));
	j = cJSON_GetObjectItemCaseSensitive(jns, "dev");
	if (!cJSON_IsString(j) || !j->valuestring[0])
		return fail_with(err, xasprintf("%s: no \"dev\" string", where(e)));
	ns->dev = xstrdup(j->valuestring);

	if ((r = get_str(jns, "name", &ns->name, e, err)) < 0 ||
	    (r = get_str(jns, "mode", &ns->mode, e, err)) < 0 ||
	    (r = get_str(jns, "uuid", &ns->uuid, e, err)) < 0 ||
	    (r = get_str(jns, "chardev", &ns->chardev, e, err)) < 0 ||
	    (r = get_u64(jns, "size", true, &ns->size, e, err)) < 0 ||
	    (r = get_u64(jns, "align", false, &ns->align, e, err)) < 0)
		return r;
	if (!ns->mode)
		ns->mode = xstrdup("unknown");

	j = cJSON_GetObjectItemCaseSensitive(jns, "numa_node");
	if (j) {
		if (!cJSON_IsNumber(j) || j->valuedouble < 0 || j->valuedouble > 65535 ||
		    floor(j->valuedouble) != j->valuedouble)
			return fail_with(err, xasprintf("%s: \"numa_node\" is not a node number", where(e)));
		ns->numa_node = (int)j->valuedouble;
	}
	if (is_disabled(jns))
		ns->enabled = false;

	j = cJSON_GetObjectItemCaseSensitive(jns, "daxregion");
	if (j && (r = read_daxregion(j, ns, e, err)) < 0)
		return r;
	if ((r = read_badblocks(jns, ns, e, err)) < 0)
		return r;
	if (ns->chardev && (strchr(ns->chardev, '/') || streq(ns->chardev, "..")))
		return fail_with(err, xasprintf("%s: \"chardev\" \"%s\" is not a device name", where(e),
					   ns->chardev));
	return 0;
}

static int parse_ns(const cJSON *jns, size_t idx, struct host_ns *ns, char **err)
{
	struct entry e = { .jns = jns, .idx = idx };
	int r;

	*ns = (struct host_ns){ .numa_node = -1, .enabled = true };
	r = read_ns(jns, ns, &e, err);
	if (r < 0)
		host_ns_clear(ns);
	return r;
}

static int add_list(const cJSON *list, struct host *h, char **err)
{
	size_t room = h->n + (size_t)cJSON_GetArraySize(list);
	const cJSON *jns;

	h->ns = xreallocarray(h->ns, room ? room : 1, sizeof(*h->ns));
	cJSON_ArrayForEach(jns, list) {
		int r = parse_ns(jns, h->n, &h->ns[h->n], err);

		if (r < 0)
			return r;
		h->n++;
	}
	return 0;
}

/* The DIMMs a region's "mappings" name (ndctl prints them with -D). */
static int region_dimms(const cJSON *region, struct host *h, size_t **dimm, size_t *n,
			char **err)
{
	const cJSON *maps = cJSON_GetObjectItemCaseSensitive(region, "mappings");
	const cJSON *m;

	if (maps && !cJSON_IsArray(maps))
		return fail_with(err, xstrdup("\"mappings\" of a region is not an array"));
	cJSON_ArrayForEach(m, maps) {
		const cJSON *d = cJSON_GetObjectItemCaseSensitive(m, "dimm");

		if (!cJSON_IsString(d) || !d->valuestring[0])
			return fail_with(err, xstrdup("a mapping of a region has no \"dimm\" string"));
		*dimm = xreallocarray(*dimm, *n + 1, sizeof(**dimm));
		(*dimm)[(*n)++] = host_dimm_index(h, d->valuestring);
	}
	return 0;
}

static int add_region(const cJSON *region, struct host *h, char **err)
{
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(region, "namespaces");
	_cleanup_free_ size_t *dimm = NULL;
	size_t n_dimm = 0, first = h->n;
	int r;

	if (!cJSON_IsObject(region))
		return fail_with(err, xstrdup("an entry of \"regions\" is not an object"));
	if ((r = region_dimms(region, h, &dimm, &n_dimm, err)) < 0)
		return r;
	if (!list)
		return 0;
	if (!cJSON_IsArray(list))
		return fail_with(err, xstrdup("\"namespaces\" of a region is not an array"));
	if ((r = add_list(list, h, err)) < 0)
		return r;
	for (size_t i = first; i < h->n; i++)
		for (size_t k = 0; k < n_dimm; k++)
			host_ns_add_dimm(&h->ns[i], dimm[k]);
	return 0;
}

static int add_regions(const cJSON *regions, struct host *h, char **err)
{
	const cJSON *region;
	int r;

	cJSON_ArrayForEach(region, regions)
		if ((r = add_region(region, h, err)) < 0)
			return r;
	return 0;
}

/* A region entry, not a namespace. With -R and no DIMM listed (a host
 * without DIMMs, or no -D), ndctl wraps the regions in {"regions": [...]}
 * only when the last region it lists holds a listed namespace; else it
 * prints them alone, as an array or, for one region, a lone object. The
 * kernel names them regionN. */
static bool is_region(const cJSON *obj)
{
	const cJSON *dev = cJSON_GetObjectItemCaseSensitive(obj, "dev");

	return cJSON_IsString(dev) && !strncmp(dev->valuestring, "region", 6);
}

static int read_alarm(const cJSON *health, const char *key, bool *out, const char *what,
		      char **err)
{
	const cJSON *j = cJSON_GetObjectItemCaseSensitive(health, key);

	if (!j)
		return 0;
	if (!cJSON_IsBool(j))
		return fail_with(err, xasprintf("%s: \"%s\" is not true or false", what, key));
	*out = cJSON_IsTrue(j);
	return 0;
}

/* One DIMM's "health" object, as `ndctl list -D -H` prints it. */
static int read_health(const cJSON *health, struct host_dimm *d, const char *what, char **err)
{
	static const char *const names[] = {
		[DIMM_HEALTH_UNKNOWN] = "unknown", [DIMM_HEALTH_OK] = "ok",
		[DIMM_HEALTH_NON_CRITICAL] = "non-critical", [DIMM_HEALTH_CRITICAL] = "critical",
		[DIMM_HEALTH_FATAL] = "fatal",
	};
	const cJSON *j;
	int r;

	if (!cJSON_IsObject(health))
		return fail_with(err, xasprintf("%s: \"health\" is not an object", what));
	j = cJSON_GetObjectItemCaseSensitive(health, "health_state");
	if (j) {
		size_t i;

		if (!cJSON_IsString(j))
			return fail_with(err, xasprintf("%s: \"health_state\" is not a string", what));
		for (i = 0; i < ARRAY_SIZE(names) && !streq(names[i], j->valuestring); i++)
			;
		if (i == ARRAY_SIZE(names))
			return fail_with(err, xasprintf("%s: unknown \"health_state\" \"%s\"", what,
						   j->valuestring));
		d->health = (enum dimm_health)i;
	}
	if ((r = read_alarm(health, "alarm_temperature", &d->alarm_temperature, what, err)) < 0 ||
	    (r = read_alarm(health, "alarm_controller_temperature", &d->alarm_ctrl_temperature,
			    what, err)) < 0 ||
	    (r = read_alarm(health, "alarm_spares", &d->alarm_spares, what, err)) < 0)
		return r;
	d->has_shutdown_count = cJSON_GetObjectItemCaseSensitive(health, "shutdown_count") != NULL;
	return get_count(health, "shutdown_count", &d->shutdown_count, what, err);
}

static int add_dimms(const cJSON *dimms, struct host *h, char **err)
{
	const cJSON *jd;
	size_t idx = 0;

	if (!cJSON_IsArray(dimms))
		return fail_with(err, xstrdup("\"dimms\" is not an array"));
	cJSON_ArrayForEach(jd, dimms) {
		const cJSON *dev = cJSON_GetObjectItemCaseSensitive(jd, "dev");
		const cJSON *health = cJSON_GetObjectItemCaseSensitive(jd, "health");
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(jd, "id");
		_cleanup_free_ char *what = NULL;
		struct host_dimm *d;
		size_t i;
		int r;

		if (!cJSON_IsObject(jd) || !cJSON_IsString(dev) || !dev->valuestring[0])
			return fail_with(err, xasprintf("dimm entry %zu: no \"dev\" string", idx));
		what = xasprintf("dimm entry %zu (%s)", idx++, dev->valuestring);
		/* two entries would leave the health to the last: a failing DIMM
		 * could pass for ok (the DIMMs are read before the regions) */
		for (i = 0; i < h->n_dimms; i++)
			if (streq(h->dimms[i].dev, dev->valuestring))
				return fail_with(err, xasprintf("%s: listed twice", what));
		i = host_dimm_index(h, dev->valuestring); /* may move h->dimms */
		d = &h->dimms[i];
		/* not get_str(): its messages name a namespace entry */
		if (id && !cJSON_IsNull(id)) {
			if (!cJSON_IsString(id))
				return fail_with(err, xasprintf("%s: \"id\" is not a string", what));
			if (id->valuestring[0]) {
				free(d->id);
				d->id = xstrdup(id->valuestring);
			}
		}
		if (health && (r = read_health(health, d, what, err)) < 0)
			return r;
	}
	return 0;
}

static void where_in_text(const char *text, const char *at, int *line, int *col)
{
	*line = 1;
	*col = 1;
	for (const char *p = text; p < at && *p; p++) {
		if (*p == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

int host_parse_snapshot(const char *text, struct host *h, char **err)
{
	const char *error_at = NULL;
	cJSON *root;
	const cJSON *j;
	int r;

	*h = (struct host){ 0 };
	*err = NULL;
	if (str_is_blank(text))
		return 0; /* ndctl prints nothing at all when it finds nothing */
	root = cJSON_ParseWithOpts(text, &error_at, true);
	if (!root) {
		int line, col;

		where_in_text(text, error_at ? error_at : text, &line, &col);
		return fail_with(err, xasprintf("not valid JSON (line %d, column %d)", line, col));
	}
	if (cJSON_IsArray(root)) {
		r = is_region(cJSON_GetArrayItem(root, 0)) ? add_regions(root, h, err)
							   : add_list(root, h, err);
	} else if (!cJSON_IsObject(root)) {
		r = fail_with(err, xstrdup("expected a JSON array or object of namespaces"));
	} else if ((j = cJSON_GetObjectItemCaseSensitive(root, "dimms")) &&
		   (r = add_dimms(j, h, err)) < 0) {
		/* r says it */
	} else if (is_region(root)) {
		r = add_region(root, h, err);
	} else if (cJSON_GetObjectItemCaseSensitive(root, "dev")) {
		struct host_ns ns;

		r = parse_ns(root, 0, &ns, err);
		if (r == 0) {
			h->ns = xmalloc(sizeof(*h->ns));
			h->ns[h->n++] = ns;
		}
	} else if ((j = cJSON_GetObjectItemCaseSensitive(root, "namespaces"))) {
		r = cJSON_IsArray(j) ? add_list(j, h, err)
				     : fail_with(err, xstrdup("\"namespaces\" is not an array"));
	} else if ((j = cJSON_GetObjectItemCaseSensitive(root, "regions"))) {
		r = cJSON_IsArray(j) ? add_regions(j, h, err)
				     : fail_with(err, xstrdup("\"regions\" is not an array"));
	} else {
		r = fail_with(err, xstrdup("object has neither \"dev\", \"namespaces\" nor \"regions\""));
	}
	cJSON_Delete(root);
	if (r < 0)
		host_free(h);
	else
		host_link_health(h);
	return r;
}
