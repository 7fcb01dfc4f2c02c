/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "domxml.h"
#include "util.h"
#include "tap.h"

static char *dump_node(xmlDocPtr doc, xmlNodePtr n)
{
	xmlBufferPtr buf = xmlBufferCreate();
	char *s;

	xmlNodeDump(buf, doc, n, 0, 0);
	s = xstrdup((const char *)xmlBufferContent(buf));
	xmlBufferFree(buf);
	return s;
}

static char *dump_doc(xmlDocPtr doc)
{
	return dump_node(doc, xmlDocGetRootElement(doc));
}

static void test_element(void)
{
	xmlDocPtr doc = xmlNewDoc((const xmlChar *)"1.0");
	/* Nova's documented example: 4292870144 bytes at /dev/dax0.0, 2 MiB aligned. */
	struct nvdimm d = { "/dev/dax0.0", 4292870144ull / 1024, 2097152 / 1024, 0 };
	xmlNodePtr el = nvdimm_element(doc, &d);
	char *s = dump_node(doc, el);

	is_str(s, "<memory model=\"nvdimm\" access=\"shared\"><source><path>/dev/dax0.0</path>"
	       "<alignsize unit=\"KiB\">2048</alignsize><pmem/></source><target>"
	       "<size unit=\"KiB\">4192256</size><node>0</node><label><size unit=\"KiB\">2048"
	       "</size></label></target></memory>",
	       "Nova's example: target size 4192256 KiB, alignsize 2048 KiB, label 2048 KiB");
	free(s);
	xmlFreeNode(el);
	xmlFreeDoc(doc);
}

static void test_units(void)
{
	uint64_t k;

	ok(scaled_to_kib("2", "GiB", &k) == 0 && k == 2097152, "2 GiB");
	ok(scaled_to_kib("2048", NULL, &k) == 0 && k == 2048, "KiB by default");
	ok(scaled_to_kib("1", "b", &k) == 0 && k == 1, "bytes round up to a KiB");
	ok(scaled_to_kib("1000", "KB", &k) == 0 && k == 977, "KB is 1000 bytes");
	ok(scaled_to_kib("1", "M", &k) == 0 && k == 1024, "M is MiB");
	ok(scaled_to_kib("1", "mib", &k) == 0 && k == 1024, "unit names ignore case");
	ok(scaled_to_kib("x", "KiB", &k) < 0, "not a number");
	ok(scaled_to_kib("1", "parsecs", &k) < 0, "not a unit");
	ok(scaled_to_kib("99999999999999999999", "KiB", &k) < 0, "too large");
}

static xmlDocPtr parse(const char *text)
{
	char *err = NULL;
	xmlDocPtr d = domain_parse(text, strlen(text), "test", &err);

	if (!d)
		printf("# parse: %s\n", err);
	free(err);
	return d;
}

static const struct nvdimm two[] = {
	{ "/dev/dax0.0", 4192256, 2048, 0 },
	{ "/dev/dax1.0", 8386560, 2048, 0 },
};

static bool has(const char *hay, const char *needle)
{
	bool r = strstr(hay, needle) != NULL;

	if (!r)
		printf("#   missing: %s\n", needle);
	return r;
}

static void test_plain_domain(void)
{
	xmlDocPtr d = parse("<domain type='kvm'><name>a</name><memory unit='GiB'>2</memory>"
			    "<vcpu>4</vcpu><devices><disk/></devices></domain>");
	char *err = NULL, *s;

	ok(domain_add_nvdimms(d, two, 2, NULL, 0, &err) == 0, "a plain domain takes two devices");
	s = dump_doc(d);
	ok(has(s, "<cell id=\"0\" cpus=\"0-3\" memory=\"2097152\" unit=\"KiB\"/>"),
	   "a NUMA cell spanning all vCPUs and the domain's memory is added");
	ok(has(s, "<maxMemory slots=\"2\" unit=\"KiB\">14675968</maxMemory>"),
	   "maxMemory gets a slot per device and room for memory plus devices");
	ok(has(s, "<memory unit=\"KiB\">14675968</memory>"),
	   "memory counts the devices, as libvirt does");
	ok(has(s, "<disk/><memory model=\"nvdimm\""), "devices appended after the others");
	free(s);

	ok(domain_add_nvdimms(d, two, 2, NULL, 0, &err) == 0, "running again succeeds");
	s = dump_doc(d);
	ok(has(s, "<memory unit=\"KiB\">14675968</memory>") &&
	   has(s, "<maxMemory slots=\"2\" unit=\"KiB\">14675968</maxMemory>"),
	   "and changes nothing");
	ok(strstr(strstr(s, "dax0.0") + 1, "dax0.0") == NULL, "each device once");
	free(s);
	xmlFreeDoc(d);
}

static void test_domain_with_numa(void)
{
	xmlDocPtr d = parse("<domain><memory>4194304</memory><maxMemory slots='16' unit='GiB'>64"
			    "</maxMemory><vcpu>2</vcpu><cpu mode='host-passthrough'><numa>"
			    "<cell id='0' cpus='0' memory='1' unit='GiB'/>"
			    "<cell id='1' cpus='1' memory='1' unit='GiB'/></numa></cpu><devices>"
			    "<memory model='nvdimm'><source><path>/dev/dax0.0</path></source>"
			    "<target><size>1024</size><node>0</node></target></memory>"
			    "<memory model='nvdimm'><source><path>/dev/dax9.9</path></source>"
			    "<target><size>1024</size><node>0</node></target></memory>"
			    "<memory model='nvdimm'><source><path>/srv/other</path></source>"
			    "<target><size>2048</size><node>1</node></target></memory>"
			    "</devices></domain>");
	char *owned[] = { "/dev/dax9.9" };
	struct nvdimm one = { "/dev/dax0.0", 4192256, 2048, 1 };
	char *err = NULL, *s;

	ok(domain_add_nvdimms(d, &one, 1, owned, 1, &err) == 0, "a domain with NUMA cells");
	s = dump_doc(d);
	ok(!strstr(s, "dax9.9"), "a stale device of the pool is removed");
	ok(has(s, "/srv/other"), "a device vpmemctl does not own is kept");
	ok(has(s, "<size unit=\"KiB\">4192256</size><node>1</node>"),
	   "the device at the same path is replaced, on the guest node asked");
	ok(has(s, "<memory unit=\"KiB\">6291456</memory>"), "memory = cells + all devices");
	ok(has(s, "<maxMemory slots=\"16\" unit=\"KiB\">67108864</maxMemory>"),
	   "a larger maxMemory is kept");
	ok(strstr(s, "<cell") && !strstr(strstr(strstr(s, "<cell") + 1, "<cell") + 1, "<cell"),
	   "no cell is added");
	free(s);

	one.node = 5;
	ok(domain_add_nvdimms(d, &one, 1, NULL, 0, &err) == -EINVAL && err &&
	   strstr(err, "no guest NUMA node 5"), "a guest node the domain lacks is refused");
	free(err);
	xmlFreeDoc(d);
}

static void test_refused(void)
{
	char *err = NULL;
	xmlDocPtr d = parse("<network><name>x</name></network>");

	ok(domain_add_nvdimms(d, two, 1, NULL, 0, &err) == -EINVAL && strstr(err, "not <domain>"),
	   "a document that is not a domain");
	free(err);
	xmlFreeDoc(d);
	d = parse("<domain><name>x</name></domain>");
	ok(domain_add_nvdimms(d, two, 1, NULL, 0, &err) == -EINVAL && strstr(err, "no <memory>"),
	   "a domain without memory");
	free(err);
	xmlFreeDoc(d);
	ok(domain_parse("<domain><name>", 14, "t", &err) == NULL && strstr(err, "line 1"),
	   "broken XML is refused with its line");
	free(err);
}

static void test_no_external_entities(void)
{
	char secret[] = "/tmp/vpmemctl-secret-XXXXXX";
	int fd = mkstemp(secret);
	char *doc, *err = NULL, *s;
	xmlDocPtr d;

	if (write(fd, "TOPSECRET", 9) != 9)
		abort();
	close(fd);
	doc = xasprintf("<?xml version='1.0'?><!DOCTYPE domain [<!ENTITY x SYSTEM 'file://%s'>]>"
			"<domain><description>&x;</description><memory>1024</memory></domain>",
			secret);
	d = domain_parse(doc, strlen(doc), "t", &err);
	/* Issue 15: a DTD is refused outright, not parsed with its entities. */
	ok(d == NULL && err && strstr(err, "document type declaration"),
	   "a domain with an external entity is refused for its DTD");
	s = d ? dump_doc(d) : xstrdup("");
	ok(!strstr(s, "TOPSECRET") && !strstr(err ? err : "", "TOPSECRET"),
	   "and the file it names is not read");
	free(s);
	free(err);
	xmlFreeDoc(d);
	free(doc);
	unlink(secret);
}

static void test_no_entity_expansion(void)
{
	char *err = NULL;
	char *doc = xstrdup("<?xml version='1.0'?><!DOCTYPE domain [<!ENTITY a 'aaaaaaaaaa'>"
			    "<!ENTITY b '&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;'>"
			    "<!ENTITY c '&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;'>]>"
			    "<domain><name>&c;</name><memory>1024</memory></domain>");
	xmlDocPtr d = domain_parse(doc, strlen(doc), "t", &err);

	ok(d == NULL && err && strstr(err, "document type declaration"),
	   "a domain declaring internal entities is refused");
	xmlFreeDoc(d);
	free(err);
	free(doc);
}


static void test_pmem_records(void)
{
	const struct pmem_record in[] = {
		{ "LARGE", "ns3", "ad6e4f5b-8c7a-4b1d-8e4f-3a5b6c7d8e93" },
		{ "6GB", "ns0", NULL },
	};
	struct pmem_record *out = NULL;
	xmlDocPtr d = parse("<domain><name>a</name><uuid>u</uuid><memory>1</memory></domain>");
	xmlNodePtr md;
	char *err = NULL;
	size_t n = 9;

	ok(domain_get_pmem(d, &out, &n, &err) == 0, "a domain without metadata has no records");
	is_u64(n, 0, "none");
	domain_set_pmem(d, in, 2);
	domain_set_pmem(d, in, 2);
	md = xmlDocGetRootElement(d)->children->next->next;
	ok(md && xmlStrEqual(md->name, (const xmlChar *)"metadata"),
	   "<metadata> is added after <name> and <uuid>");
	ok(domain_get_pmem(d, &out, &n, &err) == 0, "records read back");
	is_u64(n, 2, "setting twice leaves one set of records");
	is_str(out[0].label, "LARGE", "first label");
	is_str(out[0].uuid, "ad6e4f5b-8c7a-4b1d-8e4f-3a5b6c7d8e93", "its uuid");
	is_str(out[1].name, "ns0", "second name, in order");
	ok(out[1].uuid == NULL, "a record without uuid reads back without");
	pmem_records_free(out, n);
	domain_set_pmem(d, NULL, 0);
	ok(domain_get_pmem(d, &out, &n, &err) == 0, "cleared");
	is_u64(n, 0, "no record after n == 0");
	xmlFreeDoc(d);

	d = parse("<domain><metadata><v:pmem xmlns:v='" VPMEMCTL_XMLNS "'>"
		  "<v:namespace label='A' name='ns0'/><v:namespace name='ns1'/></v:pmem>"
		  "<x:pmem xmlns:x='urn:other'><x:namespace/></x:pmem></metadata></domain>");
	ok(domain_get_pmem(d, &out, &n, &err) == -EINVAL, "a record without label is refused");
	ok(err && strstr(err, "record 2") && strstr(err, "no label"), "the error names it: %s",
	   err ? err : "(none)");
	ok(out == NULL && n == 0, "and nothing is returned");
	free(err);
	xmlFreeDoc(d);
}

/* Every path a domain names, with its place: nvdimm sources first, then
 * any absolute path in an attribute, a text or a QEMU option value. */
static void test_domain_paths(void)
{
	static const char text[] =
		"<domain xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>"
		"<name>vm</name><uuid>U</uuid>"
		"<devices>"
		"<disk type='file'><source file='/img/a.qcow2'/></disk>"
		"<memory model='virtio-pmem'><source><path> /dev/dax0.1 </path></source></memory>"
		"<memory model='nvdimm'><source><path>/dev/dax0.0</path></source></memory>"
		"<memory model='nvdimm'><target/></memory>"
		"</devices>"
		"<qemu:commandline><qemu:arg value='-object'/>"
		"<qemu:arg value='memory-backend-file,id=m,mem-path=/dev//dax1.0,size=1G'/>"
		"<qemu:arg value='-device pc-dimm,memdev=m path=/x/y'/></qemu:commandline>"
		"</domain>";
	static const char *const want[][2] = {
		{ "/dev/dax0.0", "<memory model='nvdimm'>" },
		{ "", "<memory model='nvdimm'>" },
		{ "/img/a.qcow2", "<disk>" },
		{ "/dev/dax0.1", "<memory model='virtio-pmem'>" },
		{ "/dev//dax1.0", "<qemu:commandline>" },
		{ "/x/y", "<qemu:commandline>" },
	};
	char *err = NULL;
	xmlDocPtr dom = domain_parse(text, sizeof(text) - 1, "t", &err);
	struct domain_info di;

	ok(dom != NULL, "a domain naming paths in many places parses");
	ok(domain_read_info(dom, &di) == 0, "its paths are read");
	is_u64(di.n_nvdimm, 2, "two nvdimm devices, one without a path");
	is_u64(di.n_paths, ARRAY_SIZE(want), "each path once per place, nvdimm sources first");
	for (size_t i = 0; i < di.n_paths && i < ARRAY_SIZE(want); i++) {
		is_str(di.paths[i].path, want[i][0], "a path as written");
		is_str(di.paths[i].where, want[i][1], "the place that names it");
		ok(di.paths[i].nvdimm == (i < 2), "only nvdimm sources are marked so (%zu)", i);
	}
	domain_info_clear(&di);
	xmlFreeDoc(dom);
}

/* QEMU's spellings of a file name, and text split by XML: each yields
 * the path QEMU would open. */
static void test_domain_path_spellings(void)
{
	static const struct { const char *xml, *want; } cases[] = {
		{ "<qemu:arg value='memory-backend-file,id=m,mem-path=tmp/d/dax1.0,size=1G'/>",
		  "/tmp/d/dax1.0" },
		{ "<qemu:arg value='if=none,id=d,file=file:/tmp/d/dax1.0'/>", "/tmp/d/dax1.0" },
		{ "<qemu:arg value='file=file:///tmp/d/dax1.0'/>", "/tmp/d/dax1.0" },
		{ "<qemu:arg value='{\"qom-type\":\"memory-backend-file\",\"id\":\"m\","
		  "\"mem-path\":\"/tmp/d/dax1.0\",\"size\":1}'/>", "/tmp/d/dax1.0" },
		{ "<qemu:arg value='file=json:{\"driver\":\"file\",,\"filename\":\"/tmp/d/dax1.0\"}'/>",
		  "/tmp/d/dax1.0" },
		{ "<qemu:arg value='memory-backend-file,id=m,mem-path=/tmp/sp ace,size=1G'/>",
		  "/tmp/sp ace" },
		{ "<qemu:arg value='memory-backend-file,mem-path=/tmp/a,,b,size=1G'/>", "/tmp/a,b" },
		{ "<qemu:arg value='x'/><qemu:env name='X' value='/tmp/d/dax1.0'/>", "/tmp/d/dax1.0" },
	};
	static const char *const texts[][2] = {
		{ "<path>/tmp/d/<![CDATA[dax1.0]]></path>", "/tmp/d/dax1.0" },
		{ "<path>/tmp/d/<!-- x -->dax1.0</path>", "/tmp/d/dax1.0" },
		{ "<path>/tmp/d/<?pi x?>dax1.0</path>", "/tmp/d/dax1.0" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases) + ARRAY_SIZE(texts); i++) {
		bool cmd = i < ARRAY_SIZE(cases);
		const char *want = cmd ? cases[i].want : texts[i - ARRAY_SIZE(cases)][1];
		_cleanup_free_ char *text = cmd
			? xasprintf("<domain xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>"
				    "<name>vm</name><qemu:commandline>%s</qemu:commandline></domain>",
				    cases[i].xml)
			: xasprintf("<domain><name>vm</name><devices><memory model='virtio-pmem'>"
				    "<source>%s</source></memory></devices></domain>",
				    texts[i - ARRAY_SIZE(cases)][0]);
		char *err = NULL;
		xmlDocPtr dom = domain_parse(text, strlen(text), "t", &err);
		struct domain_info di = { 0 };
		bool found = false;

		if (dom && domain_read_info(dom, &di) == 0)
			for (size_t k = 0; k < di.n_paths; k++)
				found |= streq(di.paths[k].path, want);
		ok(found, "%s yields %s", cmd ? cases[i].xml : texts[i - ARRAY_SIZE(cases)][0], want);
		domain_info_clear(&di);
		if (dom)
			xmlFreeDoc(dom);
		free(err);
	}
}

int main(void)
{
	test_domain_path_spellings();
	test_domain_paths();
	test_pmem_records();
	test_element();
	test_units();
	test_plain_domain();
	test_domain_with_numa();
	test_refused();
	test_no_external_entities();
	test_no_entity_expansion();
	return tap_done();
}
