/* SPDX-License-Identifier: MIT */
/* The snapshot implementation of the host: `ndctl list -X` output saved to a
 * file. ndctl prints a lone object instead of an array when it lists exactly
 * one namespace, and nests namespaces under "regions" with -R; all are read. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <string.h>

#include "host.h"
#include "jsonparse.h"
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

/* j: the member named key, or NULL. */
static int get_u64(const cJSON *j, const char *key, bool required, uint64_t *out,
		   struct entry *e, char **err)
{
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

static int get_str(const cJSON *j, const char *key, char **out, struct entry *e, char **err)
{
	if (!j || cJSON_IsNull(j))
		return 0;
	if (!cJSON_IsString(j))
		return fail(err, xasprintf("%s: \"%s\" is not a string", where(e), key));
	if (j->valuestring[0])
		*out = j->valuestring; /* lives in the document, as long as the host */
	return 0;
}

/* The members of a namespace entry that are read, found in one pass. */
enum { F_DEV, F_NAME, F_MODE, F_UUID, F_CHARDEV, F_SIZE, F_ALIGN, F_NUMA_NODE, F_STATE,
       F_DAXREGION, N_FIELDS };
static const char *const ns_keys[N_FIELDS] = {
	"dev", "name", "mode", "uuid", "chardev", "size", "align", "numa_node", "state",
	"daxregion",
};
static const char *const region_keys[] = { "align", "devices" };
static const char *const device_keys[] = { "chardev", "state" };

static int parse_ns(const cJSON *jns, size_t idx, struct host_ns *ns, char **err)
{
	struct entry e = { .jns = jns, .idx = idx };
	const cJSON *f[N_FIELDS], *j, *region;
	int r;

	*ns = (struct host_ns){ .numa_node = -1, .enabled = true };
	if (!cJSON_IsObject(jns))
		return fail(err, xasprintf("%s: not a JSON object", where(&e)));
	json_fields(jns, ns_keys, f, N_FIELDS);
	j = f[F_DEV];
	if (!cJSON_IsString(j) || !j->valuestring[0])
		return fail(err, xasprintf("%s: no \"dev\" string", where(&e)));
	ns->dev = j->valuestring;

	if ((r = get_str(f[F_NAME], "name", &ns->name, &e, err)) < 0 ||
	    (r = get_str(f[F_MODE], "mode", &ns->mode, &e, err)) < 0 ||
	    (r = get_str(f[F_UUID], "uuid", &ns->uuid, &e, err)) < 0 ||
	    (r = get_str(f[F_CHARDEV], "chardev", &ns->chardev, &e, err)) < 0 ||
	    (r = get_u64(f[F_SIZE], "size", true, &ns->size, &e, err)) < 0 ||
	    (r = get_u64(f[F_ALIGN], "align", false, &ns->align, &e, err)) < 0)
		return r;
	if (!ns->mode)
		ns->mode = (char *)"unknown";

	j = f[F_NUMA_NODE];
	if (j) {
		if (!cJSON_IsNumber(j) || j->valuedouble < 0 || j->valuedouble > 65535 ||
		    floor(j->valuedouble) != j->valuedouble)
			return fail(err, xasprintf("%s: \"numa_node\" is not a node number", where(&e)));
		ns->numa_node = (int)j->valuedouble;
	}

	j = f[F_STATE];
	if (cJSON_IsString(j) && streq(j->valuestring, "disabled"))
		ns->enabled = false;

	/* The region alignment is what the device maps at; it wins over the
	 * namespace's own "align", as Nova takes daxregion.align. */
	region = f[F_DAXREGION];
	if (region) {
		const cJSON *rf[2], *df[2], *devs, *dev0;

		if (!cJSON_IsObject(region))
			return fail(err, xasprintf("%s: \"daxregion\" is not an object", where(&e)));
		json_fields(region, region_keys, rf, 2);
		if ((r = get_u64(rf[0], "align", false, &ns->align, &e, err)) < 0)
			return r;
		devs = rf[1];
		if (devs && !cJSON_IsArray(devs))
			return fail(err, xasprintf("%s: \"daxregion.devices\" is not an array", where(&e)));
		dev0 = cJSON_GetArrayItem(devs, 0);
		if (dev0) {
			ns->chardev = NULL;
			json_fields(dev0, device_keys, df, 2);
			if ((r = get_str(df[0], "chardev", &ns->chardev, &e, err)) < 0)
				return r;
			j = df[1];
			if (cJSON_IsString(j) && streq(j->valuestring, "disabled"))
				ns->enabled = false;
		}
	}
	if (ns->chardev && (strchr(ns->chardev, '/') || streq(ns->chardev, "..")))
		return fail(err, xasprintf("%s: \"chardev\" \"%s\" is not a device name", where(&e),
					   ns->chardev));
	return 0;
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

/* Where to cut a top-level array in two near its middle: the offset of a
 * comma between two of its elements, or 0 when there is none (not an
 * array, or too short). Strings are skipped with their escapes and nesting
 * is followed; cJSON then checks each half in full, and a cut in the wrong
 * place leaves two halves that do not parse (the caller then parses the
 * whole, for the same result and the same message). */
static size_t split_point(const char *text, size_t len)
{
	const char *p = text + strspn(text, " \t\r\n"), *end = text + len;
	size_t depth = 0;

	if (*p != '[')
		return 0;
	/* strcspn skips the runs between the bytes that matter, many at a time */
	for (; p < end; p++) {
		p += strcspn(p, "\"[]{},");
		switch (*p) {
		case '"':
			for (p++; *p && *p != '"'; p++) {
				p += strcspn(p, "\"\\");
				if (*p == '\\' && p[1])
					p++;
				else
					break;
			}
			if (!*p)
				return 0;
			break;
		case '[': case '{':
			depth++;
			break;
		case ']': case '}':
			if (depth-- <= 1)
				return 0;
			break;
		case ',':
			if (depth == 1 && p >= text + len / 2)
				return (size_t)(p - text);
			break;
		default: /* the end */
			return 0;
		}
	}
	return 0;
}

/* A cut that a snapshot as ndctl writes it gives away without a scan: a
 * comma past the middle between a "}" and a "{" that opens with "dev", the
 * first member ndctl prints of a namespace (badblocks and devices, the
 * other objects in arrays, open with other keys). 0 when there is none.
 * Only a guess: the halves are checked like any cut, and a wrong one costs
 * the scan after all. */
static size_t guess_split(const char *text, size_t len)
{
	const char *p = text + len / 2, *end = text + len;

	if (text[strspn(text, " \t\r\n")] != '[')
		return 0;
	while (p < end && (p = memchr(p, ',', (size_t)(end - p)))) {
		const char *b = p, *f = p + 1;

		while (b > text && strchr(" \t\r\n", b[-1]) && b[-1])
			b--;
		f += strspn(f, " \t\r\n");
		if (b > text && b[-1] == '}' && *f == '{') {
			f++;
			f += strspn(f, " \t\r\n");
			if (strncmp(f, "\"dev\"", 5) == 0)
				return (size_t)(p - text);
		}
		p++;
	}
	return 0;
}

/* One half of a cut array: text[0, len) parsed as one JSON value (nothing
 * but whitespace may follow it), then, on the thread that parsed it, its
 * namespaces read into ns (base: the index of its first in the whole, for
 * messages). */
struct half {
	const char *text;
	size_t len;
	struct json_doc doc;
	bool read;              /* ns holds its namespaces */
	struct host_ns *ns;
	size_t n;
};

static void parse_half(struct half *hf)
{
	json_doc_parse_n(&hf->doc, hf->text, hf->len);
}

/* The second half's namespaces are read on its own thread too. A wrong
 * entry is left for the host thread to find again, which numbers it as
 * the whole does. */
static void *parse_half_thread(void *arg)
{
	struct half *hf = arg;
	struct host part = { 0 };
	char *err = NULL;

	parse_half(hf);
	if (cJSON_IsArray(hf->doc.root) && add_list(hf->doc.root, &part, &err) == 0) {
		hf->ns = part.ns;
		hf->n = part.n;
		hf->read = true;
	} else {
		free(part.ns);
		free(err);
	}
	json_thread_done();
	return NULL;
}

/* The array cut at the comma text[cut] into "[e1, ..., ek]" and
 * "[ek+1, ..., en]", parsed on two threads. In place where it can be: the
 * comma becomes the first half's "]" and the blank after it the second's
 * "["; both are put back. Returns 1 with both documents' namespaces in h, 0
 * when the halves are not two non-empty arrays (the caller tries another
 * way), or -EINVAL (with *err) when an entry is wrong. */
static int parse_cut(char *text, size_t len, size_t cut, struct host *h, char **err)
{
	struct half half[2] = { { .text = text, .len = cut + 1 } };
	char *copy = NULL, blank = text[cut + 1];
	pthread_t thread;
	bool threaded;
	int r;

	text[cut] = ']';
	if (strchr(" \t\r\n", blank) && blank) {
		text[cut + 1] = '[';
		half[1].text = text + cut + 1;
		half[1].len = len - cut - 1;
	} else {
		copy = xmalloc(len - cut + 1);
		copy[0] = '[';
		memcpy(copy + 1, text + cut + 1, len - cut);
		half[1].text = copy;
		half[1].len = len - cut;
	}
	threaded = pthread_create(&thread, NULL, parse_half_thread, &half[1]) == 0;
	parse_half(&half[0]);
	if (threaded)
		pthread_join(thread, NULL);
	else
		parse_half(&half[1]);
	text[cut] = ',';
	text[cut + 1] = blank;
	free(copy);
	/* Two non-empty arrays: then the whole is their elements, comma
	 * separated, and valid (a cut at "[," or ", ]" would leave an empty
	 * half that parses where the whole does not). */
	if (!cJSON_IsArray(half[0].doc.root) || !cJSON_IsArray(half[1].doc.root) ||
	    !half[0].doc.root->child || !half[1].doc.root->child) {
		json_doc_free(&half[0].doc);
		json_doc_free(&half[1].doc);
		free(half[1].ns);
		return 0;
	}
	h->doc = xcalloc(2, sizeof(*h->doc));
	h->doc[0] = half[0].doc;
	h->doc[1] = half[1].doc;
	h->n_doc = 2;
	if ((r = add_list(half[0].doc.root, h, err)) < 0)
		goto out;
	if (!half[1].read) {
		r = add_list(half[1].doc.root, h, err);
		goto out;
	}
	h->ns = xreallocarray(h->ns, h->n + half[1].n, sizeof(*h->ns));
	memcpy(h->ns + h->n, half[1].ns, half[1].n * sizeof(*h->ns));
	h->n += half[1].n;
	r = 1;
out:
	free(half[1].ns);
	return r < 0 ? r : 1;
}

/* A large array parsed as two arrays, its halves, on two threads: cut where
 * guess_split says, else where split_point finds. 1 done, 0 not done (the
 * caller parses the whole), or -EINVAL (with *err). */
static int parse_split(char *text, size_t len, struct host *h, char **err)
{
	size_t guess = guess_split(text, len), cut;
	int r;

	if (guess && (r = parse_cut(text, len, guess, h, err)) != 0)
		return r;
	cut = split_point(text, len);
	if (!cut || cut == guess)
		return 0;
	return parse_cut(text, len, cut, h, err);
}

int host_parse_snapshot(const char *text, struct host *h, char **err)
{
	char *copy = xstrdup(text);
	int r = host_parse_snapshot_split(copy, SNAPSHOT_SPLIT_MIN, h, err);

	free(copy);
	return r;
}

int host_parse_snapshot_split(char *text, size_t split_min, struct host *h, char **err)
{
	struct json_doc doc;
	const cJSON *root, *j;
	size_t len;
	int r;

	*h = (struct host){ 0 };
	*err = NULL;
	if (str_is_blank(text))
		return 0; /* ndctl prints nothing at all when it finds nothing */
	len = strlen(text);
	if (len >= split_min) {
		r = parse_split(text, len, h, err);
		if (r < 0)
			host_free(h);
		if (r != 0)
			return r < 0 ? r : 0;
	}
	json_doc_parse(&doc, text);
	root = doc.root;
	if (!root) {
		int line, col;

		where_in_text(text, doc.error_at ? doc.error_at : text, &line, &col);
		json_doc_free(&doc);
		return fail(err, xasprintf("not valid JSON (line %d, column %d)", line, col));
	}
	/* the document first, so that a failure below frees it with the host */
	h->doc = xmalloc(sizeof(*h->doc));
	*h->doc = doc;
	h->n_doc = 1;
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
	if (r < 0)
		host_free(h);
	return r;
}
