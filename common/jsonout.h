/* SPDX-License-Identifier: MIT */
/* The one way vpmemctl writes JSON: every -f json document and the state file.
 * Appending text as the values come is simpler than building a cJSON tree to
 * print: nothing to allocate, check and free node by node. */
#ifndef VPM_JSONOUT_H
#define VPM_JSONOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A document written member by member, compact or indented for a person
 * (two spaces a level, one after a colon). The commas and the indentation
 * follow from the nesting. key is the member's name inside an object and
 * NULL inside an array or at the top. Strings are escaped as JSON requires:
 * quote and backslash, \b \f \n \r \t by name, other bytes below 0x20 as
 * \u00xx; everything else, UTF-8 included, as it is. */
#define JW_DEPTH 16

struct jw {
	char *buf;              /* NUL-terminated at every step */
	size_t len, cap;
	bool pretty;
	unsigned depth;
	bool in_array[JW_DEPTH];
	bool any[JW_DEPTH];     /* a value written at that depth already */
};

/* hint: the bytes the document is expected to take, as a first capacity. */
void jw_init(struct jw *w, bool pretty, size_t hint);
void jw_object(struct jw *w, const char *key);
void jw_array(struct jw *w, const char *key);
void jw_end(struct jw *w);                      /* of the innermost one */
void jw_str(struct jw *w, const char *key, const char *value);  /* NULL: null */
void jw_u64(struct jw *w, const char *key, uint64_t v);
void jw_bool(struct jw *w, const char *key, bool v);
void jw_null(struct jw *w, const char *key);
/* 15 significant digits, or 17 when 15 do not read back the same; NaN and
 * infinities as null. */
void jw_double(struct jw *w, const char *key, double v);
/* Text written as it is, for a value spelt exactly ("1.0"). */
void jw_raw(struct jw *w, const char *key, const char *text);

/* The text, malloc'd: the caller frees it. w is empty afterwards. */
char *jw_take(struct jw *w);

/* Write the document and a newline to stdout, and free it: 0, or -EIO when
 * stdout could not take it. */
int jw_emit(struct jw *w);

#endif
