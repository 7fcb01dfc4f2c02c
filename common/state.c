/* SPDX-License-Identifier: MIT */
#include "state.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "jsonout.h"
#include "jsonparse.h"
#include "log.h"
#include "output.h"
#include "util.h"

/* 4096 claims take about 1 MiB; leave a wide margin. */
#define STATE_MAX (256u << 20)

const char *now_rfc3339(char *buf, size_t len)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

/* The empty state, field by field: clang's analyzer loses track of the NULLs
 * of a compound literal assigned whole, and then sees double frees. */
static void state_init(struct state *st)
{
	st->generation = 0;
	st->claims = NULL;
	st->n_claims = 0;
	st->q = NULL;
	st->n_q = 0;
}

/* ---- parsing ---------------------------------------------------------- */

/* A whole number a JSON double holds exactly (up to 2^53). */
static bool exact_u64(double v)
{
	return v >= 0 && v <= 9007199254740992.0 && floor(v) == v;
}

static int bad(char **err, char *msg)
{
	*err = msg;
	return -EINVAL;
}

/* Where a message points: "claim 3", formatted only for a message. */
struct where {
	const char *kind;
	size_t idx;
	char buf[64];
};

static const char *at(struct where *w)
{
	snprintf(w->buf, sizeof(w->buf), "%s %zu", w->kind, w->idx);
	return w->buf;
}

static int get_string(const cJSON *j, const char *key, bool required, char **out,
		      struct where *w, char **err)
{
	*out = NULL;
	if (!j || cJSON_IsNull(j)) {
		if (required)
			return bad(err, xasprintf("%s: no \"%s\"", at(w), key));
		return 0;
	}
	if (!cJSON_IsString(j) || (required && !j->valuestring[0]))
		return bad(err, xasprintf("%s: \"%s\" is not a string", at(w), key));
	*out = j->valuestring; /* in the document: claim_new copies */
	return 0;
}

static size_t size_of(const char *s)
{
	return s ? strlen(s) + 1 : 0;
}

struct claim claim_new(const char *instance, const char *created, size_t n,
		       const char *const *names, const char *const *uuids,
		       const char *const *labels)
{
	size_t bytes = size_of(instance) + size_of(created);
	struct claim c = { .n_ns = n, .n_labels = n };
	char *cursor;

	for (size_t i = 0; i < n; i++)
		bytes += size_of(names[i]) + size_of(uuids[i]) + size_of(labels[i]);
	/* [n claim_ns][n label pointers][the strings] */
	c.ns = xmalloc(n * sizeof(*c.ns) + n * sizeof(*c.labels) + bytes);
	c.labels = (char **)(c.ns + n);
	cursor = (char *)(c.labels + n);
	c.instance = str_put(&cursor, instance);
	c.created = str_put(&cursor, created);
	for (size_t i = 0; i < n; i++) {
		c.ns[i].name = str_put(&cursor, names[i]);
		c.ns[i].uuid = str_put(&cursor, uuids[i]);
		c.ns[i].label = str_put(&cursor, labels[i]);
		c.labels[i] = c.ns[i].label;
	}
	return c;
}

static const char *const claim_keys[] = {
	"instance", "created", "namespaces", "releasing_pid", "releasing_start",
};
static const char *const claim_ns_keys[] = { "name", "uuid", "label" };

/* Claims hold a few namespaces; more take a heap array. */
#define CLAIM_NS_ON_STACK 8

static int parse_claim(const cJSON *jc, size_t idx, struct claim *c, char **err)
{
	struct where w = { "claim", idx, "" };
	const cJSON *f[5], *nss, *j;
	char *instance, *created;
	char *stack[3 * CLAIM_NS_ON_STACK], **heap = NULL, **names, **uuids, **labels;
	size_t n, i = 0;
	int r;

	*c = (struct claim){ 0 };
	if (!cJSON_IsObject(jc))
		return bad(err, xasprintf("%s: not an object", at(&w)));
	json_fields(jc, claim_keys, f, 5);
	if ((r = get_string(f[0], "instance", true, &instance, &w, err)) < 0 ||
	    (r = get_string(f[1], "created", false, &created, &w, err)) < 0)
		return r;
	/* The labels asked for are the namespaces' labels, in order: one
	 * namespace per label, so they are not stored twice. */
	nss = f[2];
	if (!cJSON_IsArray(nss) || !nss->child)
		return bad(err, xasprintf("%s (%s): \"namespaces\" must be a non-empty array",
					  at(&w), instance));
	n = (size_t)cJSON_GetArraySize(nss);
	names = n <= CLAIM_NS_ON_STACK ? stack : (heap = xcalloc(3 * n, sizeof(char *)));
	uuids = names + n;
	labels = uuids + n;
	cJSON_ArrayForEach(j, nss) {
		const cJSON *nf[3];

		if (!cJSON_IsObject(j)) {
			r = bad(err, xasprintf("%s (%s): a namespace is not an object", at(&w),
					       instance));
			goto out;
		}
		json_fields(j, claim_ns_keys, nf, 3);
		if ((r = get_string(nf[0], "name", true, &names[i], &w, err)) < 0 ||
		    (r = get_string(nf[1], "uuid", false, &uuids[i], &w, err)) < 0 ||
		    (r = get_string(nf[2], "label", true, &labels[i], &w, err)) < 0)
			goto out;
		i++;
	}
	*c = claim_new(instance, created, n, (const char *const *)names,
		       (const char *const *)uuids, (const char *const *)labels);
	j = f[3];
	if (j && cJSON_IsNumber(j) && j->valuedouble > 0 && j->valuedouble < INT32_MAX)
		c->releasing_pid = (int)j->valuedouble;
	j = f[4];
	if (j && cJSON_IsNumber(j) && exact_u64(j->valuedouble))
		c->releasing_start = (uint64_t)j->valuedouble;
out:
	free(heap);
	return r;
}

static const char *const quarantine_keys[] = { "name", "uuid", "reason", "since" };

static int parse_quarantine(const cJSON *jq, size_t idx, struct quarantine *q, char **err)
{
	struct where w = { "quarantine entry", idx, "" };
	char *name, *uuid, *reason, *since;
	const cJSON *f[4];
	int r;

	*q = (struct quarantine){ 0 };
	if (!cJSON_IsObject(jq))
		return bad(err, xasprintf("%s: not an object", at(&w)));
	json_fields(jq, quarantine_keys, f, 4);
	if ((r = get_string(f[0], "name", true, &name, &w, err)) < 0 ||
	    (r = get_string(f[1], "uuid", false, &uuid, &w, err)) < 0 ||
	    (r = get_string(f[2], "reason", false, &reason, &w, err)) < 0 ||
	    (r = get_string(f[3], "since", false, &since, &w, err)) < 0)
		return r;
	*q = (struct quarantine){
		.name = xstrdup(name),
		.uuid = uuid ? xstrdup(uuid) : NULL,
		.reason = reason ? xstrdup(reason) : NULL,
		.since = since ? xstrdup(since) : NULL,
	};
	return 0;
}

/* The members of the top-level object read before the claims. */
static int parse_header(const cJSON *root, struct state *st, char **err)
{
	const cJSON *j;

	if (!cJSON_IsObject(root))
		return bad(err, xstrdup("not a JSON object"));
	j = cJSON_GetObjectItemCaseSensitive(root, "version");
	if (!cJSON_IsNumber(j) || j->valuedouble < 1 || floor(j->valuedouble) != j->valuedouble)
		return bad(err, xstrdup("no valid \"version\""));
	if (j->valuedouble > STATE_VERSION) {
		*err = xasprintf("format version %.0f was written by a newer vpmemctl "
				 "(this one reads version %d)", j->valuedouble, STATE_VERSION);
		return -EPROTO;
	}
	j = cJSON_GetObjectItemCaseSensitive(root, "generation");
	if (!cJSON_IsNumber(j) || !exact_u64(j->valuedouble))
		return bad(err, xstrdup("no valid \"generation\""));
	st->generation = (uint64_t)j->valuedouble;
	return 0;
}

/* The claims of the array j, appended to st's (their room made already),
 * numbered from st->n_claims on in messages. */
static int parse_claims(const cJSON *j, struct state *st, char **err)
{
	const cJSON *item;
	int r;

	cJSON_ArrayForEach(item, j) {
		size_t i = st->n_claims++;

		if ((r = parse_claim(item, i, &st->claims[i], err)) < 0)
			return r;
	}
	return 0;
}

static int parse_quarantine_of(const cJSON *root, struct state *st, char **err)
{
	const cJSON *j = cJSON_GetObjectItemCaseSensitive(root, "quarantine"), *item;
	int r;

	if (j && !cJSON_IsArray(j))
		return bad(err, xstrdup("\"quarantine\" is not an array"));
	st->q = xcalloc((size_t)cJSON_GetArraySize(j), sizeof(*st->q));
	cJSON_ArrayForEach(item, j) {
		size_t i = st->n_q++;

		if ((r = parse_quarantine(item, i, &st->q[i], err)) < 0)
			return r;
	}
	return 0;
}

int state_parse(const char *text, struct state *st, char **err)
{
	const cJSON *j, *root;
	struct json_doc doc;
	int r;

	state_init(st);
	*err = NULL;
	json_doc_parse(&doc, text);
	root = doc.root;
	if (!root) {
		json_doc_free(&doc);
		return bad(err, xstrdup("not valid JSON (truncated or damaged)"));
	}
	if ((r = parse_header(root, st, err)) < 0)
		goto out;
	j = cJSON_GetObjectItemCaseSensitive(root, "claims");
	if (!cJSON_IsArray(j)) {
		r = bad(err, xstrdup("\"claims\" is not an array"));
		goto out;
	}
	st->claims = xcalloc((size_t)cJSON_GetArraySize(j), sizeof(*st->claims));
	if ((r = parse_claims(j, st, err)) < 0)
		goto out;
	r = parse_quarantine_of(root, st, err);
out:
	json_doc_free(&doc);
	if (r < 0)
		state_free(st);
	return r;
}

/* ---- a large state, in pieces ------------------------------------------ */

/* The state as state_format writes it begins with exactly this, the
 * version and the generation being digits. Returns the offset of the
 * claims' "[", or 0. */
static size_t canonical_head(const char *text)
{
	static const char *const parts[] = { "{\"version\":", ",\"generation\":", ",\"claims\":[" };
	const char *p = text;

	for (size_t i = 0; i < ARRAY_SIZE(parts); i++) {
		size_t n = strlen(parts[i]);

		if (strncmp(p, parts[i], n) != 0)
			return 0;
		p += n;
		if (i == ARRAY_SIZE(parts) - 1)
			break;
		if (*p < '0' || *p > '9')
			return 0;
		p += strspn(p, "0123456789");
	}
	return (size_t)(p - text) - 1;
}

/* The comma between two claims from "from" on, as state_format writes
 * them, or 0. Only a guess, checked as every cut is. */
static size_t claim_cut(const char *text, size_t len, size_t from)
{
	static const char between[] = "},{\"instance\":";
	const char *p;

	if (from >= len)
		return 0;
	p = memmem(text + from, len - from, between, sizeof(between) - 1);
	return p ? (size_t)(p - text) + 1 : 0;
}

/* cJSON refuses containers nested deeper than 1,000 (CJSON_NESTING_LIMIT).
 * A piece of the claims array is one level less deep than the claims are in
 * the whole: containers at level level and below must stay within max for
 * the piece to say what the whole would. */
static bool nests_within(const cJSON *j, int level, int max)
{
	if (!cJSON_IsArray(j) && !cJSON_IsObject(j))
		return true;
	if (level > max)
		return false;
	for (const cJSON *c = j->child; c; c = c->next)
		if (!nests_within(c, level + 1, max))
			return false;
	return true;
}

/* One array of claims at text[0, len): parsed, read into st, dropped. With
 * tail, only the array counts, wherever it ends: *tail gets where. */
static int claims_piece(const char *text, size_t len, size_t like, const char **tail,
			struct state *st, char **err)
{
	struct json_doc doc;
	const cJSON *root;
	size_t n;
	int r;

	if (tail)
		json_doc_parse_prefix(&doc, text, len, like, tail);
	else
		json_doc_parse_sized(&doc, text, len, like);
	root = doc.root;
	/* empty only when it is the whole array: then "[]"; and no deeper
	 * than the whole allows, one level down (its root is the claims array,
	 * which is the whole's second level) */
	if (!cJSON_IsArray(root) || (!root->child && (!tail || st->n_claims)) ||
	    !nests_within(root, 1, CJSON_NESTING_LIMIT - 1)) {
		json_doc_free(&doc);
		return -EAGAIN;
	}
	n = (size_t)cJSON_GetArraySize(root);
	st->claims = xreallocarray(st->claims, st->n_claims + n + 1, sizeof(*st->claims));
	r = parse_claims(root, st, err);
	json_doc_free(&doc);
	return r;
}

/* The claims array cut at claim boundaries into pieces of about piece_len
 * bytes, parsed one after the other in place (the comma before a piece
 * becomes its "[", the one after it its "]", then both are put back) in one
 * arena, each piece's nodes dropped once its claims are read: 460 KB of
 * claims then take 450 KB of nodes at a time instead of 3 MiB, which the
 * kernel would clear first. Anything that is not as state_format writes it
 * is left to state_parse, as is any error (its messages number claims in
 * the whole): -EAGAIN then. */
static int parse_in_pieces(char *text, size_t len, size_t piece_len, struct state *st,
			   char **err)
{
	size_t open = canonical_head(text), from, cut;
	char head[96], saved;
	struct json_doc doc;
	const char *tail = NULL;
	int r;

	if (!open || open + 4 > sizeof(head))
		return -EAGAIN;
	/* the head alone: {"version":V,"generation":G,"claims":[]} */
	memcpy(head, text, open + 1);
	memcpy(head + open + 1, "]}", 3);
	json_doc_parse(&doc, head);
	r = parse_header(doc.root, st, err);
	json_doc_free(&doc);
	if (r < 0)
		return -EAGAIN;
	/* A piece ends at the first claim boundary past piece_len: an arena
	 * for piece_len and a little more serves them all (one that overflows
	 * takes a chunk more). */
	for (from = open; (cut = claim_cut(text, len, from + piece_len)); from = cut) {
		saved = text[from];
		text[from] = '[';
		text[cut] = ']';
		r = claims_piece(text + from, cut + 1 - from, piece_len + 4096, NULL, st, err);
		text[from] = saved;
		text[cut] = ',';
		if (r < 0)
			return -EAGAIN;
	}
	/* the last piece runs into the rest: "[...],"quarantine":[...]}" */
	saved = text[from];
	text[from] = '[';
	r = claims_piece(text + from, len - from, piece_len + 4096, &tail, st, err);
	text[from] = saved;
	if (r < 0)
		return -EAGAIN;
	tail += strspn(tail, " \t\r\n");
	if (*tail == '}') {
		if (!str_is_blank(tail + 1))
			return -EAGAIN;
		st->q = xcalloc(0, sizeof(*st->q));
		return 0;
	}
	if (*tail != ',')
		return -EAGAIN;
	/* the members after the claims, as an object of their own */
	text[tail - text] = '{';
	json_doc_parse(&doc, tail);
	text[tail - text] = ',';
	/* "],}" does not parse as a whole, "{}" would */
	r = doc.root && doc.root->child ? parse_quarantine_of(doc.root, st, err) : -EAGAIN;
	json_doc_free(&doc);
	return r < 0 ? -EAGAIN : 0;
}

int state_parse_in_place(char *text, size_t piece_len, struct state *st, char **err)
{
	size_t len = strlen(text);

	state_init(st);
	*err = NULL;
	if (len >= 2 * piece_len && parse_in_pieces(text, len, piece_len, st, err) == 0)
		return 0;
	state_free(st);
	free(*err);
	*err = NULL;
	return state_parse(text, st, err);
}

/* Written as text directly (see jsonout.h): a commit of 4,096 claims used
 * to spend most of its time building and printing a cJSON tree. Members in
 * a fixed order; optional ones only when set. A claim's room is made once
 * (its strings escaped take at most six bytes a byte), then written through
 * a pointer. */
#define PUT(o, lit) (memcpy((o), (lit), sizeof(lit) - 1), (o) + sizeof(lit) - 1)

static void format_claim(struct jout *j, const struct claim *c, bool first)
{
	/* the members' names and punctuation, and two numbers, take less */
	size_t max = 160 + 48 * c->n_ns + json_str_max(c->instance) + json_str_max(c->created);
	char *o;

	for (size_t k = 0; k < c->n_ns; k++)
		max += json_str_max(c->ns[k].name) + json_str_max(c->ns[k].uuid) +
		       json_str_max(c->ns[k].label);
	o = jout_reserve(j, max);
	if (!first)
		*o++ = ',';
	o = PUT(o, "{\"instance\":");
	o = json_put_str(o, c->instance);
	o = PUT(o, ",\"namespaces\":[");
	for (size_t k = 0; k < c->n_ns; k++) {
		if (k)
			*o++ = ',';
		o = PUT(o, "{\"name\":");
		o = json_put_str(o, c->ns[k].name);
		if (c->ns[k].uuid) {
			o = PUT(o, ",\"uuid\":");
			o = json_put_str(o, c->ns[k].uuid);
		}
		o = PUT(o, ",\"label\":");
		o = json_put_str(o, c->ns[k].label);
		*o++ = '}';
	}
	*o++ = ']';
	if (c->created) {
		o = PUT(o, ",\"created\":");
		o = json_put_str(o, c->created);
	}
	if (c->releasing_pid) {
		/* positive (parse_claim checks), an integer as cJSON printed it */
		o = PUT(o, ",\"releasing_pid\":");
		o = json_put_u64(o, (uint64_t)c->releasing_pid);
		o = PUT(o, ",\"releasing_start\":");
		o = json_put_u64(o, c->releasing_start);
	}
	*o++ = '}';
	jout_commit(j, o);
}

static void format_quarantine(struct jout *j, const struct quarantine *q, bool first)
{
	size_t max = 96 + json_str_max(q->name) + json_str_max(q->uuid) + json_str_max(q->reason) +
		     json_str_max(q->since);
	char *o = jout_reserve(j, max);

	if (!first)
		*o++ = ',';
	o = PUT(o, "{\"name\":");
	o = json_put_str(o, q->name);
	if (q->uuid) {
		o = PUT(o, ",\"uuid\":");
		o = json_put_str(o, q->uuid);
	}
	if (q->reason) {
		o = PUT(o, ",\"reason\":");
		o = json_put_str(o, q->reason);
	}
	if (q->since) {
		o = PUT(o, ",\"since\":");
		o = json_put_str(o, q->since);
	}
	*o++ = '}';
	jout_commit(j, o);
}

char *state_format(const struct state *st)
{
	struct jout j;

	/* about what a claim of one namespace takes, so that it seldom grows */
	jout_init(&j, 256 + 160 * st->n_claims + 128 * st->n_q);
	jout_lit(&j, "{\"version\":");
	jout_u64(&j, STATE_VERSION);
	jout_lit(&j, ",\"generation\":");
	jout_u64(&j, st->generation);
	jout_lit(&j, ",\"claims\":[");
	for (size_t i = 0; i < st->n_claims; i++)
		format_claim(&j, &st->claims[i], i == 0);
	jout_lit(&j, "],\"quarantine\":[");
	for (size_t i = 0; i < st->n_q; i++)
		format_quarantine(&j, &st->q[i], i == 0);
	jout_lit(&j, "]}");
	return jout_take(&j, NULL);
}

struct claim *state_find_claim(const struct state *st, const char *instance)
{
	for (size_t i = 0; i < st->n_claims; i++)
		if (streq(st->claims[i].instance, instance))
			return &st->claims[i];
	return NULL;
}

struct quarantine *state_find_quarantine(const struct state *st, const char *name)
{
	for (size_t i = 0; i < st->n_q; i++)
		if (streq(st->q[i].name, name))
			return &st->q[i];
	return NULL;
}

void claim_clear(struct claim *c)
{
	free(c->ns); /* and with it everything else (claim_new) */
	*c = (struct claim){ 0 };
}

static void quarantine_clear(struct quarantine *q)
{
	free(q->name);
	free(q->uuid);
	free(q->reason);
	free(q->since);
	*q = (struct quarantine){ 0 };
}

void state_remove_claim(struct state *st, struct claim *c)
{
	size_t i = (size_t)(c - st->claims);

	claim_clear(c);
	memmove(&st->claims[i], &st->claims[i + 1], (st->n_claims - i - 1) * sizeof(*c));
	st->n_claims--;
}

void state_remove_quarantine(struct state *st, struct quarantine *q)
{
	size_t i = (size_t)(q - st->q);

	quarantine_clear(q);
	memmove(&st->q[i], &st->q[i + 1], (st->n_q - i - 1) * sizeof(*q));
	st->n_q--;
}

void state_free(struct state *st)
{
	for (size_t i = 0; i < st->n_claims; i++)
		claim_clear(&st->claims[i]);
	free(st->claims);
	for (size_t i = 0; i < st->n_q; i++)
		quarantine_clear(&st->q[i]);
	free(st->q);
	state_init(st);
}

/* ---- the store -------------------------------------------------------- */

static int mkdir_parents(const char *dir)
{
	_cleanup_free_ char *copy = xstrdup(dir);

	for (char *p = copy + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(copy, 0755) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	return 0;
}

int store_open(struct store *s, const char *dir, bool create)
{
	struct stat st;
	int r;

	*s = (struct store){ .dir = xstrdup(dir), .dirfd = -1, .lockfd = -1 };
	s->path = xasprintf("%s/%s", dir, STATE_FILE);
	s->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (s->dirfd < 0 && errno == ENOENT && create) {
		if ((r = mkdir_parents(dir)) < 0 || (mkdir(dir, 0700) < 0 && errno != EEXIST)) {
			r = r < 0 ? r : -errno;
			log_error("cannot create state directory %s: %s", dir, strerror(-r));
			return r;
		}
		s->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	}
	if (s->dirfd < 0) {
		r = -errno;
		if (r == -ENOENT && !create)
			return 0; /* nothing claimed yet */
		if (r == -ELOOP || r == -ENOTDIR)
			log_error("state directory %s is not a directory (or is a symbolic link); "
				  "refusing to use it", dir);
		else
			log_error("cannot open state directory %s: %s", dir, strerror(-r));
		return r;
	}
	if (fstat(s->dirfd, &st) < 0)
		return -errno;
	/* Fail closed: whoever can write here can hand out namespaces. */
	if (st.st_uid != geteuid() || (st.st_mode & 0022)) {
		log_error("state directory %s must be owned by uid %u and not writable by "
			  "group or others (it is uid %u, mode %04o)", dir, (unsigned)geteuid(),
			  (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777));
		return -EPERM;
	}
	return 0;
}

int store_lock(struct store *s, double timeout)
{
	struct timespec start, now;
	long delay_us = 1000;

	s->lockfd = openat(s->dirfd, LOCK_FILE, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (s->lockfd < 0) {
		int r = -errno;

		log_error("cannot open lock file %s/%s: %s", s->dir, LOCK_FILE, strerror(-r));
		return r;
	}
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		if (flock(s->lockfd, LOCK_EX | LOCK_NB) == 0)
			return 0;
		if (errno != EWOULDBLOCK && errno != EINTR) {
			int r = -errno;

			log_error("cannot lock %s/%s: %s", s->dir, LOCK_FILE, strerror(-r));
			return r;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		double waited = (double)(now.tv_sec - start.tv_sec) +
				(double)(now.tv_nsec - start.tv_nsec) / 1e9;
		if (waited >= timeout) {
			log_error("the state lock %s/%s is held by another vpmemctl; gave up after "
				  "%g seconds (--lock-timeout)", s->dir, LOCK_FILE, timeout);
			return -ETIMEDOUT;
		}
		usleep((useconds_t)delay_us);
		if (delay_us < 20000)
			delay_us *= 2;
	}
}

void store_unlock(struct store *s)
{
	if (s->lockfd >= 0) {
		close(s->lockfd); /* releases the flock */
		s->lockfd = -1;
	}
}

int store_load(struct store *s, struct state *st)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *text = NULL;
	_cleanup_free_ char *err = NULL;
	struct stat sb;
	size_t have = 0, cap;
	int r;

	state_init(st);
	if (s->dirfd < 0)
		return 0;
	fd = openat(s->dirfd, STATE_FILE, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		r = -errno;
		if (r == -ENOENT)
			return 0;
		if (r == -ELOOP)
			log_error("state file %s is a symbolic link; refusing to read it", s->path);
		else
			log_error("cannot open state file %s: %s", s->path, strerror(-r));
		return r;
	}
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode) || (uint64_t)sb.st_size > STATE_MAX) {
		log_error("state file %s is not a regular file of reasonable size", s->path);
		return -EINVAL;
	}
	cap = (size_t)sb.st_size + 2; /* the NUL, and no doubling to find the end */
	text = xmalloc_populated(cap);
	for (;;) {
		ssize_t n = read(fd, text + have, cap - have - 1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			log_error("cannot read state file %s: %s", s->path, strerror(-r));
			return r;
		}
		if (n == 0)
			break;
		have += (size_t)n;
		if (have + 1 == cap) {
			cap *= 2;
			text = xrealloc(text, cap);
		}
	}
	text[have] = '\0';
	r = state_parse_in_place(text, STATE_PIECE_LEN, st, &err);
	if (r < 0)
		log_error("state file %s: %s; it was left as it is, repair or move it away",
			  s->path, err);
	return r;
}

/* Temporary files of commits that were killed before their rename. Called
 * under the lock, when no other commit can be under way. */
static void remove_stale_temporaries(int dirfd)
{
	int fd = dup(dirfd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *e;
	size_t plen = strlen(STATE_FILE) + 2;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);

		if (e->d_name[0] == '.' && strncmp(e->d_name + 1, STATE_FILE, plen - 2) == 0 &&
		    len > plen + 4 && strcmp(e->d_name + len - 4, ".tmp") == 0)
			(void)unlinkat(dirfd, e->d_name, 0);
	}
	closedir(d);
}

int store_commit(struct store *s, struct state *st)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	int r;

	st->generation++;
	text = state_format(st);
	log_debug("state formatted at %.1f ms", log_elapsed_ms());
	len = strlen(text);
	text = xrealloc(text, len + 2);
	text[len++] = '\n';
	text[len] = '\0';
	remove_stale_temporaries(s->dirfd);
	r = replace_file_at(s->dirfd, STATE_FILE, s->path, text, len, NULL);
	if (r < 0) {
		st->generation--;
		log_error("cannot write state file %s: %s; the previous state is unchanged",
			  s->path, strerror(-r));
		return r;
	}
	log_debug("state written at %.1f ms", log_elapsed_ms());
	return 0;
}

void store_close(struct store *s)
{
	store_unlock(s);
	if (s->dirfd >= 0)
		close(s->dirfd);
	free(s->dir);
	free(s->path);
	*s = (struct store){ .dirfd = -1, .lockfd = -1 };
}
