/* SPDX-License-Identifier: MIT */
#include "strmap.h"

#include <string.h>

#include "util.h"

/* FNV-1a: names are short, and a byte at a time is as fast as anything. */
static uint64_t hash_name(const char *s)
{
	uint64_t h = 0xcbf29ce484222325u;

	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		h = (h ^ *p) * 0x100000001b3u;
	return h;
}

static void alloc_slots(struct strmap *m, size_t n)
{
	size_t cap = 16;

	/* at most half full: probe runs stay short */
	while (cap < 2 * n)
		cap *= 2;
	m->slots = xcalloc(cap, sizeof(*m->slots));
	m->mask = cap - 1;
	m->n = 0;
}

void strmap_init(struct strmap *m, size_t n)
{
	alloc_slots(m, n);
}

static void put(struct strmap *m, const char *key, uint64_t hash, size_t value)
{
	size_t i = (size_t)hash & m->mask;

	while (m->slots[i].key)
		i = (i + 1) & m->mask;
	m->slots[i] = (struct strmap_slot){ .key = key, .hash = hash, .value = value };
	m->n++;
}

void strmap_add(struct strmap *m, const char *key, size_t value)
{
	if (2 * (m->n + 1) > m->mask + 1) {
		struct strmap old = *m;

		alloc_slots(m, 2 * (old.n + 1));
		for (size_t i = 0; i <= old.mask; i++)
			if (old.slots[i].key)
				put(m, old.slots[i].key, old.slots[i].hash, old.slots[i].value);
		free(old.slots);
	}
	put(m, key, hash_name(key), value);
}

size_t strmap_get(const struct strmap *m, const char *key, size_t *count)
{
	uint64_t hash;
	size_t best = SIZE_MAX, n = 0;

	if (count)
		*count = 0;
	if (!m->slots)
		return SIZE_MAX;
	hash = hash_name(key);

	/* equal keys share a probe run, which ends at the first empty slot */
	for (size_t i = (size_t)hash & m->mask; m->slots[i].key; i = (i + 1) & m->mask) {
		const struct strmap_slot *s = &m->slots[i];

		if (s->hash == hash && strcmp(s->key, key) == 0) {
			n++;
			if (s->value < best)
				best = s->value;
		}
	}
	if (count)
		*count = n;
	return best;
}

void strmap_free(struct strmap *m)
{
	free(m->slots);
	*m = (struct strmap){ 0 };
}
