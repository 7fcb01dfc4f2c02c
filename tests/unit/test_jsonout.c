/* SPDX-License-Identifier: MIT */
/* jw: the layout, the escapes and the numbers of every -f json document,
 * compact and indented. */
#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonout.h"
#include "tap.h"

static const char *const strings[] = {
	"plain", "", "quote \" and backslash \\", "tab\tnew\nline\rcr\bbs\fff",
	"\x01\x02\x1f\x7f", "caf\xc3\xa9 \xe2\x82\xac", "/slash/",
};
static const double doubles[] = { 0, -0.0, 1, -7, 0.5, 0.000451138, 1.0 / 3, 2147483647.0,
				  5e9, 1e300, -2.5e-300, DBL_MIN };

/* Nested objects and arrays, empty ones, every kind of value, keys that
 * need escaping. */
static void build(struct jw *w)
{
	jw_object(w, NULL);
	jw_str(w, "name", "vm1");
	jw_array(w, "strings");
	for (size_t i = 0; i < sizeof(strings) / sizeof(*strings); i++)
		jw_str(w, NULL, strings[i]);
	jw_end(w);
	jw_array(w, "doubles");
	for (size_t i = 0; i < sizeof(doubles) / sizeof(*doubles); i++)
		jw_double(w, NULL, doubles[i]);
	jw_end(w);
	jw_array(w, "objects");
	for (int i = 0; i < 3; i++) {
		jw_object(w, NULL);
		jw_u64(w, "n", (uint64_t)i);
		jw_bool(w, "odd", i & 1);
		jw_null(w, "nothing");
		jw_object(w, "key \"quoted\"\n");
		if (i) {
			jw_array(w, "empty");
			jw_end(w);
		}
		jw_end(w);
		jw_end(w);
	}
	jw_end(w);
	jw_object(w, "empty");
	jw_end(w);
	jw_array(w, "nested");
	jw_array(w, NULL);
	jw_end(w);
	jw_end(w);
	jw_u64(w, "big", UINT64_MAX);
	jw_raw(w, "ratio", "1.0");
	jw_end(w);
}

static const char compact[] =
	"{\"name\":\"vm1\",\"strings\":[\"plain\",\"\",\"quote \\\" and backslash \\\\\","
	"\"tab\\tnew\\nline\\rcr\\bbs\\fff\",\"\\u0001\\u0002\\u001f\177\","
	"\"caf\303\251 \342\202\254\",\"/slash/\"],"
	"\"doubles\":[0,-0,1,-7,0.5,0.000451138,0.33333333333333331,2147483647,5000000000,"
	"1e+300,-2.5e-300,2.2250738585072014e-308],\"objects\":[{\"n\":0,\"odd\":false,"
	"\"nothing\":null,\"key \\\"quoted\\\"\\n\":{}},{\"n\":1,\"odd\":true,\"nothing\":null,"
	"\"key \\\"quoted\\\"\\n\":{\"empty\":[]}},{\"n\":2,\"odd\":false,\"nothing\":null,"
	"\"key \\\"quoted\\\"\\n\":{\"empty\":[]}}],\"empty\":{},\"nested\":[[]],"
	"\"big\":18446744073709551615,\"ratio\":1.0}";

static const char indented[] =
	"{\n"
	"  \"name\": \"vm1\",\n"
	"  \"strings\": [\"plain\", \"\", \"quote \\\" and backslash \\\\\", "
	"\"tab\\tnew\\nline\\rcr\\bbs\\fff\", \"\\u0001\\u0002\\u001f\177\", "
	"\"caf\303\251 \342\202\254\", \"/slash/\"],\n"
	"  \"doubles\": [0, -0, 1, -7, 0.5, 0.000451138, 0.33333333333333331, 2147483647, "
	"5000000000, 1e+300, -2.5e-300, 2.2250738585072014e-308],\n"
	"  \"objects\": [{\n"
	"      \"n\": 0,\n"
	"      \"odd\": false,\n"
	"      \"nothing\": null,\n"
	"      \"key \\\"quoted\\\"\\n\": {\n"
	"      }\n"
	"    }, {\n"
	"      \"n\": 1,\n"
	"      \"odd\": true,\n"
	"      \"nothing\": null,\n"
	"      \"key \\\"quoted\\\"\\n\": {\n"
	"        \"empty\": []\n"
	"      }\n"
	"    }, {\n"
	"      \"n\": 2,\n"
	"      \"odd\": false,\n"
	"      \"nothing\": null,\n"
	"      \"key \\\"quoted\\\"\\n\": {\n"
	"        \"empty\": []\n"
	"      }\n"
	"    }],\n"
	"  \"empty\": {\n"
	"  },\n"
	"  \"nested\": [[]],\n"
	"  \"big\": 18446744073709551615,\n"
	"  \"ratio\": 1.0\n"
	"}";

static void test_layouts(void)
{
	struct jw w;
	char *text;

	jw_init(&w, false, 1);  /* the smallest start: every growth is exercised */
	build(&w);
	text = jw_take(&w);
	is_str(text, compact, "compact: no blanks, escapes, 64-bit integers, shortest exact doubles");
	free(text);

	jw_init(&w, true, 1);
	build(&w);
	text = jw_take(&w);
	is_str(text, indented, "indented: two spaces a level, arrays on one line");
	free(text);
}

static void test_values(void)
{
	struct jw w;
	char *text;

	jw_init(&w, false, 0);
	jw_array(&w, NULL);
	jw_double(&w, NULL, 0.0 / 0.0);
	jw_double(&w, NULL, 1e308 * 10);
	jw_u64(&w, NULL, 0);
	jw_end(&w);
	text = jw_take(&w);
	is_str(text, "[null,null,0]", "NaN and infinity are null");
	free(text);

	jw_init(&w, true, 0);
	jw_str(&w, NULL, "alone");
	text = jw_take(&w);
	is_str(text, "\"alone\"", "a value at the top has no key");
	free(text);
}

int main(void)
{
	test_layouts();
	test_values();
	return tap_done();
}
