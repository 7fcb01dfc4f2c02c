/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "pmemconf.h"
#include "tap.h"

static size_t parse(const char *spec, struct pmem_conf *c, struct findings *p)
{
	*p = (struct findings){ 0 };
	return pmem_conf_parse(spec, c, p);
}

static bool any_contains(const struct findings *p, const char *needle)
{
	return findings_contains(p, NULL, needle);
}

static void test_resource_class(void)
{
	char *rc;

	rc = ns_resource_class("6GB");
	is_str(rc, "CUSTOM_PMEM_NAMESPACE_6GB", "label 6GB gives CUSTOM_PMEM_NAMESPACE_6GB");
	free(rc);
	rc = ns_resource_class("large");
	is_str(rc, "CUSTOM_PMEM_NAMESPACE_LARGE", "labels are upper-cased");
	free(rc);
	rc = ns_resource_class("a-b..c d");
	is_str(rc, "CUSTOM_PMEM_NAMESPACE_A_B_C_D", "each run of other characters becomes one _");
	free(rc);
	rc = ns_resource_class("-gold-");
	is_str(rc, "CUSTOM_PMEM_NAMESPACE_GOLD_", "leading separators merge into the prefix's _, as in Nova");
	free(rc);
	rc = ns_resource_class("x\xc3\xa9y");
	is_str(rc, "CUSTOM_PMEM_NAMESPACE_X_Y", "a multi-byte character is one run");
	free(rc);
}

static void test_nova_example(void)
{
	struct pmem_conf c;
	struct findings p;

	is_u64(parse("6GB:ns0|ns1|ns2,LARGE:ns3", &c, &p), 0, "Nova's example parses cleanly");
	is_u64(c.n_labels, 2, "two labels");
	is_str(c.labels[0].label, "6GB", "first label kept in order");
	is_u64(c.labels[0].n_names, 3, "6GB has three namespaces");
	is_str(c.labels[0].names[2], "ns2", "namespace order kept");
	is_str(c.labels[1].rc, "CUSTOM_PMEM_NAMESPACE_LARGE", "LARGE resource class");
	ok(pmem_conf_find_label(&c, "LARGE") == &c.labels[1], "labels are found by name");
	ok(pmem_conf_find_label(&c, "large") == NULL, "label lookup is exact");
	pmem_conf_free(&c);
	findings_clear(&p);
}

static void test_whitespace_and_empty_entries(void)
{
	struct pmem_conf c;
	struct findings p;

	is_u64(parse("  6GB : ns0 | ns1 ,\n LARGE:ns3, ,", &c, &p), 0,
	       "blanks around entries, names and empty entries are ignored");
	is_str(c.labels[0].label, "6GB", "label trimmed");
	is_str(c.labels[0].names[1], "ns1", "name trimmed");
	is_u64(c.n_labels, 2, "empty entries add no label");
	pmem_conf_free(&c);
	findings_clear(&p);

	is_u64(parse("", &c, &p), 0, "an empty setting is valid and offers nothing");
	is_u64(c.n_labels, 0, "no labels");
	pmem_conf_free(&c);
	findings_clear(&p);

	is_u64(parse("6GB:ns0,6GB:ns1", &c, &p), 0, "one label written twice is one label");
	is_u64(c.n_labels, 1, "merged");
	is_u64(c.labels[0].n_names, 2, "both namespaces kept");
	pmem_conf_free(&c);
	findings_clear(&p);
}

static void test_invalid(void)
{
	struct pmem_conf c;
	struct findings p;

	is_u64(parse("6GB", &c, &p), 1, "entry without ':' is invalid");
	ok(any_contains(&p, "entry '6GB': no ':'"), "and the message names the entry");
	pmem_conf_free(&c);
	findings_clear(&p);

	is_u64(parse(":ns0", &c, &p), 1, "empty label is invalid");
	ok(any_contains(&p, "empty label"), "message says empty label");
	pmem_conf_free(&c);
	findings_clear(&p);

	is_u64(parse("6GB:ns0||ns1", &c, &p), 1, "empty namespace name is invalid");
	ok(any_contains(&p, "label '6GB': empty namespace name"), "message names the label");
	pmem_conf_free(&c);
	findings_clear(&p);

	is_u64(parse("6GB:ns0|ns0", &c, &p), 1, "namespace twice under one label");
	ok(any_contains(&p, "label '6GB', namespace 'ns0': listed twice"), "message names both");
	pmem_conf_free(&c);
	findings_clear(&p);

	is_u64(parse("A:ns0|ns0|ns0,B:ns1|ns0", &c, &p), 3, "a name listed three times, and again elsewhere");
	is_u64(c.labels[0].n_names, 1, "only the first listing is kept");
	is_u64(c.labels[1].n_names, 1, "under either label");
	is_str(c.labels[1].names[0], "ns1", "and the names kept keep their order");
	ok(p.n == 3 && strstr(p.v[0].message, "'A', namespace 'ns0': listed twice") &&
	   strstr(p.v[1].message, "'A', namespace 'ns0': listed twice") &&
	   strstr(p.v[2].message, "'B', namespace 'ns0': already listed under label 'A'"),
	   "repeats reported in the order written");
	pmem_conf_free(&c);
	findings_clear(&p);

	is_u64(parse("A:ns0,B:ns0", &c, &p), 1, "namespace under two labels");
	ok(any_contains(&p, "label 'B', namespace 'ns0': already listed under label 'A'"),
	   "message names both labels");
	pmem_conf_free(&c);
	findings_clear(&p);

	is_u64(parse("6-GB:ns0,6.GB:ns1", &c, &p), 1, "two labels normalising to one class");
	ok(any_contains(&p, "labels '6-GB' and '6.GB' both give resource class "
			"CUSTOM_PMEM_NAMESPACE_6_GB"), "message names both labels and the class");
	pmem_conf_free(&c);
	findings_clear(&p);

	char longlabel[300];
	memset(longlabel, 'L', sizeof(longlabel));
	strcpy(longlabel + 240, ":ns0");
	is_u64(parse(longlabel, &c, &p), 1, "a resource class over 255 characters is invalid");
	ok(any_contains(&p, "more than 255"), "message gives the limit");
	pmem_conf_free(&c);
	findings_clear(&p);

	memset(longlabel, 'L', sizeof(longlabel));
	strcpy(longlabel + 255 - 22, ":ns0");
	is_u64(parse(longlabel, &c, &p), 0, "a resource class of exactly 255 characters is valid");
	pmem_conf_free(&c);
	findings_clear(&p);

	is_u64(parse("6GB,:x,A:ns0|ns0,B:", &c, &p), 4, "every problem is reported, not only the first");
	pmem_conf_free(&c);
	findings_clear(&p);
}

int main(void)
{
	test_resource_class();
	test_nova_example();
	test_whitespace_and_empty_entries();
	test_invalid();
	return tap_done();
}
