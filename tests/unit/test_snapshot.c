/* SPDX-License-Identifier: MIT */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "tap.h"

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

int main(void)
{
	test_single_object();
	test_array_and_unnamed();
	test_regions_alone();
	test_errors();
	test_large();
	return tap_done();
}
