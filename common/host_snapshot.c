/* SPDX-License-Identifier: MIT */
/* The snapshot implementation of the host: `ndctl list -X` output saved to a
 * file. ndctl prints a lone object instead of an array when it lists exactly
 * one namespace, and nests namespaces under "regions" with -R; all are read. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "host.h"
#include "util.h"

/* Sizes travel as JSON numbers (doubles); beyond 2^53 they are no longer exact. */
#define JSON_EXACT_MAX 9007199254740992.0

static int fail(char **err, char *msg)
{
	*err = msg;
	return -EINVAL;
}

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

/* The member key of obj as a number of bytes; left as it is when absent
 * and not required. */
static int get_u64(const cJSON *obj, const char *key, bool required, uint64_t *out,
		   struct entry *e, char **err)
{
	const cJSON *j = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (!j) {
		if (required)
			return fail(err, xasprintf("%s: no \"%s\"", where(e), key));
		return 0;
	}
	if (cJSON_IsString(j))
		return fail(err, xasprintf("%s: \"%s\" is the string \"%s\", not a number of bytes "
					   "(save the snapshot without -u)", where(e), key, j->valuestring));
	if (!cJSON_IsNumber(j) || j->valuedouble < 0 || j->valuedouble > JSON_EXACT_MAX ||
	    floor(j->valuedouble) != j->valuedouble)
		return fail(err, xasprintf("%s: \"%s\" is not a whole number of bytes", where(e), key));
	*out = (uint64_t)j->valuedouble;
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
		return fail(err, xasprintf("%s: \"%s\" is not a string", where(e), key));
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
		return fail(err, xasprintf("%s: \"daxregion\" is not an object", where(e)));
	if ((r = get_u64(region, "align", false, &ns->align, e, err)) < 0)
		return r;
	devs = cJSON_GetObjectItemCaseSensitive(region, "devices");
	if (devs && !cJSON_IsArray(devs))
		return fail(err, xasprintf("%s: \"daxregion.devices\" is not an array", where(e)));
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
		return fail(err, xasprintf("%s: not a JSON object", where(e)));
	j = cJSON_GetObjectItemCaseSensitive(jns, "dev");
	if (!cJSON_IsString(j) || !j->valuestring[0])
		return fail(err, xasprintf("%s: no \"dev\" string", where(e)));
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
			return fail(err, xasprintf("%s: \"numa_node\" is not a node number", where(e)));
		ns->numa_node = (int)j->valuedouble;
	}
	if (is_disabled(jns))
		ns->enabled = false;

	j = cJSON_GetObjectItemCaseSensitive(jns, "daxregion");
	if (j && (r = read_daxregion(j, ns, e, err)) < 0)
		return r;
	if (ns->chardev && (strchr(ns->chardev, '/') || streq(ns->chardev, "..")))
		return fail(err, xasprintf("%s: \"chardev\" \"%s\" is not a device name", where(e),
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

static int add_regions(const cJSON *regions, struct host *h, char **err)
{
	const cJSON *region;

	cJSON_ArrayForEach(region, regions) {
		const cJSON *list = cJSON_GetObjectItemCaseSensitive(region, "namespaces");
		int r;

		if (!list)
			continue;
		if (!cJSON_IsArray(list))
			return fail(err, xstrdup("\"namespaces\" of a region is not an array"));
		if ((r = add_list(list, h, err)) < 0)
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
		return fail(err, xasprintf("not valid JSON (line %d, column %d)", line, col));
	}
	if (cJSON_IsArray(root)) {
		r = add_list(root, h, err);
	} else if (!cJSON_IsObject(root)) {
		r = fail(err, xstrdup("expected a JSON array or object of namespaces"));
	} else if (cJSON_GetObjectItemCaseSensitive(root, "dev")) {
		struct host_ns ns;

		r = parse_ns(root, 0, &ns, err);
		if (r == 0) {
			h->ns = xmalloc(sizeof(*h->ns));
			h->ns[h->n++] = ns;
		}
	} else if ((j = cJSON_GetObjectItemCaseSensitive(root, "namespaces"))) {
		r = cJSON_IsArray(j) ? add_list(j, h, err)
				     : fail(err, xstrdup("\"namespaces\" is not an array"));
	} else if ((j = cJSON_GetObjectItemCaseSensitive(root, "regions"))) {
		r = cJSON_IsArray(j) ? add_regions(j, h, err)
				     : fail(err, xstrdup("\"regions\" is not an array"));
	} else {
		r = fail(err, xstrdup("object has neither \"dev\", \"namespaces\" nor \"regions\""));
	}
	cJSON_Delete(root);
	if (r < 0)
		host_free(h);
	return r;
}
