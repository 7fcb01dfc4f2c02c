/* SPDX-License-Identifier: MIT */
#include "output.h"

#include <stdarg.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "jsonout.h"
#include "pool.h"
#include "state.h"
#include "util.h"

enum out_format format_parse(const char *name, unsigned allowed)
{
	static const struct { const char *name; enum out_format f; } formats[] = {
		{ "table", FMT_TABLE }, { "json", FMT_JSON }, { "placement", FMT_PLACEMENT },
	};

	for (size_t i = 0; i < ARRAY_SIZE(formats); i++)
		if (streq(name, formats[i].name) && (allowed & formats[i].f))
			return formats[i].f;
	return 0;
}

struct table {
	size_t ncols, nrows;
	const char *const *headers;
	char **cells;
};

struct table *table_new(size_t ncols, const char *const *headers)
{
	struct table *t = xcalloc(1, sizeof(*t));

	t->ncols = ncols;
	t->headers = headers;
	return t;
}

void table_add(struct table *t, ...)
{
	va_list ap;

	t->cells = xreallocarray(t->cells, (t->nrows + 1) * t->ncols, sizeof(*t->cells));
	va_start(ap, t);
	for (size_t c = 0; c < t->ncols; c++) {
		const char *s = va_arg(ap, const char *);

		t->cells[t->nrows * t->ncols + c] = xstrdup(s ? s : "-");
	}
	va_end(ap);
	t->nrows++;
}

static const char *header_text(const struct table *t, size_t c)
{
	return t->headers[c] + (t->headers[c][0] == '>');
}

void table_print(const struct table *t, FILE *f)
{
	_cleanup_free_ size_t *w = xcalloc(t->ncols, sizeof(*w));

	for (size_t c = 0; c < t->ncols; c++) {
		w[c] = strlen(header_text(t, c));
		for (size_t r = 0; r < t->nrows; r++) {
			size_t len = strlen(t->cells[r * t->ncols + c]);

			if (len > w[c])
				w[c] = len;
		}
	}
	for (size_t r = 0; r <= t->nrows; r++) {
		for (size_t c = 0; c < t->ncols; c++) {
			const char *s = r == 0 ? header_text(t, c) : t->cells[(r - 1) * t->ncols + c];
			bool right = t->headers[c][0] == '>';
			bool last = c + 1 == t->ncols;

			if (right)
				fprintf(f, "%*s", (int)w[c], s);
			else if (last)
				fputs(s, f);
			else
				fprintf(f, "%-*s", (int)w[c], s);
			fputs(last ? "\n" : "  ", f);
		}
	}
}

void table_free(struct table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t);
}

bool json_pretty(void)
{
	/* Indented for a person at a terminal; one compact line for a script,
	 * a pipe or a file: a third less to read, and either parses to the
	 * same document. */
	return isatty(STDOUT_FILENO);
}

/* Called for every namespace of an inventory. */
void jw_pool_ns(struct jw *w, const struct pool *pool, const struct pool_ns *p)
{
	jw_object(w, NULL);
	jw_str(w, "name", p->name);
	jw_str(w, "label", p->label->label);
	jw_str(w, "resource_class", p->label->rc);
	if (!p->host) {
		/* the same keys, null: it cannot be used (state says why) */
		jw_null(w, "dev");
		jw_null(w, "devpath");
		jw_null(w, "uuid");
		jw_null(w, "size");
		jw_null(w, "align");
		jw_null(w, "numa_node");
		jw_null(w, "badblock_count");
		jw_null(w, "dimm_health");
		jw_null(w, "dimms");
	} else {
		jw_str(w, "dev", p->host->dev);
		jw_str(w, "devpath", p->devpath);
		jw_str(w, "uuid", p->host->uuid);
		jw_u64(w, "size", p->host->size);
		jw_u64(w, "align", p->host->align);
		if (p->host->numa_node >= 0)
			jw_u64(w, "numa_node", (uint64_t)p->host->numa_node);
		else
			jw_null(w, "numa_node");
		if (p->host->badblocks_known)
			jw_u64(w, "badblock_count", p->host->badblocks);
		else
			jw_null(w, "badblock_count");
		jw_str(w, "dimm_health", dimm_health_name(p->host->health));
		jw_array(w, "dimms");
		for (size_t k = 0; k < p->host->n_dimm; k++)
			jw_str(w, NULL, pool->host->dimms[p->host->dimm[k]].dev);
		jw_end(w);
	}
	jw_str(w, "state", ns_state_name(p));
	jw_str(w, "instance", p->instance);
	if (p->claim && p->claim->releasing_pid)
		jw_u64(w, "releasing_pid", (uint64_t)p->claim->releasing_pid);
	jw_end(w);
}

/* {RC: count} of a claim, as claim's JSON and Placement's allocations have
 * it: the classes in the order the claim first names them. */
void jw_resources(struct jw *w, const char *key, const struct claim *c)
{
	char **rcs = xcalloc(c->n_ns, sizeof(*rcs));

	for (size_t i = 0; i < c->n_ns; i++)
		rcs[i] = ns_resource_class(c->ns[i].label);
	jw_object(w, key);
	for (size_t i = 0; i < c->n_ns; i++) {
		size_t count = 0, k;

		for (k = 0; k < i && !streq(rcs[k], rcs[i]); k++)
			;
		if (k < i)
			continue; /* counted with its first */
		for (k = i; k < c->n_ns; k++)
			count += streq(rcs[k], rcs[i]);
		jw_u64(w, rcs[i], count);
	}
	jw_end(w);
	for (size_t i = 0; i < c->n_ns; i++)
		free(rcs[i]);
	free(rcs);
}

void jw_claim_members(struct jw *w, const struct claim *c, const struct pool *pool, bool created)
{
	jw_str(w, "instance", c->instance);
	jw_array(w, "labels");
	for (size_t i = 0; i < c->n_labels; i++)
		jw_str(w, NULL, c->labels[i]);
	jw_end(w);
	jw_bool(w, "created", created);
	jw_resources(w, "resources", c);
	jw_array(w, "namespaces");
	for (size_t i = 0; i < c->n_ns; i++) {
		const struct pool_ns *p = pool_find(pool, c->ns[i].name);
		_cleanup_free_ char *rc = NULL;

		if (p) {
			jw_pool_ns(w, pool, p);
			continue;
		}
		rc = ns_resource_class(c->ns[i].label);
		jw_object(w, NULL);
		jw_str(w, "name", c->ns[i].name);
		jw_str(w, "label", c->ns[i].label);
		jw_str(w, "resource_class", rc);
		jw_null(w, "devpath");
		jw_str(w, "uuid", c->ns[i].uuid);
		jw_end(w);
	}
	jw_end(w);
}
