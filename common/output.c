/* SPDX-License-Identifier: MIT */
#include "output.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "pool.h"
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

cJSON *json_u64(uint64_t v)
{
	/* Exact up to 2^53 bytes (8 PiB), beyond any namespace. */
	return cJSON_CreateNumber((double)v);
}

cJSON *json_str_or_null(const char *s)
{
	return s ? cJSON_CreateString(s) : cJSON_CreateNull();
}

/* cJSON indents with tabs and puts a tab after each colon. Strings never hold
 * a raw tab (cJSON escapes it), so every tab is layout: make it two spaces of
 * indent, or one space after a colon. */
static void write_layout(const char *text, FILE *f)
{
	const char *p = text;

	for (;;) {
		size_t run = strcspn(p, "\t");

		fwrite(p, 1, run, f);
		p += run;
		if (!*p)
			break;
		fputs(p > text && p[-1] == ':' ? " " : "  ", f);
		p++;
	}
	fputc('\n', f);
}

int json_emit(cJSON *doc)
{
	char *text = cJSON_Print(doc);

	cJSON_Delete(doc);
	if (!text) {
		fputs("vpmemctl: out of memory\n", stderr);
		exit(1);
	}
	write_layout(text, stdout);
	free(text);
	return fflush(stdout) == EOF || ferror(stdout) ? -EIO : 0;
}

cJSON *json_pool_ns(const struct pool_ns *p)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "name", p->name);
	cJSON_AddStringToObject(o, "label", p->label->label);
	cJSON_AddStringToObject(o, "resource_class", p->label->rc);
	if (!p->host) {
		cJSON_AddItemToObject(o, "dev", cJSON_CreateNull());
		cJSON_AddStringToObject(o, "state", ns_state_name(p->state));
		cJSON_AddItemToObject(o, "instance", json_str_or_null(p->instance));
		return o;
	}
	cJSON_AddStringToObject(o, "dev", p->host->dev);
	cJSON_AddItemToObject(o, "devpath", json_str_or_null(p->devpath));
	cJSON_AddItemToObject(o, "uuid", json_str_or_null(p->host->uuid));
	cJSON_AddItemToObject(o, "size", json_u64(p->host->size));
	cJSON_AddItemToObject(o, "align", json_u64(p->host->align));
	cJSON_AddItemToObject(o, "numa_node", p->host->numa_node >= 0
			      ? cJSON_CreateNumber(p->host->numa_node) : cJSON_CreateNull());
	cJSON_AddStringToObject(o, "state", ns_state_name(p->state));
	cJSON_AddItemToObject(o, "instance", json_str_or_null(p->instance));
	return o;
}

