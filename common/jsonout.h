/* SPDX-License-Identifier: MIT */
/* Writing compact JSON text straight into a buffer, for the documents that
 * are written on every change and grow with the number of claims (the
 * state file). Building a cJSON tree of 4,096 claims only to print it costs
 * eight times as much as writing the text: cJSON examines every byte of
 * every string twice and every node through a call. The text is the same,
 * byte for byte, as cJSON_PrintUnformatted gives for the same values (the
 * fuzzer checks it), so cJSON reads it back as it always did. */
#ifndef VPM_JSONOUT_H
#define VPM_JSONOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct jout {
	char *buf;      /* NUL-terminated at every step */
	size_t len, cap;
};

void jout_init(struct jout *j, size_t hint);

/* Text as it is: punctuation, keys known not to need escaping. */
void jout_raw(struct jout *j, const char *s, size_t len);
#define jout_lit(j, s) jout_raw((j), (s), sizeof(s) - 1)

/* A string value, quoted and escaped as cJSON does: the two that must be
 * (quote, backslash), \b \f \n \r \t by name, any other byte below 0x20 as
 * \u00xx; everything else, UTF-8 included, as it is. */
void jout_str(struct jout *j, const char *s);

/* Writing many values at once: jout_reserve gives room for n bytes at the
 * end, the caller writes there (json_put_str, json_put_u64, memcpy), then
 * jout_commit says where it stopped. json_put_str writes s as jout_str does
 * (at most json_str_max(s) bytes: 0 for NULL, else six a byte and the
 * quotes), json_put_u64 v's digits (at most 20); both return the end. */
char *jout_reserve(struct jout *j, size_t n);
void jout_commit(struct jout *j, char *end);
size_t json_str_max(const char *s);
char *json_put_str(char *o, const char *s);
char *json_put_u64(char *o, uint64_t v);

/* An unsigned integer, every digit exact. */
void jout_u64(struct jout *j, uint64_t v);

/* The text, malloc'd: the caller frees it. j is empty afterwards. */
char *jout_take(struct jout *j, size_t *len);

/* Decimal digits of v into the end of buf (at least 21 bytes), returning
 * where they start; buf[20] is the terminating NUL. */
char *u64_digits(uint64_t v, char buf[21]);

/* A document written member by member, in one of two layouts: compact, or
 * indented for a person as cJSON indents (with two spaces for each of its
 * tabs and one after a colon). The commas and the indentation follow from
 * the nesting. key is the member's name inside an object and NULL inside
 * an array or at the top. */
#define JW_DEPTH 16

struct jw {
	struct jout out;
	bool pretty;
	unsigned depth;
	bool in_array[JW_DEPTH];
	bool any[JW_DEPTH];     /* a value written at that depth already */
};

void jw_init(struct jw *w, bool pretty, size_t hint);
void jw_object(struct jw *w, const char *key);
void jw_array(struct jw *w, const char *key);
void jw_end(struct jw *w);                      /* of the innermost one */
void jw_str(struct jw *w, const char *key, const char *value);  /* NULL: null */
void jw_u64(struct jw *w, const char *key, uint64_t v);
void jw_bool(struct jw *w, const char *key, bool v);
void jw_null(struct jw *w, const char *key);
/* A number as cJSON prints a double: 15 significant digits, or 17 when 15
 * do not read back the same; NaN and infinities as null. */
void jw_double(struct jw *w, const char *key, double v);
/* Text written as it is, for a value spelt exactly ("1.0"). */
void jw_raw(struct jw *w, const char *key, const char *text);

/* Write the document and a newline to stdout, and free it: 0, or -EIO when
 * stdout could not take it. */
int jw_emit(struct jw *w);

#endif
