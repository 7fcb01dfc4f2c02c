/* SPDX-License-Identifier: MIT */
/* The one way to print a table and the one way to emit JSON. */
#ifndef VPM_OUTPUT_H
#define VPM_OUTPUT_H

#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdio.h>

enum out_format { FMT_TABLE = 1 << 0, FMT_JSON = 1 << 1, FMT_PLACEMENT = 1 << 2 };

/* Returns the format, or 0 when the name is not one of allowed. */
enum out_format format_parse(const char *name, unsigned allowed);

struct table;

/* Columns whose header starts with '>' are right-aligned (the '>' is not
 * printed). */
struct table *table_new(size_t ncols, const char *const *headers);
void table_add(struct table *t, ...);   /* ncols strings; NULL prints "-" */
void table_print(const struct table *t, FILE *f);
void table_free(struct table *t);

cJSON *json_u64(uint64_t v);
cJSON *json_str_or_null(const char *s);

struct pool_ns;
/* A configured namespace as inventory and claim show it: name, label,
 * resource_class, dev, devpath, uuid, size, align, numa_node, state, instance.
 * Its strings are referred to, not copied: the pool must outlive the
 * document. */
cJSON *json_pool_ns(const struct pool_ns *p);

struct json_doc;
/* Print a document built since json_doc_begin(arena) to stdout followed by a
 * newline, then free the arena (the document with it). Returns 0, or -EIO
 * when stdout could not take it. Output documents are built in an arena:
 * 16,384 namespaces are a lot of small allocations otherwise. */
int json_emit(cJSON *doc, struct json_doc *arena);

#endif
