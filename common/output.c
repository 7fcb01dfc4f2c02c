/* SPDX-License-Identifier: MIT */
#include "output.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "jsonout.h"
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
	char buf[21];

	/* Raw text, exact for any value: cJSON prints a number by trying two
	 * printf precisions and reading each back, which is most of the time
	 * of a large document. The digits by hand: snprintf's machinery costs
	 * ten times as much, and an inventory prints three numbers a namespace. */
	return cJSON_CreateRaw(u64_digits(v, buf));
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
	const char *p = text;

	for (;;) {
		/* the run up to the next tab (or the end) in one copy */
		const char *tab = strchrnul(p, '\t');
		size_t run = (size_t)(tab - p);

		if (n + run + 2 > sizeof(out)) {
			fwrite(out, 1, n, f);
			n = 0;
			if (run + 2 > sizeof(out)) {
				fwrite(p, 1, run, f);
				run = 0;
			}
		}
		memcpy(out + n, p, run);
		n += run;
		if (!*tab)
			break;
		if (tab > text && tab[-1] == ':') {
			out[n++] = ' ';
		} else {
			out[n++] = ' ';
			out[n++] = ' ';
		}
		p = tab + 1;
	}
	if (n + 1 > sizeof(out)) {
		fwrite(out, 1, n, f);
		n = 0;
	}
	out[n++] = '\n';
	fwrite(out, 1, n, f);
}

int json_emit(cJSON *doc, struct json_doc *arena)
{
	/* Indented for a person at a terminal; one compact line for a script,
	 * a pipe or a file: half the work at 4,096 namespaces, and a third
	 * less to read. Either parses to the same document. */
	bool pretty = isatty(STDOUT_FILENO);
	char *text;

	json_doc_end();
	text = json_print(doc, arena, pretty);
	json_doc_free(arena);
	if (pretty) {
		write_layout(text, stdout);
	} else {
		fputs(text, stdout);
		putchar('\n');
	}
	free(text);
	return fflush(stdout) == EOF || ferror(stdout) ? -EIO : 0;
}

/* A member that refers to the string instead of copying it, or null. */
static void add_ref(cJSON *o, const char *key, const char *value)
{
	cJSON_AddItemToObjectCS(o, key, value ? cJSON_CreateStringReference(value)
					      : cJSON_CreateNull());
}

/* Called for every namespace of an inventory: nothing is copied, the keys
 * are constants and the values belong to the pool, which outlives the
 * document (see json_pool_ns in output.h). */
cJSON *json_pool_ns(const struct pool_ns *p)
{
	cJSON *o = cJSON_CreateObject();

	add_ref(o, "name", p->name);
	add_ref(o, "label", p->label->label);
	add_ref(o, "resource_class", p->label->rc);
	if (!p->host) {
		add_ref(o, "dev", NULL);
		add_ref(o, "state", ns_state_name(p->state));
		add_ref(o, "instance", p->instance);
		return o;
	}
	add_ref(o, "dev", p->host->dev);
	add_ref(o, "devpath", p->devpath);
	add_ref(o, "uuid", p->host->uuid);
	cJSON_AddItemToObjectCS(o, "size", json_u64(p->host->size));
	cJSON_AddItemToObjectCS(o, "align", json_u64(p->host->align));
	cJSON_AddItemToObjectCS(o, "numa_node", p->host->numa_node >= 0
				? json_u64((uint64_t)p->host->numa_node) : cJSON_CreateNull());
	add_ref(o, "state", ns_state_name(p->state));
	add_ref(o, "instance", p->instance);
	return o;
}

