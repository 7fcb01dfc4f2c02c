/* SPDX-License-Identifier: MIT */
/* Names to indexes: an open-addressing hash table that keeps every entry,
 * equal names included, so that a lookup can also count them. Finding 4,096
 * names among 4,096 by sorting and binary search took about fourteen string
 * comparisons each, most of them cache misses; here it is one hash and,
 * nearly always, one comparison. The table points at the names; they must
 * outlive it. */
#ifndef VPM_STRMAP_H
#define VPM_STRMAP_H

#include <stddef.h>
#include <stdint.h>

struct strmap_slot {
	const char *key;        /* NULL: empty */
	uint64_t hash;
	size_t value;
};

struct strmap {
	struct strmap_slot *slots;
	size_t mask;            /* slots - 1, a power of two less one */
	size_t n;
};

/* Room for n entries without growing (it grows anyway when needed). */
void strmap_init(struct strmap *m, size_t n);
void strmap_add(struct strmap *m, const char *key, size_t value);

/* The smallest value stored under key, or SIZE_MAX when there is none;
 * *count (when not NULL) gets how many entries carry the key. */
size_t strmap_get(const struct strmap *m, const char *key, size_t *count);

void strmap_free(struct strmap *m);

#endif
