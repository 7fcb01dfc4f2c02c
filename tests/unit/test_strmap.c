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
	size_t count = 99;

	ok(strmap_get(&m, "x", &count) == SIZE_MAX && count == 0,
	   "a map never set up finds nothing");
	strmap_init(&m, 0);
	ok(strmap_get(&m, "", &count) == SIZE_MAX && count == 0, "an empty map finds nothing");
	strmap_add(&m, "ns0", 7);
	strmap_add(&m, "", 8);
	ok(strmap_get(&m, "ns0", &count) == 7 && count == 1, "a name finds its value");
	ok(strmap_get(&m, "", NULL) == 8, "the empty name is a name");
	ok(strmap_get(&m, "ns", &count) == SIZE_MAX && count == 0, "a prefix is not the name");
	ok(strmap_get(&m, "ns00", NULL) == SIZE_MAX, "nor a longer one");
	strmap_free(&m);
}

/* Many names, some repeated, the map grown from its smallest size: every
 * lookup agrees with a plain scan of what was added. */
static void test_against_scan(void)
{
	enum { N = 5000 };
	static char names[N][16];
	struct strmap m;
	size_t wrong = 0;

	strmap_init(&m, 1);
	for (size_t i = 0; i < N; i++) {
		/* every seventh name repeats an earlier one */
		snprintf(names[i], sizeof(names[i]), "ns%zu", i % 7 == 6 ? i / 3 : i);
		strmap_add(&m, names[i], i);
	}
	ok(m.n == N, "every entry kept, repeats included");
	for (size_t probe = 0; probe < N + 100; probe++) {
		char key[16];
		size_t first = SIZE_MAX, count = 0, got_count;
		size_t got;

		snprintf(key, sizeof(key), "ns%zu", probe);
		for (size_t i = 0; i < N; i++) {
			if (strcmp(names[i], key) == 0) {
				if (first == SIZE_MAX)
					first = i;
				count++;
			}
		}
		got = strmap_get(&m, key, &got_count);
		if (got != first || got_count != count) {
			if (!wrong)
				printf("# %s: got %zu (x%zu), want %zu (x%zu)\n", key, got, got_count,
				       first, count);
			wrong++;
		}
	}
	ok(wrong == 0, "lookups agree with a scan: the first value and the count");
	strmap_free(&m);
}

int main(void)
{
	test_basics();
	test_against_scan();
	return tap_done();
}
