/* SPDX-License-Identifier: MIT */
#include <errno.h>

#include "config.h"
#include "tap.h"

static void test_ini(void)
{
	const char *nova =
		"[DEFAULT]\n"
		"pmem_namespaces = wrong-section\n"
		"# pmem_namespaces = commented\n"
		"[libvirt]\n"
		"virt_type = kvm\n"
		"; pmem_namespaces = also-commented\n"
		"pmem_namespaces = 6GB:ns0|ns1|ns2,LARGE:ns3\n"
		"[vpmemctl]\r\n"
		"state_dir: /tmp/x\r\n";
	char *v;
	int line = 0;

	is_u64(ini_get(nova, "libvirt", "pmem_namespaces", &v, &line), 1,
	       "key found in its section of a nova.conf");
	is_str(v, "6GB:ns0|ns1|ns2,LARGE:ns3", "value is trimmed; comments and other sections ignored");
	free(v);
	is_u64(ini_get(nova, "vpmemctl", "state_dir", &v, &line), 1, "'key: value' and CRLF accepted");
	is_str(v, "/tmp/x", "value of a colon-separated key");
	free(v);
	is_u64(ini_get(nova, "libvirt", "nope", &v, &line), 0, "absent key is not an error");
	ok(v == NULL, "and gives no value");

	is_u64(ini_get("[libvirt]\npmem_namespaces = a:ns0\npmem_namespaces = b:ns1\n",
		       "libvirt", "pmem_namespaces", &v, &line), 1, "repeated key found");
	is_str(v, "b:ns1", "the last one wins");
	free(v);

	is_u64(ini_get("[libvirt]\npmem_namespaces = 6GB:ns0,\n    LARGE:ns3\nx = 1\n",
		       "libvirt", "pmem_namespaces", &v, &line), 1, "continued value found");
	is_str(v, "6GB:ns0,\nLARGE:ns3", "indented line continues the value");
	free(v);

	is_u64(ini_get("[libvirt]\npmem_namespaces = \"6GB:ns0\"\n", "libvirt", "pmem_namespaces",
		       &v, &line), 1, "quoted value found");
	is_str(v, "6GB:ns0", "quotes are removed");
	free(v);

	line = 0;
	ok(ini_get("[libvirt]\nthis is not ini\n", "libvirt", "x", &v, &line) == -EINVAL,
	   "a line without '=' is an error");
	is_u64((uint64_t)line, 2, "and its line number is given");
	ok(ini_get("[libvirt\n", "libvirt", "x", &v, &line) == -EINVAL, "unclosed section header");
	ok(ini_get("key = before-any-section\n", "libvirt", "x", &v, &line) == -EINVAL,
	   "a key before any section");
}

static void test_seconds(void)
{
	double d;

	ok(parse_seconds("10", &d) == 0 && d == 10.0, "10 seconds");
	ok(parse_seconds("0.5", &d) == 0 && d == 0.5, "fractions of a second");
	ok(parse_seconds("0", &d) == 0 && d == 0.0, "zero means do not wait");
	ok(parse_seconds("-1", &d) < 0, "negative refused");
	ok(parse_seconds("ten", &d) < 0, "words refused");
	ok(parse_seconds("", &d) < 0, "empty refused");
	ok(parse_seconds("nan", &d) < 0, "nan refused");
	ok(parse_seconds("1e99", &d) < 0, "absurdly long refused");
}

int main(void)
{
	test_ini();
	test_seconds();
	return tap_done();
}
