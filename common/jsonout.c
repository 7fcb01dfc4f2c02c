/* SPDX-License-Identifier: MIT */
#include "jsonout.h"

#include <errno.h>
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

void jw_init(struct jw *w, bool pretty, size_t hint)
{
	*w = (struct jw){ .pretty = pretty, .cap = hint < 64 ? 64 : hint };
	w->buf = xmalloc(w->cap);
	w->buf[0] = '\0';
}

static void put(struct jw *w, const char *s, size_t n)
{
	if (w->cap - w->len <= n) {
		w->cap = w->cap * 2 > w->len + n ? w->cap * 2 : w->len + n + 1;
		w->buf = xrealloc(w->buf, w->cap);
	}
	memcpy(w->buf + w->len, s, n);
	w->len += n;
	w->buf[w->len] = '\0';
}

#define put_lit(w, s) put((w), (s), sizeof(s) - 1)

static void put_string(struct jw *w, const char *s)
{
	const char *run = s;

	put_lit(w, "\"");
	for (const char *p = s;; p++) {
		unsigned char c = (unsigned char)*p;
		char esc[8];

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		put(w, run, (size_t)(p - run));
		if (!c)
			break;
		run = p + 1;
		switch (c) {
		case '"':  put_lit(w, "\\\""); break;
		case '\\': put_lit(w, "\\\\"); break;
		case '\b': put_lit(w, "\\b"); break;
		case '\f': put_lit(w, "\\f"); break;
		case '\n': put_lit(w, "\\n"); break;
		case '\r': put_lit(w, "\\r"); break;
		case '\t': put_lit(w, "\\t"); break;
		default:
			snprintf(esc, sizeof(esc), "\\u%04x", c);
			put(w, esc, 6);
		}
	}
	put_lit(w, "\"");
}

static void indent(struct jw *w, unsigned depth)
{
	for (unsigned i = 0; i < depth; i++)
		put_lit(w, "  ");
}

/* Everything that comes before a value: the comma after the one before, the
 * line break and indent of a member, its key. */
static void lead(struct jw *w, const char *key)
{
	unsigned d = w->depth;

	if (!d)
		return;
	if (w->in_array[d]) {
		if (w->any[d])
			put(w, ", ", w->pretty ? 2 : 1);
	} else {
		if (w->any[d])
			put(w, ",\n", w->pretty ? 2 : 1);
		if (w->pretty)
			indent(w, d);
		put_string(w, key ? key : "");
		put(w, ": ", w->pretty ? 2 : 1);
	}
	w->any[d] = true;
}

static void open_container(struct jw *w, const char *key, bool array)
{
	lead(w, key);
	if (w->depth + 1 >= JW_DEPTH) {
		fputs("vpmemctl: internal error: JSON nested too deep\n", stderr);
		abort();
	}
	w->depth++;
	w->in_array[w->depth] = array;
	w->any[w->depth] = false;
	if (array)
		put_lit(w, "[");
	else
		put(w, "{\n", w->pretty ? 2 : 1);
}

void jw_object(struct jw *w, const char *key)
{
	open_container(w, key, false);
}

void jw_array(struct jw *w, const char *key)
{
	open_container(w, key, true);
}

void jw_end(struct jw *w)
{
	unsigned d = w->depth;

	if (!d)
		return;
	if (w->in_array[d]) {
		put_lit(w, "]");
	} else {
		if (w->pretty) {
			if (w->any[d])
				put_lit(w, "\n");
			indent(w, d - 1);
		}
		put_lit(w, "}");
	}
	w->depth--;
}

void jw_str(struct jw *w, const char *key, const char *value)
{
	lead(w, key);
	if (value)
		put_string(w, value);
	else
		put_lit(w, "null");
}

void jw_u64(struct jw *w, const char *key, uint64_t v)
{
	char buf[24];

	lead(w, key);
	put(w, buf, (size_t)snprintf(buf, sizeof(buf), "%" PRIu64, v));
}

void jw_bool(struct jw *w, const char *key, bool v)
{
	lead(w, key);
	if (v)
		put_lit(w, "true");
	else
		put_lit(w, "false");
}

void jw_null(struct jw *w, const char *key)
{
	jw_str(w, key, NULL);
}

void jw_raw(struct jw *w, const char *key, const char *text)
{
	lead(w, key);
	put(w, text, strlen(text));
}

void jw_double(struct jw *w, const char *key, double v)
{
	char buf[32];
	double back = 0;

	if (isnan(v) || isinf(v)) {
		jw_null(w, key);
		return;
	}
	snprintf(buf, sizeof(buf), "%1.15g", v);
	back = strtod(buf, NULL);
	if (fabs(back - v) > fmax(fabs(back), fabs(v)) * DBL_EPSILON)
		snprintf(buf, sizeof(buf), "%1.17g", v);
	/* a locale's decimal comma would not be JSON */
	for (char *p = buf; *p; p++)
		if (*p == ',')
			*p = '.';
	jw_raw(w, key, buf);
}

char *jw_take(struct jw *w)
{
	char *text = w->buf;

	*w = (struct jw){ 0 };
	return text;
}

int jw_emit(struct jw *w)
{
	size_t len;
	char *text;
	int r = 0;

	put_lit(w, "\n");
	len = w->len;
	text = jw_take(w);
	if (fwrite(text, 1, len, stdout) != len || fflush(stdout) == EOF || ferror(stdout))
		r = -EIO;
	free(text);
	return r;
}
