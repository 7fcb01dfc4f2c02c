/* SPDX-License-Identifier: MIT */
#include "state.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "jsonout.h"
#include "util.h"

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
void state_init(struct state *st)
{
	st->generation = 0;
	st->claims = NULL;
	st->n_claims = 0;
	st->q = NULL;
	st->n_q = 0;
	st->extra.kv.v = NULL;
	st->extra.kv.n = 0;
	st->extra.kv.cap = 0;
}

static char *strdup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

struct claim claim_new(const char *instance, const char *created, size_t n,
		       const char *const *names, const char *const *uuids,
		       const char *const *labels)
{
	struct claim c = {
		.instance = xstrdup(instance),
		.created = strdup_or_null(created),
		.ns = xcalloc(n, sizeof(*c.ns)),
		.n_ns = n,
		.labels = xcalloc(n, sizeof(*c.labels)),
		.n_labels = n,
	};

	for (size_t i = 0; i < n; i++) {
		c.ns[i].name = xstrdup(names[i]);
		c.ns[i].uuid = strdup_or_null(uuids[i]);
		c.ns[i].label = xstrdup(labels[i]);
		c.labels[i] = c.ns[i].label;
	}
	return c;
}

static struct extra extra_copy(const struct extra *e)
{
	struct extra copy = { 0 };

	for (size_t i = 0; i < e->kv.n; i++)
		strv_push(&copy.kv, xstrdup(e->kv.v[i]));
	return copy;
}

static struct claim_ns *claim_ns_copy(const struct claim_ns *ns, size_t n)
{
	struct claim_ns *copy = xcalloc(n, sizeof(*copy));

	for (size_t i = 0; i < n; i++) {
		copy[i].name = xstrdup(ns[i].name);
		copy[i].uuid = strdup_or_null(ns[i].uuid);
		copy[i].label = xstrdup(ns[i].label);
		for (size_t d = 0; d < ns[i].n_shutdown; d++)
			claim_ns_set_shutdown(&copy[i], ns[i].shutdown[d].dimm,
					      ns[i].shutdown[d].count);
		copy[i].extra = extra_copy(&ns[i].extra);
	}
	return copy;
}

struct claim claim_copy(const struct claim *c)
{
	struct claim copy = {
		.instance = xstrdup(c->instance),
		.created = strdup_or_null(c->created),
		.ns = claim_ns_copy(c->ns, c->n_ns),
		.n_ns = c->n_ns,
		.labels = xcalloc(c->n_ns, sizeof(*copy.labels)),
		.n_labels = c->n_ns,
		.releasing_pid = c->releasing_pid,
		.releasing_start = c->releasing_start,
		.n_replacing = c->n_replacing,
		.extra = extra_copy(&c->extra),
	};

	for (size_t i = 0; i < c->n_ns; i++)
		copy.labels[i] = copy.ns[i].label;
	if (c->n_replacing)
		copy.replacing = claim_ns_copy(c->replacing, c->n_replacing);
	return copy;
}

/* ---- parsing ---------------------------------------------------------- */

/* A whole number a JSON double holds exactly (up to 2^53). */
static bool exact_u64(double v)
{
	return v >= 0 && v <= 9007199254740992.0 && floor(v) == v;
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

/* The string member key of obj, copied into *out; NULL when absent or null
 * and not required. */
static int get_string(const cJSON *obj, const char *key, bool required, char **out,
		      struct where *w, char **err)
{
	const cJSON *j = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (!j || cJSON_IsNull(j)) {
		if (required)
			return fail_with(err, xasprintf("%s: no \"%s\"", at(w), key));
		return 0;
	}
	if (!cJSON_IsString(j) || (required && !j->valuestring[0]))
		return fail_with(err, xasprintf("%s: \"%s\" is not a string", at(w), key));
	*out = xstrdup(j->valuestring);
	return 0;
}

/* Every member of obj not named in known (NULL-terminated) into extra. Each
 * parse function lists every member it reads and its format function
 * writes: one missing there would be written twice. */
static void keep_unknown(const cJSON *obj, const char *const *known, struct extra *extra)
{
	const cJSON *m;

	cJSON_ArrayForEach(m, obj) {
		const char *const *k = known;
		char *text;

		while (*k && !streq(*k, m->string))
			k++;
		if (*k || !m->string)
			continue;
		text = cJSON_PrintUnformatted(m);
		if (!text)
			oom();
		strv_push(&extra->kv, xstrdup(m->string));
		strv_push(&extra->kv, xstrdup(text));
		cJSON_free(text);
	}
}

static const char *const claim_members[] = {
	"instance", "namespaces", "created", "releasing_pid", "releasing_start", "replacing",
	NULL
};
static const char *const claim_ns_members[] = {
	"name", "uuid", "label", "shutdown_counts", NULL
};
static const char *const quarantine_members[] = { "name", "uuid", "reason", "since", NULL };
static const char *const state_members[] = {
	"version", "generation", "claims", "quarantine", NULL
};

/* {"DIMM": count, ...}: the dirty-shutdown counts when it was claimed. */
static int parse_shutdown(const cJSON *j, struct claim_ns *ns, struct where *w,
			  const char *instance, char **err)
{
	const cJSON *m;

	if (!j)
		return 0;
	if (!cJSON_IsObject(j))
		return fail_with(err, xasprintf("%s (%s): \"shutdown_counts\" is not an object", at(w),
					  instance));
	cJSON_ArrayForEach(m, j) {
		if (!cJSON_IsNumber(m) || !exact_u64(m->valuedouble))
			return fail_with(err, xasprintf("%s (%s): shutdown count of \"%s\" is not a "
						  "whole number", at(w), instance, m->string));
		claim_ns_set_shutdown(ns, m->string, (uint64_t)m->valuedouble);
	}
	return 0;
}

/* One {"name", "uuid", "label", "shutdown_counts"} of a claim's
 * "namespaces" or "replacing". */
static int parse_claim_ns(const cJSON *j, struct claim_ns *ns, struct where *w,
			  const char *instance, char **err)
{
	int r;

	if (!cJSON_IsObject(j))
		return fail_with(err, xasprintf("%s (%s): a namespace is not an object", at(w), instance));
	if ((r = get_string(j, "name", true, &ns->name, w, err)) < 0 ||
	    (r = get_string(j, "uuid", false, &ns->uuid, w, err)) < 0 ||
	    (r = get_string(j, "label", true, &ns->label, w, err)) < 0 ||
	    (r = parse_shutdown(cJSON_GetObjectItemCaseSensitive(j, "shutdown_counts"), ns, w,
				instance, err)) < 0)
		return r;
	keep_unknown(j, claim_ns_members, &ns->extra);
	return 0;
}

/* The labels asked for are the namespaces' labels, in order: one namespace
 * per label, so they are not stored twice. On error c is left for
 * claim_clear. */
static int parse_claim(const cJSON *jc, size_t idx, struct claim *c, char **err)
{
	struct where w = { "claim", idx, "" };
	const cJSON *nss, *j;
	size_t k = 0;
	int r;

	if (!cJSON_IsObject(jc))
		return fail_with(err, xasprintf("%s: not an object", at(&w)));
	if ((r = get_string(jc, "instance", true, &c->instance, &w, err)) < 0 ||
	    (r = get_string(jc, "created", false, &c->created, &w, err)) < 0)
		return r;
	nss = cJSON_GetObjectItemCaseSensitive(jc, "namespaces");
	if (!cJSON_IsArray(nss) || !nss->child)
		return fail_with(err, xasprintf("%s (%s): \"namespaces\" must be a non-empty array",
					  at(&w), c->instance));
	c->n_ns = c->n_labels = (size_t)cJSON_GetArraySize(nss);
	c->ns = xcalloc(c->n_ns, sizeof(*c->ns));
	c->labels = xcalloc(c->n_labels, sizeof(*c->labels));
	cJSON_ArrayForEach(j, nss) {
		if ((r = parse_claim_ns(j, &c->ns[k], &w, c->instance, err)) < 0)
			return r;
		c->labels[k] = c->ns[k].label;
		k++;
	}
	nss = cJSON_GetObjectItemCaseSensitive(jc, "replacing");
	if (nss && !cJSON_IsArray(nss))
		return fail_with(err, xasprintf("%s (%s): \"replacing\" is not an array", at(&w),
					  c->instance));
	if (nss && nss->child) {
		c->replacing = xcalloc((size_t)cJSON_GetArraySize(nss), sizeof(*c->replacing));
		cJSON_ArrayForEach(j, nss) {
			/* counted first: claim_clear frees what an error leaves */
			if ((r = parse_claim_ns(j, &c->replacing[c->n_replacing++], &w, c->instance,
						err)) < 0)
				return r;
		}
	}
	j = cJSON_GetObjectItemCaseSensitive(jc, "releasing_pid");
	if (cJSON_IsNumber(j) && j->valuedouble > 0 && j->valuedouble < INT32_MAX)
		c->releasing_pid = (int)j->valuedouble;
	j = cJSON_GetObjectItemCaseSensitive(jc, "releasing_start");
	if (cJSON_IsNumber(j) && exact_u64(j->valuedouble))
		c->releasing_start = (uint64_t)j->valuedouble;
	keep_unknown(jc, claim_members, &c->extra);
	return 0;
}

static int parse_quarantine(const cJSON *jq, size_t idx, struct quarantine *q, char **err)
{
	struct where w = { "quarantine entry", idx, "" };
	int r;

	if (!cJSON_IsObject(jq))
		return fail_with(err, xasprintf("%s: not an object", at(&w)));
	if ((r = get_string(jq, "name", true, &q->name, &w, err)) < 0 ||
	    (r = get_string(jq, "uuid", false, &q->uuid, &w, err)) < 0 ||
	    (r = get_string(jq, "reason", false, &q->reason, &w, err)) < 0 ||
	    (r = get_string(jq, "since", false, &q->since, &w, err)) < 0)
		return r;
	keep_unknown(jq, quarantine_members, &q->extra);
	return 0;
}

static int parse_header(const cJSON *root, struct state *st, char **err)
{
	const cJSON *j;

	if (!cJSON_IsObject(root))
		return fail_with(err, xstrdup("not a JSON object"));
	j = cJSON_GetObjectItemCaseSensitive(root, "version");
	if (!cJSON_IsNumber(j) || j->valuedouble < 1 || floor(j->valuedouble) != j->valuedouble)
		return fail_with(err, xstrdup("no valid \"version\""));
	if (j->valuedouble > STATE_VERSION) {
		*err = xasprintf("format version %.0f was written by a newer vpmemctl "
				 "(this one reads version %d)", j->valuedouble, STATE_VERSION);
		return -EPROTO;
	}
	j = cJSON_GetObjectItemCaseSensitive(root, "generation");
	if (!cJSON_IsNumber(j) || !exact_u64(j->valuedouble))
		return fail_with(err, xstrdup("no valid \"generation\""));
	st->generation = (uint64_t)j->valuedouble;
	return 0;
}

/* Each entry is counted in st as soon as it is started, so that state_free
 * frees what an error leaves half read. */
static int parse_claims(const cJSON *root, struct state *st, char **err)
{
	const cJSON *j = cJSON_GetObjectItemCaseSensitive(root, "claims"), *item;
	int r;

	if (!cJSON_IsArray(j))
		return fail_with(err, xstrdup("\"claims\" is not an array"));
	st->claims = xcalloc((size_t)cJSON_GetArraySize(j), sizeof(*st->claims));
	cJSON_ArrayForEach(item, j) {
		size_t i = st->n_claims++;

		if ((r = parse_claim(item, i, &st->claims[i], err)) < 0)
			return r;
	}
	return 0;
}

/* Optional: states written before quarantine existed have none. */
static int parse_quarantines(const cJSON *root, struct state *st, char **err)
{
	const cJSON *j = cJSON_GetObjectItemCaseSensitive(root, "quarantine"), *item;
	int r;

	if (j && !cJSON_IsArray(j))
		return fail_with(err, xstrdup("\"quarantine\" is not an array"));
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
	cJSON *root;
	int r;

	state_init(st);
	*err = NULL;
	root = cJSON_ParseWithOpts(text, NULL, true);
	if (!root)
		return fail_with(err, xstrdup("not valid JSON (truncated or damaged)"));
	if ((r = parse_header(root, st, err)) == 0 && (r = parse_claims(root, st, err)) == 0)
		r = parse_quarantines(root, st, err);
	if (r == 0)
		keep_unknown(root, state_members, &st->extra);
	cJSON_Delete(root);
	if (r < 0)
		state_free(st);
	return r;
}

/* ---- formatting ------------------------------------------------------- */

static void format_extra(struct jw *w, const struct extra *e)
{
	for (size_t i = 0; i + 1 < e->kv.n; i += 2)
		jw_raw(w, e->kv.v[i], e->kv.v[i + 1]);
}

static void format_claim_ns(struct jw *w, const char *key, const struct claim_ns *ns, size_t n)
{
	jw_array(w, key);
	for (size_t k = 0; k < n; k++) {
		jw_object(w, NULL);
		jw_str(w, "name", ns[k].name);
		if (ns[k].uuid)
			jw_str(w, "uuid", ns[k].uuid);
		jw_str(w, "label", ns[k].label);
		if (ns[k].n_shutdown) {
			jw_object(w, "shutdown_counts");
			for (size_t d = 0; d < ns[k].n_shutdown; d++)
				jw_u64(w, ns[k].shutdown[d].dimm, ns[k].shutdown[d].count);
			jw_end(w);
		}
		format_extra(w, &ns[k].extra);
		jw_end(w);
	}
	jw_end(w);
}

/* Members in a fixed order; optional ones only when set; unknown ones last. */
static void format_claim(struct jw *w, const struct claim *c)
{
	jw_object(w, NULL);
	jw_str(w, "instance", c->instance);
	format_claim_ns(w, "namespaces", c->ns, c->n_ns);
	if (c->created)
		jw_str(w, "created", c->created);
	if (c->releasing_pid) {
		jw_u64(w, "releasing_pid", (uint64_t)c->releasing_pid);
		jw_u64(w, "releasing_start", c->releasing_start);
	}
	if (c->n_replacing)
		format_claim_ns(w, "replacing", c->replacing, c->n_replacing);
	format_extra(w, &c->extra);
	jw_end(w);
}

static void format_quarantine(struct jw *w, const struct quarantine *q)
{
	jw_object(w, NULL);
	jw_str(w, "name", q->name);
	if (q->uuid)
		jw_str(w, "uuid", q->uuid);
	if (q->reason)
		jw_str(w, "reason", q->reason);
	if (q->since)
		jw_str(w, "since", q->since);
	format_extra(w, &q->extra);
	jw_end(w);
}

char *state_format(const struct state *st)
{
	struct jw w;
	unsigned version = 1;

	for (size_t i = 0; i < st->n_claims; i++)
		if (st->claims[i].n_replacing)
			version = 2;
	jw_init(&w, false, 4096);
	jw_object(&w, NULL);
	jw_u64(&w, "version", version);
	jw_u64(&w, "generation", st->generation);
	jw_array(&w, "claims");
	for (size_t i = 0; i < st->n_claims; i++)
		format_claim(&w, &st->claims[i]);
	jw_end(&w);
	jw_array(&w, "quarantine");
	for (size_t i = 0; i < st->n_q; i++)
		format_quarantine(&w, &st->q[i]);
	jw_end(&w);
	format_extra(&w, &st->extra);
	jw_end(&w);
	return jw_take(&w);
}

/* ---- the model -------------------------------------------------------- */

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

void claim_ns_set_shutdown(struct claim_ns *ns, const char *dimm, uint64_t count)
{
	struct shutdown_count *s = (struct shutdown_count *)claim_ns_shutdown(ns, dimm);

	if (!s) {
		ns->shutdown = xreallocarray(ns->shutdown, ns->n_shutdown + 1, sizeof(*ns->shutdown));
		s = &ns->shutdown[ns->n_shutdown++];
		s->dimm = xstrdup(dimm);
	}
	s->count = count;
}

void claim_ns_drop_shutdown(struct claim_ns *ns, const char *dimm)
{
	struct shutdown_count *s = (struct shutdown_count *)claim_ns_shutdown(ns, dimm);

	if (!s)
		return;
	free(s->dimm);
	*s = ns->shutdown[--ns->n_shutdown];
}

const struct shutdown_count *claim_ns_shutdown(const struct claim_ns *ns, const char *dimm)
{
	for (size_t i = 0; i < ns->n_shutdown; i++)
		if (streq(ns->shutdown[i].dimm, dimm))
			return &ns->shutdown[i];
	return NULL;
}

static void claim_ns_clear(struct claim_ns *ns, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		for (size_t d = 0; d < ns[i].n_shutdown; d++)
			free(ns[i].shutdown[d].dimm);
		free(ns[i].shutdown);
		free(ns[i].name);
		free(ns[i].uuid);
		free(ns[i].label);
		strv_clear(&ns[i].extra.kv);
	}
	free(ns);
}

void claim_drop_replacing(struct claim *c)
{
	claim_ns_clear(c->replacing, c->n_replacing);
	c->replacing = NULL;
	c->n_replacing = 0;
}

void claim_clear(struct claim *c)
{
	free(c->instance);
	free(c->created);
	claim_ns_clear(c->ns, c->n_ns);
	claim_drop_replacing(c);
	strv_clear(&c->extra.kv);
	free(c->labels);
	*c = (struct claim){ 0 };
}

static void quarantine_clear(struct quarantine *q)
{
	free(q->name);
	free(q->uuid);
	free(q->reason);
	free(q->since);
	strv_clear(&q->extra.kv);
	*q = (struct quarantine){ 0 };
}

void state_remove_claim(struct state *st, struct claim *c)
{
	size_t i = (size_t)(c - st->claims);

	claim_clear(c);
	memmove(&st->claims[i], &st->claims[i + 1], (st->n_claims - i - 1) * sizeof(*c));
	st->n_claims--;
}

void state_add_claim(struct state *st, struct claim c)
{
	st->claims = xreallocarray(st->claims, st->n_claims + 1, sizeof(*st->claims));
	st->claims[st->n_claims++] = c;
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
	strv_clear(&st->extra.kv);
	state_init(st);
}

char *claim_names(const struct claim *c)
{
	_cleanup_free_ char **v = xcalloc(c->n_ns ? c->n_ns : 1, sizeof(*v));

	for (size_t i = 0; i < c->n_ns; i++)
		v[i] = c->ns[i].name;
	return strv_join(v, c->n_ns, ",");
}

bool instance_is_domain(const char *instance, const char *name, const char *uuid)
{
	return instance && ((name && streq(instance, name)) || (uuid && !strcasecmp(instance, uuid)));
}

struct claim *domain_claim_of(const struct state *st, const char *name, const char *uuid)
{
	struct claim *c = name && *name ? state_find_claim(st, name) : NULL;

	for (size_t i = 0; !c && uuid && i < st->n_claims; i++)
		if (!strcasecmp(st->claims[i].instance, uuid))
			c = &st->claims[i];
	return c;
}
