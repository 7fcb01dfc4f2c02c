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

/* The whitespace of JSON, between tokens. */
#define JSON_BLANKS " \t\r\n"

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

/* The mode of an entry without one; not a string of the document. */
static const char unknown_mode[] = "unknown";

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
		ns->mode = (char *)unknown_mode;

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
	const char *p = text + strspn(text, JSON_BLANKS), *end = text + len;
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

/* A cut that a snapshot as ndctl writes it gives away without a scan: the
 * first comma from "from" on between a "}" and a "{" that opens with "dev",
 * the first member ndctl prints of a namespace (badblocks and devices, the
 * other objects in arrays, open with other keys). 0 when there is none.
 * Only a guess: the pieces are checked like any cut, and a wrong guess
 * costs the scan after all. */
static size_t guess_cut(const char *text, size_t len, size_t from)
{
	const char *p = text + from, *end = text + len;

	while (p < end && (p = memchr(p, ',', (size_t)(end - p)))) {
		const char *b = p, *f = p + 1;

		while (b > text && b[-1] && strchr(JSON_BLANKS, b[-1]))
			b--;
		f += strspn(f, JSON_BLANKS);
		if (b > text && b[-1] == '}' && *f == '{') {
			f++;
			f += strspn(f, JSON_BLANKS);
			if (strncmp(f, "\"dev\"", 5) == 0)
				return (size_t)(p - text);
		}
		p++;
	}
	return 0;
}

/* A piece of a cut array, "[e_i, ..., e_j]". Whichever thread takes it
 * parses it, reads its namespaces into ns, copies their strings into its
 * own block and drops the document: the thread's next piece is parsed in
 * the same memory (json_doc_free keeps it), so a snapshot of 900 KB takes
 * two arenas of a piece each instead of 6 MiB of nodes, which the kernel
 * would have to clear first. */
struct piece {
	const char *text;
	size_t len;
	char *copy;             /* the text, when no blank could take its '[' */
	size_t arena;           /* bytes to map for parsing it */
	bool parsed, read;      /* a non-empty array; its entries all right */
	struct host_ns *ns;
	size_t n;
	char *strings;          /* the namespaces' strings */
};

struct pieces {
	struct piece *pc;
	size_t n;
	pthread_mutex_t lock;
	size_t next;            /* under lock: the next piece to take */
};

static void parse_piece(struct piece *pc)
{
	struct json_doc doc;
	struct host part = { 0 };
	char *err = NULL, *cursor;

	json_doc_parse_sized(&doc, pc->text, pc->len, pc->arena);
	pc->parsed = cJSON_IsArray(doc.root) && doc.root->child;
	if (pc->parsed && add_list(doc.root, &part, &err) == 0) {
		/* the strings come from the text: its length bounds them */
		pc->strings = cursor = xmalloc(pc->len + 1);
		for (size_t i = 0; i < part.n; i++) {
			struct host_ns *ns = &part.ns[i];

			ns->name = str_put(&cursor, ns->name);
			ns->dev = str_put(&cursor, ns->dev);
			if (ns->mode != unknown_mode)
				ns->mode = str_put(&cursor, ns->mode);
			ns->uuid = str_put(&cursor, ns->uuid);
			ns->chardev = str_put(&cursor, ns->chardev);
		}
		pc->ns = part.ns;
		pc->n = part.n;
		pc->read = true;
	} else {
		free(part.ns);
		free(err);
	}
	json_doc_free(&doc);
}

static void *take_pieces(void *arg)
{
	struct pieces *ps = arg;

	for (;;) {
		size_t i;

		pthread_mutex_lock(&ps->lock);
		i = ps->next < ps->n ? ps->next++ : ps->n;
		pthread_mutex_unlock(&ps->lock);
		if (i == ps->n)
			return NULL;
		parse_piece(&ps->pc[i]);
	}
}

static void *take_pieces_thread(void *arg)
{
	take_pieces(arg);
	json_thread_done();
	return NULL;
}

/* The array cut at the commas text[cut[0]] < ... < text[cut[ncut - 1]] into
 * ncut + 1 arrays, parsed on this thread and one more. In place where it
 * can be: each comma becomes the "]" of the piece before and the blank
 * after it the "[" of the piece after; all are put back. Returns 1 with the
 * namespaces in h; 0 when a piece is not a non-empty array (the cut was
 * wrong); -1 when the pieces are right but an entry is not (the whole then
 * says which, by its place in the whole). */
static int parse_pieces(char *text, size_t len, const size_t *cut, size_t ncut, struct host *h)
{
	struct pieces ps = { .n = ncut + 1 };
	char *blank = xcalloc(ps.n, 1);
	size_t longest = 0, total = 0;
	pthread_t thread;
	bool threaded, ok = true, parsed = true;

	ps.pc = xcalloc(ps.n, sizeof(*ps.pc));
	pthread_mutex_init(&ps.lock, NULL);
	for (size_t i = 0; i < ncut; i++)
		text[cut[i]] = ']';
	for (size_t i = 0; i < ps.n; i++) {
		struct piece *pc = &ps.pc[i];
		size_t start = i ? cut[i - 1] + 1 : 0, stop = i < ncut ? cut[i] + 1 : len;

		if (!i) {
			pc->text = text;
			pc->len = stop;
		} else if (text[start] && strchr(JSON_BLANKS, text[start])) {
			blank[i] = text[start];
			text[start] = '[';
			pc->text = text + start;
			pc->len = stop - start;
		} else {
			pc->copy = xmalloc(stop - start + 2);
			pc->copy[0] = '[';
			memcpy(pc->copy + 1, text + start, stop - start);
			pc->copy[stop - start + 1] = '\0';
			pc->text = pc->copy;
			pc->len = stop - start + 1;
		}
		if (pc->len > longest)
			longest = pc->len;
	}
	/* each thread's arena fits any piece, so that it serves them all */
	for (size_t i = 0; i < ps.n; i++)
		ps.pc[i].arena = longest;
	threaded = pthread_create(&thread, NULL, take_pieces_thread, &ps) == 0;
	take_pieces(&ps);
	if (threaded)
		pthread_join(thread, NULL);
	pthread_mutex_destroy(&ps.lock);
	for (size_t i = 0; i < ncut; i++)
		text[cut[i]] = ',';
	for (size_t i = 1; i < ps.n; i++) {
		if (blank[i])
			text[cut[i - 1] + 1] = blank[i];
		free(ps.pc[i].copy);
	}
	free(blank);
	/* Non-empty arrays all: then the whole is their elements, comma
	 * separated, and valid (a cut at "[," or ", ]" would leave an empty
	 * piece that parses where the whole does not). */
	for (size_t i = 0; i < ps.n; i++) {
		parsed = parsed && ps.pc[i].parsed;
		ok = ok && ps.pc[i].read;
		total += ps.pc[i].n;
	}
	if (ok) {
		h->ns = xmalloc_populated((total ? total : 1) * sizeof(*h->ns));
		h->strings = xcalloc(ps.n, sizeof(*h->strings));
		for (size_t i = 0; i < ps.n; i++) {
			memcpy(h->ns + h->n, ps.pc[i].ns, ps.pc[i].n * sizeof(*h->ns));
			h->n += ps.pc[i].n;
			h->strings[h->n_strings++] = ps.pc[i].strings;
			ps.pc[i].strings = NULL;
		}
	}
	for (size_t i = 0; i < ps.n; i++) {
		free(ps.pc[i].ns);
		free(ps.pc[i].strings);
	}
	free(ps.pc);
	return ok ? 1 : parsed ? -1 : 0;
}

/* Text per piece: small enough that a thread's arena for it is small (seven
 * bytes of nodes a byte of text), large enough that there are few. */
#define PIECE_LEN (64u << 10)
#define PIECES_MAX 64

/* A large array parsed in pieces on two threads: cut where guess_cut says,
 * else in two where split_point finds. true done, false not done (the
 * caller parses the whole). */
static bool parse_split(char *text, size_t len, struct host *h)
{
	size_t n = len / PIECE_LEN, cut[PIECES_MAX] = { 0 }, ncut = 0, one;
	int r = 0;

	if (n < 2)
		n = 2;
	if (n > PIECES_MAX)
		n = PIECES_MAX;
	if (text[strspn(text, JSON_BLANKS)] == '[') {
		for (size_t i = 1; i < n; i++) {
			size_t from = len * i / n, c;

			if (ncut && from <= cut[ncut - 1])
				from = cut[ncut - 1] + 1;
			if (!(c = guess_cut(text, len, from)))
				break;
			cut[ncut++] = c;
		}
	}
	if (ncut && (r = parse_pieces(text, len, cut, ncut, h)) != 0)
		return r > 0;
	one = split_point(text, len);
	if (!one || (ncut == 1 && one == cut[0]))
		return false;
	return parse_pieces(text, len, &one, 1, h) > 0;
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
	if (len >= split_min && parse_split(text, len, h))
		return 0;
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
