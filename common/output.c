/* SPDX-License-Identifier: MIT */
#include "output.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include "jsonparse.h"
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
	char buf[24];

	/* Raw text, exact for any value: cJSON prints a number by trying two
	 * printf precisions and reading each back, which is most of the time
	 * of a large document. */
	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	return cJSON_CreateRaw(buf);
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
	char out[65536];
	size_t n = 0;

	for (const char *p = text; *p; p++) {
		if (n > sizeof(out) - 2) {
			fwrite(out, 1, n, f);
			n = 0;
		}
		if (*p != '\t') {
			out[n++] = *p;
		} else if (p > text && p[-1] == ':') {
			out[n++] = ' ';
		} else {
			out[n++] = ' ';
			out[n++] = ' ';
		}
	}
	out[n++] = '\n';
	fwrite(out, 1, n, f);
}

int json_emit(cJSON *doc, struct json_doc *arena)
{
	/* Printed, a document is smaller than its nodes: the arena's size is
	 * room enough to print into at once, where cJSON would otherwise grow
	 * its buffer by doubling and copying. */
	size_t room = json_doc_size(arena) + 4096;
	char *text = NULL;

	json_doc_end();
	for (int tries = 0; tries < 4 && !text; tries++, room *= 4) {
		text = xmalloc(room);
		if (!cJSON_PrintPreallocated(doc, text, (int)(room < INT32_MAX ? room : INT32_MAX), 1)) {
			free(text);
			text = NULL;
		}
	}
	json_doc_free(arena);
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
			      ? json_u64((uint64_t)p->host->numa_node) : cJSON_CreateNull());
	cJSON_AddStringToObject(o, "state", ns_state_name(p->state));
	cJSON_AddItemToObject(o, "instance", json_str_or_null(p->instance));
	return o;
}

