/* SPDX-License-Identifier: MIT */
/* Parsing large JSON documents (host snapshots, the state) with cJSON, its
 * nodes carved from one arena instead of a malloc per node: parsing and
 * dropping a 4,096-namespace document then costs a fraction as much. */
#ifndef VPM_JSONPARSE_H
#define VPM_JSONPARSE_H

#include <cjson/cJSON.h>

struct json_doc {
	cJSON *root;            /* NULL when the text is not JSON */
	const char *error_at;   /* where parsing stopped, when it failed */
	struct arena_chunk *chunks;
};

/* Between begin and end, every cJSON allocation of this thread comes from
 * doc's arena: for building a large document only to print it. */
void json_doc_begin(struct json_doc *doc);
void json_doc_end(void);

/* Parse text (NUL-terminated, nothing but whitespace after the value). */
void json_doc_parse(struct json_doc *doc, const char *text);

/* Bytes taken from the arena so far. */
size_t json_doc_size(const struct json_doc *doc);

/* Free the whole tree at once; never cJSON_Delete() doc->root. */
void json_doc_free(struct json_doc *doc);

#endif
