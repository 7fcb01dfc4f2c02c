/* SPDX-License-Identifier: MIT */
/* host_parse_snapshot: saved `ndctl list -X` JSON (--host-snapshot). What it
 * returns must be usable as is: dev and mode set, chardev a bare name. And a
 * document read in two halves on two threads (as large ones are) must give
 * exactly what the whole gives: the same namespaces, or the same error. */
#include <stdbool.h>

#include "host.h"
#include "fuzz.h"

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static void check_same(const struct host *a, int ra, const char *ea, const struct host *b,
		       int rb, const char *eb)
{
	FUZZ_CHECK(ra == rb);
	FUZZ_CHECK(same_str(ea, eb));
	FUZZ_CHECK(a->n == b->n);
	for (size_t i = 0; i < a->n && i < b->n; i++) {
		const struct host_ns *x = &a->ns[i], *y = &b->ns[i];

		FUZZ_CHECK(same_str(x->name, y->name) && same_str(x->dev, y->dev) &&
			   same_str(x->mode, y->mode) && same_str(x->uuid, y->uuid) &&
			   same_str(x->chardev, y->chardev));
		FUZZ_CHECK(x->size == y->size && x->align == y->align &&
			   x->numa_node == y->numa_node && x->enabled == y->enabled);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_string(data, size), *before = fuzz_string(data, size);
	char *err = NULL, *err_split = NULL;
	struct host h, split;
	int r = host_parse_snapshot_split(text, SIZE_MAX, &h, &err);
	int r_split = host_parse_snapshot_split(text, 0, &split, &err_split);

	/* the cut is made in the text and undone */
	FUZZ_CHECK(strcmp(text, before) == 0);
	free(before);

	check_same(&h, r, err, &split, r_split, err_split);
	if (r < 0) {
		FUZZ_CHECK(err != NULL);
		FUZZ_CHECK(h.n == 0 && h.ns == NULL && h.doc == NULL);
	} else {
		FUZZ_CHECK(err == NULL);
		for (size_t i = 0; i < h.n; i++) {
			const struct host_ns *ns = &h.ns[i];
			size_t count = 0;

			FUZZ_CHECK(ns->dev && *ns->dev && ns->mode);
			FUZZ_CHECK(!ns->chardev || !strchr(ns->chardev, '/'));
			FUZZ_CHECK(ns->numa_node >= -1);
			if (ns->name) {
				FUZZ_CHECK(host_find(&h, ns->name, &count) != NULL);
				FUZZ_CHECK(count >= 1);
			}
		}
	}
	free(err);
	free(err_split);
	host_free(&h);
	host_free(&split);
	free(text);
	return 0;
}
