/* SPDX-License-Identifier: MIT */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strmap.h"
#include "tap.h"

static void test_basics(void)
{
	struct strmap m = { 0 };

	ok(strmap_get(&m, "x") == SIZE_MAX, "a map never set up finds nothing");
	strmap_init(&m, 2);
	ok(strmap_get(&m, "") == SIZE_MAX, "an empty map finds nothing");
	strmap_add(&m, "ns0", 7);
	strmap_add(&m, "", 8);
	ok(strmap_get(&m, "ns0") == 7, "a name finds its value");
	ok(strmap_get(&m, "") == 8, "the empty name is a name");
	ok(strmap_get(&m, "ns") == SIZE_MAX, "a prefix is not the name");
	ok(strmap_get(&m, "ns00") == SIZE_MAX, "nor a longer one");
	strmap_free(&m);
}

/* Many names, the map filled to the room it was given: every lookup agrees
 * with a plain scan of what was added. */
static void test_against_scan(void)
{
	enum { N = 5000 };
	static char names[N][16];
	struct strmap m;
	size_t wrong = 0;

	strmap_init(&m, N);
	for (size_t i = 0; i < N; i++) {
		snprintf(names[i], sizeof(names[i]), "ns%zu", i);
		strmap_add(&m, names[i], i);
	}
	ok(m.n == N, "every entry kept");
	for (size_t probe = 0; probe < N + 100; probe++) {
		char key[16];
		size_t want = SIZE_MAX, got;

		snprintf(key, sizeof(key), "ns%zu", probe);
		for (size_t i = 0; i < N && want == SIZE_MAX; i++)
			if (strcmp(names[i], key) == 0)
				want = i;
		got = strmap_get(&m, key);
		if (got != want) {
			if (!wrong)
				printf("# %s: got %zu, want %zu\n", key, got, want);
			wrong++;
		}
	}
	ok(wrong == 0, "lookups agree with a scan");
	strmap_free(&m);
}

int main(void)
{
	test_basics();
	test_against_scan();
	return tap_done();
}
