/* SPDX-License-Identifier: MIT */
#include "strmap.h"

#include <assert.h>
#include <string.h>

#include "util.h"

/* FNV-1a: names are short. */
static size_t hash_name(const char *s)
{
	uint64_t h = 0xcbf29ce484222325u;

	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		h = (h ^ *p) * 0x100000001b3u;
	return (size_t)h;
}

void strmap_init(struct strmap *m, size_t n)
{
	size_t cap = 16;

	/* at most half full: probe runs stay short, and one slot is always empty */
	while (cap < 2 * n)
		cap *= 2;
	m->slots = xcalloc(cap, sizeof(*m->slots));
	m->mask = cap - 1;
	m->n = 0;
}

void strmap_add(struct strmap *m, const char *key, size_t value)
{
	size_t i = hash_name(key) & m->mask;

	/* no more entries than strmap_init made room for */
	assert(2 * (m->n + 1) <= m->mask + 1);
	while (m->slots[i].key)
		i = (i + 1) & m->mask;
	m->slots[i] = (struct strmap_slot){ .key = key, .value = value };
	m->n++;
}

size_t strmap_get(const struct strmap *m, const char *key)
{
	if (!m->slots)
		return SIZE_MAX;
	for (size_t i = hash_name(key) & m->mask; m->slots[i].key; i = (i + 1) & m->mask)
		if (strcmp(m->slots[i].key, key) == 0)
			return m->slots[i].value;
	return SIZE_MAX;
}

void strmap_free(struct strmap *m)
{
	free(m->slots);
	*m = (struct strmap){ 0 };
}
