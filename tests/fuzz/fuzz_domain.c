/* SPDX-License-Identifier: MIT */
/* domain_parse, then what render-xml --domain and verify --libvirt-dir do
 * with a domain that parses: domain_read_info, and domain_add_nvdimms with a
 * fixed set of devices. When the devices go in, the domain must still
 * serialise and parse, and hold each of them exactly once. */
#include <libxml/tree.h>

#include "domxml.h"
#include "fuzz.h"

static const struct nvdimm devs[] = {
	{ "/dev/dax0.0", 6291456, 2048, 0 },
	{ "/dev/dax1.0", 104857600, 1048576, 0 },
};
static char *const owned[] = { (char *)"/dev/dax0.1", (char *)"/dev/dax0.2" };

static xmlNodePtr child(xmlNodePtr parent, const char *name)
{
	for (xmlNodePtr c = parent ? parent->children : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && xmlStrEqual(c->name, (const xmlChar *)name))
			return c;
	return NULL;
}

/* The size a node (text and unit='') or its attribute pair gives, in KiB;
 * what libvirt would read. */
static int kib_of(xmlNodePtr n, const char *value_attr, uint64_t *kib)
{
	xmlChar *v = value_attr ? xmlGetProp(n, (const xmlChar *)value_attr) : xmlNodeGetContent(n);
	xmlChar *u = xmlGetProp(n, (const xmlChar *)"unit");
	int r = scaled_to_kib((const char *)v, (const char *)u, kib);

	xmlFree(v);
	xmlFree(u);
	return r;
}

/* What the patched domain must say of its sizes: <memory> holds every NUMA
 * cell and every memory device (so at least the largest of each: a sum that
 * wrapped around breaks this), <maxMemory> holds <memory>, and there is a
 * slot for each memory device. */
static void check_sizes(xmlDocPtr doc)
{
	xmlNodePtr root = xmlDocGetRootElement(doc);
	xmlNodePtr memory = child(root, "memory"), maxmem = child(root, "maxMemory");
	xmlNodePtr numa = child(child(root, "cpu"), "numa");
	uint64_t mem, max, kib, slots = 0, n_dev = 0;
	xmlChar *s;

	FUZZ_CHECK(memory && maxmem);
	FUZZ_CHECK(kib_of(memory, NULL, &mem) == 0);
	FUZZ_CHECK(kib_of(maxmem, NULL, &max) == 0);
	FUZZ_CHECK(max >= mem);
	for (xmlNodePtr c = numa ? numa->children : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && xmlStrEqual(c->name, (const xmlChar *)"cell") &&
		    kib_of(c, "memory", &kib) == 0)
			FUZZ_CHECK(mem >= kib);
	for (xmlNodePtr c = child(root, "devices") ? child(root, "devices")->children : NULL; c;
	     c = c->next) {
		if (c->type != XML_ELEMENT_NODE || !xmlStrEqual(c->name, (const xmlChar *)"memory"))
			continue;
		n_dev++;
		if (kib_of(child(child(c, "target"), "size"), NULL, &kib) == 0)
			FUZZ_CHECK(mem >= kib);
	}
	s = xmlGetProp(maxmem, (const xmlChar *)"slots");
	FUZZ_CHECK(s != NULL);
	slots = strtoull((const char *)s, NULL, 10);
	xmlFree(s);
	FUZZ_CHECK(slots >= n_dev);
}

static size_t count_path(const struct domain_info *info, const char *path)
{
	size_t n = 0;

	for (size_t i = 0; i < info->n_nvdimm; i++)
		n += strcmp(info->paths[i].path, path) == 0;
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *err = NULL;
	struct domain_info info;
	xmlDocPtr doc;
	int r;

	doc = domain_parse((const char *)data, size, "fuzz.xml", &err);
	if (!doc) {
		FUZZ_CHECK(err != NULL);
		free(err);
		return 0;
	}
	FUZZ_CHECK(err == NULL);
	if (domain_read_info(doc, &info) == 0)
		domain_info_clear(&info);

	r = domain_add_nvdimms(doc, devs, sizeof(devs) / sizeof(devs[0]), owned, 2, &err);
	if (r < 0) {
		FUZZ_CHECK(err != NULL);
		free(err);
	} else {
		xmlChar *out = NULL;
		int len = 0;
		xmlDocPtr again;

		FUZZ_CHECK(err == NULL);
		check_sizes(doc);
		xmlDocDumpMemory(doc, &out, &len);
		FUZZ_CHECK(out != NULL);
		again = domain_parse((const char *)out, (size_t)len, "again.xml", &err);
		if (!again)
			fprintf(stderr, "patched domain does not parse again: %s\n%s\n", err, out);
		FUZZ_CHECK(again != NULL);
		FUZZ_CHECK(domain_read_info(again, &info) == 0);
		FUZZ_CHECK(count_path(&info, devs[0].path) == 1);
		FUZZ_CHECK(count_path(&info, devs[1].path) == 1);
		FUZZ_CHECK(count_path(&info, owned[0]) == 0);
		domain_info_clear(&info);

		/* A second run gives the same domain (render-xml --in-place run
		 * twice); compared after a parse, which drops ignorable blanks. */
		{
			xmlChar *before = NULL, *after = NULL;
			int lb = 0, la = 0;

			xmlDocDumpMemory(again, &before, &lb);
			r = domain_add_nvdimms(again, devs, sizeof(devs) / sizeof(devs[0]), owned, 2,
					       &err);
			if (r < 0)
				fprintf(stderr, "second run fails: %s\n", err);
			FUZZ_CHECK(r == 0);
			xmlDocDumpMemory(again, &after, &la);
			if (la != lb || memcmp(before, after, (size_t)la) != 0)
				fprintf(stderr, "second run changes the domain:\n%s\n---\n%s\n",
					before, after);
			FUZZ_CHECK(la == lb && memcmp(before, after, (size_t)la) == 0);
			xmlFree(before);
			xmlFree(after);
		}
		xmlFreeDoc(again);
		xmlFree(out);
	}
	xmlFreeDoc(doc);
	return 0;
}
