/* SPDX-License-Identifier: MIT */
#include <stdlib.h>

#include "tap.h"
#include "util.h"

static void test_strv_join(void)
{
	char *v[] = { "6GB", "LARGE", "", "ns0" };
	char *s;

	s = strv_join(v, 0, ",");
	is_str(s, "", "strv_join of nothing is the empty string");
	free(s);
	s = strv_join(v, 1, ",");
	is_str(s, "6GB", "of one string, that string");
	free(s);
	s = strv_join(v, 2, ", ");
	is_str(s, "6GB, LARGE", "of two, the separator between them");
	free(s);
	s = strv_join(v, 4, "|");
	is_str(s, "6GB|LARGE||ns0", "an empty string keeps its place");
	free(s);
	s = strv_join(v, 2, "");
	is_str(s, "6GBLARGE", "an empty separator");
	free(s);
}

int main(void)
{
	test_strv_join();
	return tap_done();
}
