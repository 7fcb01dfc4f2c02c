/* SPDX-License-Identifier: MIT */
#include "jsonout.h"

#include <string.h>

#include "util.h"

void jout_init(struct jout *j, size_t hint)
{
	j->cap = hint < 64 ? 64 : hint;
	j->buf = xmalloc(j->cap);
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

void jout_str(struct jout *j, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	size_t len = strlen(s);
	/* the worst case: every byte as \u00xx, and the quotes */
	char *o = room(j, 6 * len + 2), *start = o;

	*o++ = '"';
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		char e = escape[*p];

		if (!e) {
			*o++ = (char)*p;
		} else if (e != 'u') {
			*o++ = '\\';
			*o++ = e;
		} else {
			memcpy(o, "\\u00", 4);
			o[4] = hex[*p >> 4];
			o[5] = hex[*p & 15];
			o += 6;
		}
	}
	*o++ = '"';
	*o = '\0';
	j->len += (size_t)(o - start);
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

void jout_u64(struct jout *j, uint64_t v)
{
	char buf[21];
	char *p = u64_digits(v, buf);

	jout_raw(j, p, (size_t)(buf + 20 - p));
}

char *jout_take(struct jout *j, size_t *len)
{
	char *text = j->buf;

	if (len)
		*len = j->len;
	*j = (struct jout){ 0 };
	return text;
}
