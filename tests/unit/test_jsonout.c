/* SPDX-License-Identifier: MIT */
/* jw writes what cJSON would print for the same document, compact and
 * indented (cJSON's tabs as two spaces, one after a colon). */
#include <cjson/cJSON.h>
#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonout.h"
#include "tap.h"

/* cJSON's indented text with each tab as vpmemctl shows it. */
static char *cjson_pretty(cJSON *doc)
{
	char *text = cJSON_Print(doc), *out = malloc(2 * strlen(text) + 1), *o = out;

	for (const char *p = text; *p; p++) {
		if (*p != '\t') {
			*o++ = *p;
		} else if (p > text && p[-1] == ':') {
			*o++ = ' ';
		} else {
			*o++ = ' ';
			*o++ = ' ';
		}
	}
	*o = '\0';
	cJSON_free(text);
	return out;
}

static char *jw_text(struct jw *w)
{
	return jout_take(&w->out, NULL);
}

static const char *const strings[] = {
	"plain", "", "quote \" and backslash \\", "tab\tnew\nline\rcr\bbs\fff",
	"\x01\x02\x1f\x7f", "caf\xc3\xa9 \xe2\x82\xac", "/slash/",
};
static const double doubles[] = { 0, -0.0, 1, -7, 0.5, 0.000451138, 1.0 / 3, 2147483647.0,
				  5e9, 1e300, -2.5e-300, DBL_MIN };

/* The same document both ways: nested objects and arrays, empty ones, every
 * kind of value, keys that need escaping. */
static void build(struct jw *w, cJSON *doc)
{
	cJSON *arr, *o, *inner;

	jw_object(w, NULL);
	jw_str(w, "name", "vm1");
	cJSON_AddStringToObject(doc, "name", "vm1");
	jw_array(w, "strings");
	arr = cJSON_AddArrayToObject(doc, "strings");
	for (size_t i = 0; i < sizeof(strings) / sizeof(*strings); i++) {
		jw_str(w, NULL, strings[i]);
		cJSON_AddItemToArray(arr, cJSON_CreateString(strings[i]));
	}
	jw_end(w);
	jw_array(w, "doubles");
	arr = cJSON_AddArrayToObject(doc, "doubles");
	for (size_t i = 0; i < sizeof(doubles) / sizeof(*doubles); i++) {
		jw_double(w, NULL, doubles[i]);
		cJSON_AddItemToArray(arr, cJSON_CreateNumber(doubles[i]));
	}
	jw_end(w);
	jw_array(w, "objects");
	arr = cJSON_AddArrayToObject(doc, "objects");
	for (int i = 0; i < 3; i++) {
		jw_object(w, NULL);
		o = cJSON_CreateObject();
		jw_u64(w, "n", (uint64_t)i);
		cJSON_AddNumberToObject(o, "n", i);
		jw_bool(w, "odd", i & 1);
		cJSON_AddBoolToObject(o, "odd", i & 1);
		jw_null(w, "nothing");
		cJSON_AddNullToObject(o, "nothing");
		jw_object(w, "key \"quoted\"\n");
		inner = cJSON_AddObjectToObject(o, "key \"quoted\"\n");
		if (i) {
			jw_array(w, "empty");
			cJSON_AddArrayToObject(inner, "empty");
			jw_end(w);
		}
		jw_end(w);
		jw_end(w);
		cJSON_AddItemToArray(arr, o);
	}
	jw_end(w);
	jw_object(w, "empty");
	cJSON_AddObjectToObject(doc, "empty");
	jw_end(w);
	jw_array(w, "nested");
	arr = cJSON_AddArrayToObject(doc, "nested");
	jw_array(w, NULL);
	cJSON_AddItemToArray(arr, cJSON_CreateArray());
	jw_end(w);
	jw_end(w);
	jw_u64(w, "big", UINT64_MAX);
	cJSON_AddItemToObject(doc, "big", cJSON_CreateRaw("18446744073709551615"));
	jw_raw(w, "ratio", "1.0");
	cJSON_AddItemToObject(doc, "ratio", cJSON_CreateRaw("1.0"));
	jw_end(w);
}

static void test_same_as_cjson(void)
{
	struct jw w;
	cJSON *doc = cJSON_CreateObject();
	char *ours, *theirs;

	jw_init(&w, false, 1);  /* the smallest start: every growth is exercised */
	build(&w, doc);
	ours = jw_text(&w);
	theirs = cJSON_PrintUnformatted(doc);
	is_str(ours, theirs, "compact: the same bytes as cJSON_PrintUnformatted");
	free(ours);
	cJSON_free(theirs);
	cJSON_Delete(doc);

	doc = cJSON_CreateObject();
	jw_init(&w, true, 1);
	build(&w, doc);
	ours = jw_text(&w);
	theirs = cjson_pretty(doc);
	is_str(ours, theirs, "indented: the same layout as cJSON_Print");
	free(ours);
	free(theirs);
	cJSON_Delete(doc);
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
	text = jw_text(&w);
	is_str(text, "[null,null,0]", "NaN and infinity are null, as cJSON prints them");
	free(text);

	jw_init(&w, true, 0);
	jw_str(&w, NULL, "alone");
	text = jw_text(&w);
	is_str(text, "\"alone\"", "a value at the top has no key");
	free(text);
}

int main(void)
{
	test_same_as_cjson();
	test_values();
	return tap_done();
}
