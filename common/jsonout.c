/* SPDX-License-Identifier: MIT */
#include "jsonout.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

void jout_init(struct jout *j, size_t hint)
{
	j->cap = hint < 64 ? 64 : hint;
	j->buf = xmalloc_populated(j->cap);
	j->len = 0;
	j->buf[0] = '\0';
}

/* Room for n more bytes and the NUL. */
static char *room(struct jout *j, size_t n)
{
	if (j->cap - j->len <= n) {
		size_t cap = j->cap * 2;

		if (cap - j->len <= n)
			cap = j->len + n + 1;
		j->buf = xrealloc(j->buf, cap);
		j->cap = cap;
	}
	return j->buf + j->len;
}

void jout_raw(struct jout *j, const char *s, size_t len)
{
	char *o = room(j, len);

	memcpy(o, s, len);
	j->len += len;
	j->buf[j->len] = '\0';
}

/* 0: as it is; a letter: backslash and that letter; 'u': \u00xx. */
static const char escape[256] = {
	['\b'] = 'b', ['\f'] = 'f', ['\n'] = 'n', ['\r'] = 'r', ['\t'] = 't',
	[0x00] = 'u', [0x01] = 'u', [0x02] = 'u', [0x03] = 'u', [0x04] = 'u',
	[0x05] = 'u', [0x06] = 'u', [0x07] = 'u', [0x0b] = 'u', [0x0e] = 'u',
	[0x0f] = 'u', [0x10] = 'u', [0x11] = 'u', [0x12] = 'u', [0x13] = 'u',
	[0x14] = 'u', [0x15] = 'u', [0x16] = 'u', [0x17] = 'u', [0x18] = 'u',
	[0x19] = 'u', [0x1a] = 'u', [0x1b] = 'u', [0x1c] = 'u', [0x1d] = 'u',
	[0x1e] = 'u', [0x1f] = 'u',
	['"'] = '"', ['\\'] = '\\',
};

char *json_put_str(char *o, const char *s)
{
	static const char hex[] = "0123456789abcdef";

	*o++ = '"';
	for (const unsigned char *p = (const unsigned char *)s;; p++) {
		const unsigned char *run = p;
		char e;

		/* the run up to the next byte to escape (NUL is one) at once */
		while (!escape[*p])
			p++;
		memcpy(o, run, (size_t)(p - run));
		o += p - run;
		if (!*p)
			break;
		e = escape[*p];
		if (e != 'u') {
			*o++ = '\\';
			*o++ = e;
		} else {
			o[0] = '\\';
			o[1] = 'u';
			o[2] = o[3] = '0';
			o[4] = hex[*p >> 4];
			o[5] = hex[*p & 15];
			o += 6;
		}
	}
	*o++ = '"';
	return o;
}

size_t json_str_max(const char *s)
{
	/* the worst case: every byte as \u00xx, and the quotes */
	return s ? 6 * strlen(s) + 2 : 0;
}

void jout_str(struct jout *j, const char *s)
{
	jout_commit(j, json_put_str(room(j, json_str_max(s)), s));
}

char *jout_reserve(struct jout *j, size_t n)
{
	return room(j, n);
}

void jout_commit(struct jout *j, char *end)
{
	j->len = (size_t)(end - j->buf);
	*end = '\0';
}

char *u64_digits(uint64_t v, char buf[21])
{
	char *p = buf + 20;

	*p = '\0';
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return p;
}

char *json_put_u64(char *o, uint64_t v)
{
	char buf[21];
	char *p = u64_digits(v, buf);
	size_t n = (size_t)(buf + 20 - p);

	memcpy(o, p, n);
	return o + n;
}

void jout_u64(struct jout *j, uint64_t v)
{
	jout_commit(j, json_put_u64(room(j, 20), v));
}

char *jout_take(struct jout *j, size_t *len)
{
	char *text = j->buf;

	if (len)
		*len = j->len;
	*j = (struct jout){ 0 };
	return text;
}

void jw_init(struct jw *w, bool pretty, size_t hint)
{
	*w = (struct jw){ .pretty = pretty };
	jout_init(&w->out, hint);
}

static void indent(struct jw *w, unsigned depth)
{
	size_t n = 2 * (size_t)depth;
	char *o = room(&w->out, n);

	memset(o, ' ', n);
	w->out.len += n;
	w->out.buf[w->out.len] = '\0';
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
			jout_raw(&w->out, ", ", w->pretty ? 2 : 1);
	} else {
		if (w->any[d])
			jout_raw(&w->out, ",\n", w->pretty ? 2 : 1);
		if (w->pretty)
			indent(w, d);
		jout_str(&w->out, key ? key : "");
		jout_raw(&w->out, ": ", w->pretty ? 2 : 1);
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
		jout_lit(&w->out, "[");
	else
		jout_raw(&w->out, "{\n", w->pretty ? 2 : 1);
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
		jout_lit(&w->out, "]");
	} else {
		if (w->pretty) {
			if (w->any[d])
				jout_lit(&w->out, "\n");
			indent(w, d - 1);
		}
		jout_lit(&w->out, "}");
	}
	w->depth--;
}

void jw_str(struct jw *w, const char *key, const char *value)
{
	lead(w, key);
	if (value)
		jout_str(&w->out, value);
	else
		jout_lit(&w->out, "null");
}

void jw_u64(struct jw *w, const char *key, uint64_t v)
{
	lead(w, key);
	jout_u64(&w->out, v);
}

void jw_bool(struct jw *w, const char *key, bool v)
{
	lead(w, key);
	if (v)
		jout_lit(&w->out, "true");
	else
		jout_lit(&w->out, "false");
}

void jw_null(struct jw *w, const char *key)
{
	jw_str(w, key, NULL);
}

void jw_raw(struct jw *w, const char *key, const char *text)
{
	lead(w, key);
	jout_raw(&w->out, text, strlen(text));
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

int jw_emit(struct jw *w)
{
	size_t len;
	char *text;
	int r = 0;

	jout_lit(&w->out, "\n");
	text = jout_take(&w->out, &len);
	if (fwrite(text, 1, len, stdout) != len || fflush(stdout) == EOF || ferror(stdout))
		r = -EIO;
	free(text);
	return r;
}
