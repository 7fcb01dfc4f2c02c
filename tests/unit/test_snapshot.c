/* SPDX-License-Identifier: MIT */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "tap.h"
#include "util.h"

#define NS0 "{\"dev\":\"namespace0.0\",\"mode\":\"devdax\",\"map\":\"dev\"," \
	"\"size\":6440353792,\"uuid\":\"7a3b1c2e-5f4d-4e8a-9b1c-0d2e3f4a5b60\"," \
	"\"daxregion\":{\"id\":0,\"size\":6440353792,\"align\":2097152,\"devices\":" \
	"[{\"chardev\":\"dax0.0\",\"size\":6440353792,\"target_node\":0,\"mode\":\"devdax\"}]}," \
	"\"align\":65536,\"numa_node\":1,\"name\":\"ns0\"}"

static void test_single_object(void)
{
	struct host h;
	char *err = NULL;

	ok(host_parse_snapshot(NS0, &h, &err) == 0, "the single-object form ndctl prints for one namespace");
	is_u64(h.n, 1, "one namespace");
	is_str(h.ns[0].name, "ns0", "name");
	is_str(h.ns[0].dev, "namespace0.0", "dev");
	is_str(h.ns[0].mode, "devdax", "mode");
	is_str(h.ns[0].chardev, "dax0.0", "chardev from daxregion.devices[0]");
	is_u64(h.ns[0].size, 6440353792ull, "size in bytes");
	is_u64(h.ns[0].align, 2097152, "align is the region's, not the namespace's");
	is_u64((uint64_t)h.ns[0].numa_node, 1, "numa_node");
	is_str(h.ns[0].uuid, "7a3b1c2e-5f4d-4e8a-9b1c-0d2e3f4a5b60", "uuid");
	ok(h.ns[0].enabled, "enabled unless state says disabled");
	host_free(&h);
}

static void test_array_and_unnamed(void)
{
	const char *doc = "[" NS0 ",{\"dev\":\"namespace0.1\",\"mode\":\"devdax\",\"size\":1024,"
			  "\"daxregion\":{\"align\":4096,\"devices\":[{\"chardev\":\"dax0.1\"}]}},"
			  "{\"dev\":\"namespace0.2\",\"mode\":\"fsdax\",\"size\":2048,\"name\":\"fs\","
			  "\"state\":\"disabled\"}]";
	struct host h;
	char *err = NULL;
	size_t count;

	ok(host_parse_snapshot(doc, &h, &err) == 0, "the array form");
	is_u64(h.n, 3, "three namespaces");
	ok(h.ns[1].name == NULL, "an unnamed namespace has no name");
	ok(h.ns[0].numa_node == 1 && h.ns[1].numa_node == -1, "missing numa_node is -1");
	ok(host_find(&h, "fs", &count) == &h.ns[2] && count == 1, "found by name");
	ok(!h.ns[2].enabled, "state disabled");
	ok(h.ns[2].chardev == NULL, "fsdax has no chardev");
	host_free(&h);

	ok(host_parse_snapshot("", &h, &err) == 0 && h.n == 0, "empty output is an empty host");
	ok(host_parse_snapshot("{\"regions\":[{\"dev\":\"region0\",\"namespaces\":[" NS0 "]}]}",
			       &h, &err) == 0 && h.n == 1, "namespaces nested in regions (-R)");
	host_free(&h);
}

/* -R without a DIMM listed (no -D, or a host without DIMMs) when the last
 * region lists no namespace: ndctl prints the regions alone, an array of
 * them or a lone region object. */
#define REGION1 "{\"dev\":\"region1\",\"size\":536870912,\"type\":\"pmem\"," \
	"\"namespaces\":[{\"dev\":\"namespace1.0\",\"mode\":\"devdax\",\"size\":1024," \
	"\"name\":\"ns1\"}]}"

static void test_regions_alone(void)
{
	const char *doc = "[{\"dev\":\"region0\",\"size\":536870912,\"type\":\"pmem\","
			  "\"namespaces\":[" NS0 "]}," REGION1 ",{\"dev\":\"region2\",\"size\":1}]";
	struct host h;
	char *err = NULL;

	ok(host_parse_snapshot(doc, &h, &err) == 0, "an array of regions (-R, no DIMM)");
	is_u64(h.n, 2, "the namespaces of every region, no region as a namespace");
	ok(host_find(&h, "ns0", NULL) && host_find(&h, "ns1", NULL), "found by name");
	ok(h.ns[0].n_dimm == 0 && h.n_dimms == 0, "no DIMM");
	host_free(&h);

	ok(host_parse_snapshot(REGION1, &h, &err) == 0, "a lone region object (-R, one region)");
	is_u64(h.n, 1, "its namespace, not the region");
	is_str(h.ns[0].dev, "namespace1.0", "the namespace's dev");
	host_free(&h);
}

static void expect_error(const char *doc, const char *needle, const char *name)
{
	struct host h;
	char *err = NULL;
	int r = host_parse_snapshot(doc, &h, &err);

	ok(r < 0 && err && strstr(err, needle), "%s", name);
	if (err && !strstr(err, needle))
		printf("#   message: %s\n", err);
	free(err);
}

static void test_errors(void)
{
	expect_error("[{\"dev\":\"namespace0.0\",", "not valid JSON (line 1", "truncated JSON");
	expect_error("[\n{\"dev\": x}]", "line 2", "syntax error position given");
	expect_error("[{\"dev\":\"namespace0.0\",\"size\":\"6.00 GiB (6.44 GB)\"}]",
		     "save the snapshot without -u", "human-readable sizes explained");
	expect_error("[{\"dev\":\"namespace0.0\"}]", "(namespace0.0): no \"size\"",
		     "missing size names the namespace");
	expect_error("[{\"size\":1}]", "namespace entry 0: no \"dev\"", "missing dev");
	expect_error("[{\"dev\":\"n\",\"size\":-1}]", "not a whole number", "negative size");
	expect_error("[{\"dev\":\"n\",\"size\":1.5}]", "not a whole number", "fractional size");
	expect_error("[{\"dev\":\"n\",\"size\":1,\"numa_node\":\"0\"}]", "numa_node", "bad node");
	expect_error("[{\"dev\":\"n\",\"size\":1,\"chardev\":\"../sda\"}]", "not a device name",
		     "a chardev with a path is refused");
	expect_error("42", "expected a JSON array or object", "not a list");
	expect_error("{\"foo\":1}", "neither", "unknown object");
	expect_error("[1]", "not a JSON object", "array element not an object");
	expect_error("[" NS0 "] trailing", "not valid JSON", "trailing garbage");
}

/* A large array: names full of separators (commas, brackets, escaped
 * quotes and backslashes inside strings). */
static char *large_doc(size_t n, const char *tail_entry)
{
	size_t cap = n * 256 + 1024, len = 0;
	char *doc = malloc(cap);

	len += (size_t)sprintf(doc + len, "[");
	for (size_t i = 0; i < n; i++)
		len += (size_t)sprintf(doc + len, "%s{\"dev\": \"namespace%zu.0\", \"name\": "
				       "\"n%zu,]} [{\\\"x\\\\\", \"size\": %zu, \"mode\": \"devdax\", "
				       "\"daxregion\": {\"align\": 4096, \"devices\": "
				       "[{\"chardev\": \"dax%zu.0\"}]}}", i ? ", " : "", i, i,
				       4096 * (i + 1), i);
	sprintf(doc + len, "%s%s]\n", tail_entry ? ", " : "", tail_entry ? tail_entry : "");
	return doc;
}

static void test_large(void)
{
	char *doc = large_doc(3000, NULL);
	struct host h;
	char *err = NULL;

	ok(host_parse_snapshot(doc, &h, &err) == 0, "a large array parses");
	is_u64(h.n, 3000, "every namespace of it");
	is_str(h.ns[1500].name, "n1500,]} [{\"x\\", "a name with separators and escapes");
	is_str(h.ns[2999].chardev, "dax2999.0", "the last one");
	host_free(&h);
	free(doc);

	doc = large_doc(3000, "{\"dev\": \"bad\", \"size\": -1}");
	ok(host_parse_snapshot(doc, &h, &err) < 0 && err &&
	   strstr(err, "namespace entry 3000 (bad)"), "a wrong entry is named by its place");
	free(err);
	free(doc);
}

/* A small devdax namespace dev with more members (", ..." or ""). */
static char *nsj(const char *dev, const char *more)
{
	return xasprintf("{\"dev\":\"%s\",\"mode\":\"devdax\",\"size\":16777216,\"daxregion\":"
			 "{\"align\":2097152,\"devices\":[{\"chardev\":\"dax%s\"}]}%s}", dev,
			 dev + strlen("namespace"), more);
}

/* Whether doc parses to one namespace (the error shown when not); the
 * caller frees h when it does. */
static bool parse_one(const char *doc, struct host *h, const char *name)
{
	char *err = NULL;
	int r = host_parse_snapshot(doc, h, &err);

	if (!ok(r == 0 && h->n == 1, "%s", name)) {
		printf("#   r=%d err=%s\n", r, err ? err : "(none)");
		free(err);
		if (r == 0)
			host_free(h);
		return false;
	}
	return true;
}

static void test_badblocks(void)
{
	struct host h;
	char *doc;

	doc = nsj("namespace0.0", ",\"badblock_count\":3,\"badblocks\":[{\"offset\":8,"
		  "\"length\":1,\"dimms\":[\"nmem0\"]},{\"offset\":100,\"length\":2}]");
	if (parse_one(doc, &h, "badblock_count and badblocks (-M)")) {
		ok(h.ns[0].badblocks_known && h.ns[0].badblocks == 3, "3 bad sectors");
		ok(h.ns[0].n_bb == 2 && h.ns[0].bb[0].offset == 8 && h.ns[0].bb[0].length == 1 &&
		   h.ns[0].bb[1].offset == 100 && h.ns[0].bb[1].length == 2,
		   "both runs, as offset and length in sectors");
		host_free(&h);
	}
	free(doc);

	doc = nsj("namespace0.0", ",\"badblock_count\":5");
	if (parse_one(doc, &h, "badblock_count without the runs (no -M)")) {
		ok(h.ns[0].badblocks == 5 && h.ns[0].n_bb == 0, "the count alone");
		host_free(&h);
	}
	free(doc);

	doc = nsj("namespace0.0", ",\"badblock_count\":1,\"badblocks\":[{\"offset\":0,"
		  "\"length\":4}]");
	if (parse_one(doc, &h, "a count below its runs' sum")) {
		is_u64(h.ns[0].badblocks, 4, "the larger of count and sum");
		host_free(&h);
	}
	free(doc);

	doc = nsj("namespace0.0", "");
	if (parse_one(doc, &h, "no bad blocks listed")) {
		ok(h.ns[0].badblocks_known && h.ns[0].badblocks == 0 && h.ns[0].n_bb == 0,
		   "absent: known, none");
		host_free(&h);
	}
	free(doc);
}

/* Runs whose lengths sum to 2^64: the sum must not wrap to 0, which would
 * make a namespace listing 2048 bad runs look clean. */
static void test_badblocks_sum_wraps(void)
{
	size_t cap = 2048 * 64 + 256, len = 0;
	char *runs = malloc(cap), *doc;
	struct host h;

	len += (size_t)snprintf(runs + len, cap - len, ",\"badblocks\":[");
	for (size_t i = 0; i < 2048; i++)
		len += (size_t)snprintf(runs + len, cap - len, "%s{\"offset\":%zu,"
					"\"length\":9007199254740992}", i ? "," : "", i);
	snprintf(runs + len, cap - len, "]");
	doc = nsj("namespace0.0", runs);
	if (parse_one(doc, &h, "2048 runs of 2^53 sectors")) {
		ok(h.ns[0].n_bb == 2048 && h.ns[0].badblocks >= 9007199254740992ull,
		   "their sum does not wrap round to 0");
		host_free(&h);
	}
	free(doc);
	free(runs);
}

static void expect_ns_error(const char *more, const char *needle, const char *name)
{
	char *doc = nsj("namespace0.0", more), *msg = xasprintf("%s (message names it)", name);

	expect_error(doc, needle, msg);
	free(msg);
	free(doc);
}

static void test_badblocks_errors(void)
{
	expect_ns_error(",\"badblock_count\":\"3\"", "\"badblock_count\" is not a whole number",
			"badblock_count a string");
	expect_ns_error(",\"badblock_count\":-1", "\"badblock_count\" is not a whole number",
			"badblock_count negative");
	expect_ns_error(",\"badblock_count\":2.5", "\"badblock_count\" is not a whole number",
			"badblock_count a fraction");
	expect_ns_error(",\"badblock_count\":1e300", "\"badblock_count\" is not a whole number",
			"badblock_count past 2^53");
	expect_ns_error(",\"badblocks\":[{\"offset\":\"8\",\"length\":1}]",
			"(namespace0.0): \"offset\" is not a whole number", "a run's offset a string");
	expect_ns_error(",\"badblocks\":[{\"offset\":8,\"length\":-1}]",
			"\"length\" is not a whole number", "a run's length negative");
	expect_ns_error(",\"badblocks\":[{\"offset\":0.5,\"length\":1}]",
			"\"offset\" is not a whole number", "a run's offset a fraction");
	expect_ns_error(",\"badblocks\":{}", "\"badblocks\" is not an array",
			"badblocks not an array");
	expect_ns_error(",\"badblocks\":[3]", "an entry of \"badblocks\" is not an object",
			"a run not an object");
}

#define DIMM0 "{\"dev\":\"nmem0\",\"id\":\"8089-a2-1837-00000bb3\",\"handle\":1,\"health\":" \
	"{\"health_state\":\"ok\",\"temperature_celsius\":27.0,\"alarm_temperature\":false," \
	"\"alarm_controller_temperature\":false,\"alarm_spares\":false," \
	"\"shutdown_state\":\"clean\",\"shutdown_count\":3}}"
#define DIMM1 "{\"dev\":\"nmem1\",\"handle\":257,\"health\":{\"health_state\":\"critical\"," \
	"\"alarm_temperature\":true,\"alarm_controller_temperature\":true," \
	"\"alarm_spares\":true}}"

static void test_dimms(void)
{
	char *a = nsj("namespace0.0", ""), *b = nsj("namespace0.1", ""),
	     *c = nsj("namespace1.0", "");
	char *doc = xasprintf("{\"dimms\":[" DIMM0 "," DIMM1 "],\"regions\":[{\"dev\":"
			      "\"region0\",\"mappings\":[{\"dimm\":\"nmem0\",\"offset\":0,"
			      "\"length\":17179869184,\"position\":0}],\"namespaces\":[%s,%s]},"
			      "{\"dev\":\"region1\",\"mappings\":[{\"dimm\":\"nmem1\"}],"
			      "\"namespaces\":[%s]},{\"dev\":\"region2\"}]}", a, b, c);
	struct host h;
	char *err = NULL;
	int r = host_parse_snapshot(doc, &h, &err);

	if (!ok(r == 0, "dimms, regions and their mappings (-D -H -R)")) {
		printf("#   %s\n", err);
		free(err);
	} else {
		const struct host_dimm *d0, *d1;

		ok(h.n == 3 && h.n_dimms == 2, "three namespaces, two DIMMs");
		d0 = &h.dimms[0];
		d1 = &h.dimms[1];
		ok(streq(d0->dev, "nmem0") && streq(d0->id, "8089-a2-1837-00000bb3") &&
		   streq(d1->dev, "nmem1") && d1->id == NULL, "each DIMM's name and id");
		ok(d0->health == DIMM_HEALTH_OK && d1->health == DIMM_HEALTH_CRITICAL,
		   "each DIMM's health");
		ok(!d0->alarm_temperature && !d0->alarm_ctrl_temperature && !d0->alarm_spares &&
		   d1->alarm_temperature && d1->alarm_ctrl_temperature && d1->alarm_spares,
		   "the alarms");
		ok(d0->has_shutdown_count && d0->shutdown_count == 3 && !d1->has_shutdown_count,
		   "the dirty-shutdown count where there is one");
		ok(h.ns[0].n_dimm == 1 && h.ns[0].dimm[0] == 0 && h.ns[1].n_dimm == 1 &&
		   h.ns[1].dimm[0] == 0, "region0's namespaces are on nmem0");
		ok(h.ns[2].n_dimm == 1 && h.ns[2].dimm[0] == 1, "region1's on nmem1");
		ok(h.ns[0].health == DIMM_HEALTH_OK && h.ns[1].health == DIMM_HEALTH_OK &&
		   h.ns[2].health == DIMM_HEALTH_CRITICAL, "each namespace has its DIMM's health");
		host_free(&h);
	}
	free(doc);

	/* interleaved: a region over two DIMMs */
	doc = xasprintf("{\"dimms\":[" DIMM0 "," DIMM1 "],\"regions\":[{\"dev\":\"region0\","
			"\"mappings\":[{\"dimm\":\"nmem0\"},{\"dimm\":\"nmem1\"}],\"namespaces\":"
			"[%s]}]}", a);
	if (parse_one(doc, &h, "a region interleaved over two DIMMs")) {
		ok(h.ns[0].n_dimm == 2 && h.ns[0].health == DIMM_HEALTH_CRITICAL,
		   "its namespace is on both, as healthy as the worse");
		host_free(&h);
	}
	free(doc);

	/* a mapping to a DIMM "dimms" does not list */
	doc = xasprintf("{\"dimms\":[" DIMM0 "],\"regions\":[{\"dev\":\"region0\",\"mappings\":"
			"[{\"dimm\":\"nmem7\"}],\"namespaces\":[%s]}]}", a);
	if (parse_one(doc, &h, "a mapping to an unlisted DIMM")) {
		ok(h.n_dimms == 2 && streq(h.dimms[1].dev, "nmem7") &&
		   h.dimms[1].health == DIMM_HEALTH_UNKNOWN && !h.dimms[1].has_shutdown_count,
		   "gets an entry of unknown health");
		ok(h.ns[0].n_dimm == 1 && h.ns[0].dimm[0] == 1 &&
		   h.ns[0].health == DIMM_HEALTH_UNKNOWN, "and its namespace is of unknown health");
		host_free(&h);
	}
	free(doc);

	/* namespaces only: nothing known of the DIMMs */
	doc = xasprintf("[%s]", a);
	if (parse_one(doc, &h, "the array form")) {
		ok(h.n_dimms == 0 && h.ns[0].n_dimm == 0 && h.ns[0].health == DIMM_HEALTH_UNKNOWN,
		   "has no DIMMs, and health unknown");
		host_free(&h);
	}
	free(doc);
	if (parse_one(a, &h, "the single-object form")) {
		ok(h.n_dimms == 0 && h.ns[0].health == DIMM_HEALTH_UNKNOWN, "no DIMMs either");
		host_free(&h);
	}

	/* -D -N: dimms beside namespaces, no mappings */
	doc = xasprintf("{\"dimms\":[" DIMM1 "],\"namespaces\":[%s]}", a);
	if (parse_one(doc, &h, "dimms beside a namespaces list")) {
		ok(h.n_dimms == 1 && h.ns[0].n_dimm == 0 && h.ns[0].health == DIMM_HEALTH_UNKNOWN,
		   "the DIMM is read, the namespace on none");
		host_free(&h);
	}
	free(doc);
	free(a);
	free(b);
	free(c);
}

/* A document of one region on nmem0, whose DIMM entry is dimm. */
static char *on_dimm(const char *dimm)
{
	char *a = nsj("namespace0.0", "");
	char *doc = xasprintf("{\"dimms\":[%s],\"regions\":[{\"dev\":\"region0\",\"mappings\":"
			      "[{\"dimm\":\"nmem0\"}],\"namespaces\":[%s]}]}", dimm, a);

	free(a);
	return doc;
}

static void dimm_error(const char *dimm, const char *needle, const char *name)
{
	char *doc = on_dimm(dimm);

	expect_error(doc, needle, name);
	free(doc);
}

static void test_health(void)
{
	static const struct {
		const char *state;
		enum dimm_health health;
	} states[] = {
		{ "ok", DIMM_HEALTH_OK },
		{ "non-critical", DIMM_HEALTH_NON_CRITICAL },
		{ "critical", DIMM_HEALTH_CRITICAL },
		{ "fatal", DIMM_HEALTH_FATAL },
		{ "unknown", DIMM_HEALTH_UNKNOWN },
	};
	struct host h;
	char *doc, *dimm;

	for (size_t i = 0; i < ARRAY_SIZE(states); i++) {
		char *name = xasprintf("health_state \"%s\" parses", states[i].state);

		dimm = xasprintf("{\"dev\":\"nmem0\",\"health\":{\"health_state\":\"%s\"}}",
				 states[i].state);
		doc = on_dimm(dimm);
		if (parse_one(doc, &h, name)) {
			ok(h.dimms[0].health == states[i].health &&
			   h.ns[0].health == states[i].health, "\"%s\" is %s, for the DIMM and its "
			   "namespace", states[i].state, dimm_health_name(states[i].health));
			host_free(&h);
		}
		free(name);
		free(doc);
		free(dimm);
	}

	doc = on_dimm("{\"dev\":\"nmem0\",\"id\":\"x\"}");
	if (parse_one(doc, &h, "a DIMM without health")) {
		ok(h.dimms[0].health == DIMM_HEALTH_UNKNOWN && h.ns[0].health == DIMM_HEALTH_UNKNOWN &&
		   !h.dimms[0].has_shutdown_count, "is of unknown health");
		host_free(&h);
	}
	free(doc);
	doc = on_dimm("{\"dev\":\"nmem0\",\"health\":{\"temperature_celsius\":30.0}}");
	if (parse_one(doc, &h, "a health without health_state")) {
		ok(h.dimms[0].health == DIMM_HEALTH_UNKNOWN, "is unknown");
		host_free(&h);
	}
	free(doc);
	doc = on_dimm("{\"dev\":\"nmem0\",\"health\":{\"shutdown_count\":9007199254740992}}");
	if (parse_one(doc, &h, "shutdown_count 2^53")) {
		ok(h.dimms[0].has_shutdown_count && h.dimms[0].shutdown_count == 9007199254740992ull,
		   "is read exactly");
		host_free(&h);
	}
	free(doc);
	doc = on_dimm("{\"dev\":\"nmem0\",\"health\":{\"shutdown_count\":0}}");
	if (parse_one(doc, &h, "shutdown_count 0")) {
		ok(h.dimms[0].has_shutdown_count && h.dimms[0].shutdown_count == 0,
		   "is a count, not an absent one");
		host_free(&h);
	}
	free(doc);

	dimm_error("{\"dev\":\"nmem0\",\"health\":{\"health_state\":\"degraded\"}}",
		   "dimm entry 0 (nmem0): unknown \"health_state\" \"degraded\"",
		   "a health_state it does not know is refused, named");
	dimm_error("{\"dev\":\"nmem0\",\"health\":{\"health_state\":3}}",
		   "\"health_state\" is not a string", "health_state a number");
	dimm_error("{\"dev\":\"nmem0\",\"health\":\"ok\"}", "(nmem0): \"health\" is not an object",
		   "health not an object");
	dimm_error("{\"dev\":\"nmem0\",\"health\":{\"alarm_temperature\":\"false\"}}",
		   "\"alarm_temperature\" is not true or false", "alarm_temperature a string");
	dimm_error("{\"dev\":\"nmem0\",\"health\":{\"alarm_controller_temperature\":0}}",
		   "\"alarm_controller_temperature\" is not true or false",
		   "alarm_controller_temperature a number");
	dimm_error("{\"dev\":\"nmem0\",\"health\":{\"alarm_spares\":null}}",
		   "\"alarm_spares\" is not true or false", "alarm_spares null");
	dimm_error("{\"dev\":\"nmem0\",\"health\":{\"shutdown_count\":-1}}",
		   "(nmem0): \"shutdown_count\" is not a whole number", "shutdown_count negative");
	dimm_error("{\"dev\":\"nmem0\",\"health\":{\"shutdown_count\":\"3\"}}",
		   "\"shutdown_count\" is not a whole number", "shutdown_count a string");
	dimm_error("{\"dev\":\"nmem0\",\"health\":{\"shutdown_count\":1.5}}",
		   "\"shutdown_count\" is not a whole number", "shutdown_count a fraction");
	dimm_error("{\"dev\":\"nmem0\",\"id\":7}", "dimm entry 0 (nmem0): \"id\" is not a string",
		   "an id not a string names the DIMM");
	dimm_error("{\"id\":\"x\"}", "dimm entry 0: no \"dev\"", "a DIMM without dev");
	dimm_error("3", "dimm entry 0: no \"dev\"", "a DIMM not an object");
	expect_error("{\"dimms\":{},\"regions\":[]}", "\"dimms\" is not an array",
		     "dimms not an array");
	expect_error("{\"regions\":[{\"dev\":\"region0\",\"mappings\":{}}]}",
		     "\"mappings\" of a region is not an array", "mappings not an array");
	expect_error("{\"regions\":[{\"dev\":\"region0\",\"mappings\":[{\"dimm\":7}]}]}",
		     "no \"dimm\" string", "a mapping without its DIMM");
	expect_error("{\"regions\":[3]}", "an entry of \"regions\" is not an object",
		     "a region not an object");
}

int main(void)
{
	test_single_object();
	test_array_and_unnamed();
	test_regions_alone();
	test_errors();
	test_large();
	test_badblocks();
	test_badblocks_sum_wraps();
	test_badblocks_errors();
	test_dimms();
	test_health();
	return tap_done();
}
