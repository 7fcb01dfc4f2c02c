/* SPDX-License-Identifier: MIT */
/* Parsing large JSON documents (host snapshots, the state) with cJSON, its
 * nodes carved from one arena instead of a malloc per node: parsing and
 * dropping a 4,096-namespace document then costs a fraction as much. */
#ifndef VPM_JSONPARSE_H
#define VPM_JSONPARSE_H

#include <cjson/cJSON.h>
#include <stdbool.h>

struct json_doc {
	cJSON *root;            /* NULL when the text is not JSON */
	const char *error_at;   /* where parsing stopped, when it failed */
	struct arena_chunk *chunks;
};

/* Parse text (NUL-terminated, nothing but whitespace after the value). */
void json_doc_parse(struct json_doc *doc, const char *text);
/* The same for the len bytes at text, which need not end there (error_at
 * may then differ by a byte from where json_doc_parse puts it), with an
 * arena made for a text of like bytes, so that one kept from a document of
 * that size serves the next (see json_doc_free). */
void json_doc_parse_sized(struct json_doc *doc, const char *text, size_t len, size_t like);
/* The first value of the len bytes at text, whatever follows it: *end gets
 * where it ends (where parsing stopped when it fails). */
void json_doc_parse_prefix(struct json_doc *doc, const char *text, size_t len, size_t like,
			   const char **end);

/* The members named keys[0..n-1] of obj, found in one pass over its members:
 * out[i] is the first member named keys[i], or NULL. Where a document holds
 * thousands of objects, one cJSON_GetObjectItem (a walk and a strcmp per
 * member) for each key they are read for is most of the reading. */
void json_fields(const cJSON *obj, const char *const *keys, const cJSON **out, size_t n);

/* A thread that parses no more: give back the arena it keeps for its next
 * document (see json_doc_free). */
void json_thread_done(void);

/* Free the whole tree at once; never cJSON_Delete() doc->root. */
void json_doc_free(struct json_doc *doc);

#endif
