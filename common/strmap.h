/* SPDX-License-Identifier: MIT */
/* Names to indexes, for a lookup by name inside a loop over namespaces: an
 * open-addressing hash table of a size fixed when it is set up. The table
 * points at the names; they must outlive it. */
#ifndef VPM_STRMAP_H
#define VPM_STRMAP_H

#include <stddef.h>
#include <stdint.h>

struct strmap_slot {
	const char *key;        /* NULL: empty */
	size_t value;
};

struct strmap {
	struct strmap_slot *slots;
	size_t mask;            /* number of slots - 1, a power of two less one */
	size_t n;               /* entries */
};

/* Room for n entries; adding more is a bug. */
void strmap_init(struct strmap *m, size_t n);

/* key must not be in the map yet. */
void strmap_add(struct strmap *m, const char *key, size_t value);

/* The value stored under key, or SIZE_MAX when there is none (also in a map
 * never set up). */
size_t strmap_get(const struct strmap *m, const char *key);

void strmap_free(struct strmap *m);

#endif
