/* SPDX-License-Identifier: MIT */
/* The one way to print a table and the one way to emit JSON. */
#ifndef VPM_OUTPUT_H
#define VPM_OUTPUT_H

#include <stdbool.h>
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

/* JSON documents are written with jw (jsonout.h): indented on a terminal,
 * compact otherwise. */
bool json_pretty(void);

struct jw;
struct pool;
struct pool_ns;
/* A configured namespace as inventory and claim show it: name, label,
 * resource_class, dev, devpath, uuid, size, align, numa_node,
 * badblock_count, dimm_health, dimms, state, instance. */
void jw_pool_ns(struct jw *w, const struct pool *pool, const struct pool_ns *p);

struct claim;
struct pool;
/* {RC: count} of a claim, the classes in the order the claim first names them. */
void jw_resources(struct jw *w, const char *key, const struct claim *c);
/* The members of claim's JSON document (instance, labels, created,
 * resources, namespaces resolved in pool), into the open object. */
void jw_claim_members(struct jw *w, const struct claim *c, const struct pool *pool, bool created);

#endif
