/* SPDX-License-Identifier: MIT */
#include "domxml.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <sys/stat.h>
#include <inttypes.h>
#include <string.h>
#include <strings.h>
#include <cjson/cJSON.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlsave.h>

#include "state.h"
#include "util.h"

#define X(s) ((const xmlChar *)(s))

static xmlNodePtr add_text_child(xmlNodePtr parent, const char *name, const char *text)
{
	return xmlNewTextChild(parent, NULL, X(name), X(text));
}

static xmlNodePtr add_kib_child(xmlNodePtr parent, const char *name, uint64_t kib)
{
	char buf[32];
	xmlNodePtr n;

	snprintf(buf, sizeof(buf), "%" PRIu64, kib);
	n = add_text_child(parent, name, buf);
	xmlNewProp(n, X("unit"), X("KiB"));
	return n;
}

xmlNodePtr nvdimm_element(xmlDocPtr doc, const struct nvdimm *d)
{
	xmlNodePtr mem = xmlNewDocNode(doc, NULL, X("memory"), NULL);
	xmlNodePtr source = xmlNewChild(mem, NULL, X("source"), NULL);
	xmlNodePtr target = xmlNewChild(mem, NULL, X("target"), NULL);
	xmlNodePtr label;
	char node[16];

	xmlNewProp(mem, X("model"), X("nvdimm"));
	xmlNewProp(mem, X("access"), X("shared"));
	add_text_child(source, "path", d->path);
	add_kib_child(source, "alignsize", d->align_kib);
	xmlNewChild(source, NULL, X("pmem"), NULL);
	add_kib_child(target, "size", d->size_kib);
	snprintf(node, sizeof(node), "%d", d->node);
	add_text_child(target, "node", node);
	label = xmlNewChild(target, NULL, X("label"), NULL);
	add_kib_child(label, "size", NVDIMM_LABEL_KIB);
	return mem;
}

/* Never fetch anything a document names: no DTD, no external entity. */
static xmlParserInputPtr no_external(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
	(void)url; (void)id; (void)ctxt;
	return NULL;
}

static void quiet(void *ctx, const char *msg, ...)
{
	(void)ctx; (void)msg;
}

/* A document type declaration is where entities are declared: the parser
 * stops at the first one, so that none is ever declared, let alone expanded
 * (a "billion laughs" costs nothing). libvirt never writes one. */
static void refuse_dtd(void *ctx, const xmlChar *name, const xmlChar *external_id,
		       const xmlChar *system_id)
{
	xmlParserCtxtPtr ctxt = ctx;

	(void)name; (void)external_id; (void)system_id;
	*(bool *)ctxt->_private = true;
	xmlStopParser(ctxt);
}

static void refuse_entity(void *ctx, const xmlChar *name, int type, const xmlChar *public_id,
			  const xmlChar *system_id, xmlChar *content)
{
	(void)name; (void)type; (void)public_id; (void)system_id; (void)content;
	refuse_dtd(ctx, NULL, NULL, NULL);
}

xmlDocPtr domain_parse(const char *text, size_t len, const char *name, char **err)
{
	xmlParserCtxtPtr ctxt;
	xmlDocPtr doc;
	bool dtd = false;

	*err = NULL;
	if (len > INT32_MAX) {
		*err = xstrdup("too large");
		return NULL;
	}
	xmlSetExternalEntityLoader(no_external);
	xmlSetGenericErrorFunc(NULL, quiet);
	ctxt = xmlNewParserCtxt();
	if (!ctxt)
		oom();
	ctxt->_private = &dtd;
	ctxt->sax->internalSubset = refuse_dtd;
	ctxt->sax->externalSubset = refuse_dtd;
	ctxt->sax->entityDecl = refuse_entity;
	/* No XML_PARSE_NOENT (entities stay references), no DTDLOAD/DTDATTR,
	 * no network: a domain cannot make us read a file or a URL. */
	doc = xmlCtxtReadMemory(ctxt, text, (int)len, name, NULL,
				XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_NOERROR |
				XML_PARSE_NOWARNING);
	if (dtd) {
		xmlFreeDoc(doc);
		doc = NULL;
		*err = xstrdup("it has a document type declaration (<!DOCTYPE>), which may declare "
			       "entities; a libvirt domain has none, refusing it");
	} else if (!doc) {
		const xmlError *e = xmlCtxtGetLastError(ctxt);
		char *msg = e && e->message ? xstrdup(e->message) : xstrdup("not XML");

		msg[strcspn(msg, "\n")] = '\0';
		*err = xasprintf("line %d: %s", e ? e->line : 0, msg);
		free(msg);
	}
	xmlFreeParserCtxt(ctxt);
	return doc;
}

int scaled_to_kib(const char *value, const char *unit, uint64_t *kib)
{
	static const struct { const char *name; uint64_t mult; } units[] = {
		{ "b", 1 }, { "bytes", 1 },
		{ "KB", 1000ull }, { "k", 1ull << 10 }, { "KiB", 1ull << 10 },
		{ "MB", 1000000ull }, { "M", 1ull << 20 }, { "MiB", 1ull << 20 },
		{ "GB", 1000000000ull }, { "G", 1ull << 30 }, { "GiB", 1ull << 30 },
		{ "TB", 1000000000000ull }, { "T", 1ull << 40 }, { "TiB", 1ull << 40 },
		{ "PB", 1000000000000000ull }, { "P", 1ull << 50 }, { "PiB", 1ull << 50 },
	};
	_cleanup_free_ char *v = xstrdup(value ? value : "");
	uint64_t n, mult = 0;

	if (parse_u64(strtrim(v), &n) < 0)
		return -EINVAL;
	if (!unit || !*unit)
		unit = "KiB";
	for (size_t i = 0; i < ARRAY_SIZE(units); i++)
		/* libvirt takes the unit names without regard to case, except
		 * that "KB" (1000) and "k" (1024) differ only so. */
		if (strcmp(unit, units[i].name) == 0 ||
		    (strlen(unit) > 2 && strcasecmp(unit, units[i].name) == 0))
			mult = units[i].mult;
	if (!mult)
		return -EINVAL;
	if (n > UINT64_MAX / mult)
		return -ERANGE;
	*kib = (n * mult + 1023) / 1024;
	return 0;
}

/* ---- walking the domain ---------------------------------------------- */

static xmlNodePtr child(xmlNodePtr parent, const char *name)
{
	for (xmlNodePtr c = parent ? parent->children : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && xmlStrEqual(c->name, X(name)))
			return c;
	return NULL;
}

static xmlNodePtr child_or_new(xmlNodePtr parent, const char *name)
{
	xmlNodePtr c = child(parent, name);

	return c ? c : xmlNewChild(parent, NULL, X(name), NULL);
}

static char *text_of(xmlNodePtr n)
{
	xmlChar *t = n ? xmlNodeGetContent(n) : NULL;
	char *s = xstrdup(t ? (const char *)t : "");

	xmlFree(t);
	return s;
}

static char *attr_of(xmlNodePtr n, const char *name)
{
	xmlChar *a = n ? xmlGetProp(n, X(name)) : NULL;
	char *s = a ? xstrdup((const char *)a) : NULL;

	xmlFree(a);
	return s;
}

/* <name unit='U'>N</name> in KiB. */
static int element_kib(xmlNodePtr n, uint64_t *kib)
{
	_cleanup_free_ char *text = text_of(n);
	_cleanup_free_ char *unit = attr_of(n, "unit");

	return scaled_to_kib(text, unit, kib);
}

static void set_element_kib(xmlNodePtr n, uint64_t kib)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%" PRIu64, kib);
	xmlNodeSetContent(n, X(buf));
	xmlSetProp(n, X("unit"), X("KiB"));
}

static bool is_nvdimm(xmlNodePtr n)
{
	_cleanup_free_ char *model = attr_of(n, "model");

	return n->type == XML_ELEMENT_NODE && xmlStrEqual(n->name, X("memory")) &&
	       streq(model, "nvdimm");
}

static char *nvdimm_path(xmlNodePtr n)
{
	return text_of(child(child(n, "source"), "path"));
}

static bool in_list(const char *s, char *const *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (streq(s, v[i]))
			return true;
	return false;
}

int domain_add_nvdimms(xmlDocPtr dom, const struct nvdimm *devs, size_t n,
		       char *const *owned_paths, size_t n_owned, char **err)
{
	xmlNodePtr root = xmlDocGetRootElement(dom);
	xmlNodePtr devices, memory, maxmem, cpu, numa, cell, next;
	uint64_t base = 0, devices_kib = 0, mem_kib, max_kib = 0, slots = 0;
	size_t n_memdev = 0, n_cells = 0;
	_cleanup_free_ char *slots_attr = NULL;

	*err = NULL;
	if (!root || !xmlStrEqual(root->name, X("domain")))
		return fail_with(err, xasprintf("the root element is <%s>, not <domain>",
					   root ? (const char *)root->name : "(none)"));
	memory = child(root, "memory");
	if (!memory)
		return fail_with(err, xstrdup("the domain has no <memory>"));
	if (element_kib(memory, &mem_kib) < 0)
		return fail_with(err, xstrdup("the domain's <memory> is not a size"));

	/* The guest's own memory: its NUMA cells when it has them, else what
	 * <memory> says (a domain without cells has no memory devices yet). */
	cpu = child(root, "cpu");
	numa = child(cpu, "numa");
	for (cell = numa ? numa->children : NULL; cell; cell = cell->next) {
		_cleanup_free_ char *m = NULL, *u = NULL;
		uint64_t kib;

		if (cell->type != XML_ELEMENT_NODE || !xmlStrEqual(cell->name, X("cell")))
			continue;
		m = attr_of(cell, "memory");
		u = attr_of(cell, "unit");
		if (scaled_to_kib(m, u, &kib) < 0)
			return fail_with(err, xstrdup("a NUMA <cell> has no valid memory size"));
		if (__builtin_add_overflow(base, kib, &base))
			return fail_with(err, xstrdup("the NUMA cells' memory adds up beyond any size"));
		n_cells++;
	}
	for (size_t i = 0; i < n; i++) {
		bool found = false;

		for (xmlNodePtr c = numa ? numa->children : NULL; c && !found; c = c->next) {
			_cleanup_free_ char *id = attr_of(c, "id");
			int v;

			found = id && parse_int(id, 0, INT32_MAX, &v) == 0 && v == devs[i].node;
		}
		if (n_cells && !found)
			return fail_with(err, xasprintf("the domain has no guest NUMA node %d", devs[i].node));
		if (!n_cells && devs[i].node != 0)
			return fail_with(err, xasprintf("the domain has no NUMA cells, so only guest node 0 "
						   "(added now) can hold devices, not %d", devs[i].node));
	}
	if (!n_cells) {
		_cleanup_free_ char *vcpu_text = text_of(child(root, "vcpu"));
		char cpus[32];
		int vcpus = 1;
		char kib[32];

		if (*vcpu_text && parse_int(strtrim(vcpu_text), 1, 1 << 20, &vcpus) < 0)
			return fail_with(err, xstrdup("the domain's <vcpu> is not a number"));
		base = mem_kib;
		if (!cpu) {
			/* libvirt keeps <cpu> after <os> and <features>; placing it
			 * right after <vcpu> is accepted and stays readable. */
			xmlNodePtr after = child(root, "vcpu") ? child(root, "vcpu") : memory;

			cpu = xmlNewDocNode(dom, NULL, X("cpu"), NULL);
			xmlAddNextSibling(after, cpu);
		}
		numa = child_or_new(cpu, "numa");
		cell = xmlNewChild(numa, NULL, X("cell"), NULL);
		if (vcpus == 1)
			snprintf(cpus, sizeof(cpus), "0");
		else
			snprintf(cpus, sizeof(cpus), "0-%d", vcpus - 1);
		snprintf(kib, sizeof(kib), "%" PRIu64, base);
		xmlNewProp(cell, X("id"), X("0"));
		xmlNewProp(cell, X("cpus"), X(cpus));
		xmlNewProp(cell, X("memory"), X(kib));
		xmlNewProp(cell, X("unit"), X("KiB"));
	}

	/* Out with the nvdimms at our paths (ours, or stale ones of the pool),
	 * then in with ours: a second run gives the same domain. */
	devices = child_or_new(root, "devices");
	for (xmlNodePtr c = devices->children; c; c = next) {
		_cleanup_free_ char *path = NULL;

		next = c->next;
		if (!is_nvdimm(c))
			continue;
		path = nvdimm_path(c);
		for (size_t i = 0; i < n; i++)
			if (streq(path, devs[i].path))
				goto drop;
		if (in_list(path, owned_paths, n_owned))
			goto drop;
		continue;
drop:
		xmlUnlinkNode(c);
		xmlFreeNode(c);
	}
	for (size_t i = 0; i < n; i++)
		xmlAddChild(devices, nvdimm_element(dom, &devs[i]));

	/* libvirt counts every memory device into <memory>, and wants a slot
	 * and room under <maxMemory> for each. */
	for (xmlNodePtr c = devices->children; c; c = c->next) {
		uint64_t kib;

		if (c->type != XML_ELEMENT_NODE || !xmlStrEqual(c->name, X("memory")))
			continue;
		if (element_kib(child(child(c, "target"), "size"), &kib) < 0)
			return fail_with(err, xstrdup("a memory device has no valid target size"));
		if (__builtin_add_overflow(devices_kib, kib, &devices_kib))
			return fail_with(err, xstrdup("the memory devices add up beyond any size"));
		n_memdev++;
	}
	if (__builtin_add_overflow(base, devices_kib, &mem_kib))
		return fail_with(err, xstrdup("memory and devices add up beyond any size"));
	set_element_kib(memory, mem_kib);

	maxmem = child(root, "maxMemory");
	if (maxmem) {
		slots_attr = attr_of(maxmem, "slots");
		if (element_kib(maxmem, &max_kib) < 0 ||
		    (slots_attr && parse_u64(slots_attr, &slots) < 0))
			return fail_with(err, xstrdup("the domain's <maxMemory> is not a size with slots"));
	} else {
		maxmem = xmlNewDocNode(dom, NULL, X("maxMemory"), NULL);
		xmlAddPrevSibling(memory, maxmem);
	}
	if (slots < n_memdev)
		slots = n_memdev;
	if (max_kib < mem_kib)
		max_kib = mem_kib;
	{
		char buf[32];

		snprintf(buf, sizeof(buf), "%" PRIu64, slots);
		xmlSetProp(maxmem, X("slots"), X(buf));
		set_element_kib(maxmem, max_kib);
	}
	return 0;
}

static xmlNodePtr devices_of(xmlDocPtr dom)
{
	xmlNodePtr root = xmlDocGetRootElement(dom);

	return root && xmlStrEqual(root->name, X("domain")) ? child(root, "devices") : NULL;
}

int domain_nvdimm_sizes(xmlDocPtr dom, uint64_t **kib, size_t *n, char **err)
{
	xmlNodePtr devices = devices_of(dom);

	*kib = NULL;
	*n = 0;
	for (xmlNodePtr c = devices ? devices->children : NULL; c; c = c->next) {
		uint64_t v;

		if (!is_nvdimm(c))
			continue;
		if (element_kib(child(child(c, "target"), "size"), &v) < 0) {
			free(*kib);
			*kib = NULL;
			return fail_with(err, xasprintf("nvdimm device %zu has no valid target size", *n + 1));
		}
		*kib = xreallocarray(*kib, *n + 1, sizeof(**kib));
		(*kib)[(*n)++] = v;
	}
	return 0;
}

int domain_retarget_nvdimms(xmlDocPtr dom, const struct nvdimm *devs, size_t n, char **err)
{
	xmlNodePtr devices = devices_of(dom);
	size_t k = 0;

	for (xmlNodePtr c = devices ? devices->children : NULL; c; c = c->next)
		k += is_nvdimm(c);
	if (k != n)
		return fail_with(err, xasprintf("the domain has %zu nvdimm devices, not %zu", k, n));
	k = 0;
	for (xmlNodePtr c = devices ? devices->children : NULL; c; c = c->next) {
		xmlNodePtr source, path, align;

		if (!is_nvdimm(c))
			continue;
		source = child(c, "source");
		if (!source)
			return fail_with(err, xasprintf("nvdimm device %zu has no <source>", k + 1));
		path = child(source, "path");
		if (!path)
			path = source->children
			       ? xmlAddPrevSibling(source->children,
						   xmlNewDocNode(dom, NULL, X("path"), NULL))
			       : xmlNewChild(source, NULL, X("path"), NULL);
		xmlNodeSetContent(path, NULL);
		xmlNodeAddContent(path, X(devs[k].path));
		align = child(source, "alignsize");
		if (!align)
			align = xmlAddNextSibling(path, xmlNewDocNode(dom, NULL, X("alignsize"), NULL));
		set_element_kib(align, devs[k].align_kib);
		k++;
	}
	return 0;
}

static void add_path(struct domain_info *info, char *path, const char *where, bool nvdimm)
{
	info->paths = xreallocarray(info->paths, info->n_paths + 1, sizeof(*info->paths));
	info->paths[info->n_paths++] = (struct domain_path){ path, xstrdup(where), nvdimm };
}

static void add_paths_in(struct domain_info *info, const char *value, const char *where);

/* Every string of a JSON document (QEMU's JSON syntax of -object,
 * -blockdev, and json: file names). */
static void add_json_strings(struct domain_info *info, const cJSON *j, const char *where)
{
	if (cJSON_IsString(j) && j->valuestring)
		add_paths_in(info, j->valuestring, where);
	for (const cJSON *c = j ? j->child : NULL; c; c = c->next)
		add_json_strings(info, c, where);
}

/* s[0..n) as QEMU reads a file name: blanks around it dropped, ",," is a
 * comma, a "file:" protocol prefix goes, "json:" starts a JSON document,
 * and a relative path is from QEMU's working directory, "/". Added when
 * it names a path. */
static void add_candidate(struct domain_info *info, const char *s, size_t n, const char *where)
{
	_cleanup_free_ char *v = xcalloc(n + 2, 1);
	const char *p;
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		v[k++] = s[i];
		if (s[i] == ',' && i + 1 < n && s[i + 1] == ',')
			i++;
	}
	p = v + strspn(v, " \t\r\n");
	while (k && strchr(" \t\r\n", v[k - 1]))
		v[--k] = '\0';
	if (!strncmp(p, "json:", 5) || p[0] == '{') {
		cJSON *j = cJSON_Parse(p[0] == '{' ? p : p + 5);

		add_json_strings(info, j, where);
		cJSON_Delete(j);
		return;
	}
	if (!strncmp(p, "file://", 7))
		p += 7;
	else if (!strncmp(p, "file:", 5))
		p += 5;
	if (p[0] == '/')
		add_path(info, xstrdup(p), where, false);
	else if (strchr(p, '/') && !strpbrk(p, ",= \t\r\n"))
		add_path(info, xasprintf("/%s", p), where, false);
}

/* The paths value names: itself whole; each piece between commas (QEMU's
 * options, ",," escaping a comma, blanks kept) and each piece between
 * commas or blanks (a command line in one value); and of each piece, what
 * follows "key=". */
static void add_paths_in(struct domain_info *info, const char *value, const char *where)
{
	static const char *const seps[] = { ",", ", \t\r\n" };

	add_candidate(info, value, strlen(value), where);
	for (size_t m = 0; m < ARRAY_SIZE(seps); m++) {
		const char *p = value;

		while (*p) {
			const char *end = p, *eq;

			while (*end && !(strchr(seps[m], *end) && !(end[0] == ',' && end[1] == ',')))
				end += end[0] == ',' ? 2 : 1;
			if (end > p) {
				add_candidate(info, p, (size_t)(end - p), where);
				eq = memchr(p, '=', (size_t)(end - p));
				if (eq)
					add_candidate(info, eq + 1, (size_t)(end - eq - 1), where);
			}
			p = *end ? end + 1 : end;
		}
	}
}

/* "<memory model='virtio-pmem'>", "<qemu:commandline>", "<disk>": the
 * element under <devices> (or <domain>) a path is found in. */
static char *where_of(xmlNodePtr n)
{
	_cleanup_free_ char *model = attr_of(n, "model");
	const char *prefix = n->ns && n->ns->prefix ? (const char *)n->ns->prefix : NULL;

	if (model)
		return xasprintf("<%s model='%s'>", (const char *)n->name, model);
	return xasprintf("<%s%s%s>", prefix ? prefix : "", prefix ? ":" : "",
			 (const char *)n->name);
}

/* Whether n is the <source><path> of an nvdimm device (read as such). */
static bool nvdimm_source_path(xmlNodePtr n)
{
	return xmlStrEqual(n->name, X("path")) && n->parent && xmlStrEqual(n->parent->name, X("source")) &&
	       n->parent->parent && is_nvdimm(n->parent->parent);
}

/* The text of n itself, its text and CDATA children joined (a comment or a
 * processing instruction does not split a path); NULL when none. */
static char *own_text(xmlNodePtr n)
{
	char *s = NULL;

	for (xmlNodePtr c = n->children; c; c = c->next) {
		char *t;

		if ((c->type != XML_TEXT_NODE && c->type != XML_CDATA_SECTION_NODE) || !c->content)
			continue;
		t = xasprintf("%s%s", s ? s : "", (const char *)c->content);
		free(s);
		s = t;
	}
	return s;
}

static void walk_paths(struct domain_info *info, xmlNodePtr n, const char *where)
{
	for (; n; n = n->next) {
		_cleanup_free_ char *mine = NULL, *text = NULL;
		const char *w = where;

		if (n->type != XML_ELEMENT_NODE)
			continue;
		/* a device, or a section of the domain, names the paths below it */
		if (!where || (n->parent && xmlStrEqual(n->parent->name, X("devices"))))
			mine = where_of(n);
		if (mine)
			w = mine;
		for (xmlAttrPtr a = n->properties; a; a = a->next) {
			xmlChar *v = xmlNodeListGetString(n->doc, a->children, 1);

			if (v)
				add_paths_in(info, (const char *)v, w);
			xmlFree(v);
		}
		text = nvdimm_source_path(n) ? NULL : own_text(n);
		if (text)
			add_paths_in(info, text, w);
		walk_paths(info, n->children, w);
	}
}

/* qsort order of path indices: by path, place, then first named. */
static const struct domain_info *sorting;

static int by_path(const void *a, const void *b)
{
	const struct domain_path *x = &sorting->paths[*(const size_t *)a];
	const struct domain_path *y = &sorting->paths[*(const size_t *)b];
	int c = strcmp(x->path, y->path);

	if (!c)
		c = strcmp(x->where, y->where);
	return c ? c : (*(const size_t *)a > *(const size_t *)b) - (*(const size_t *)a < *(const size_t *)b);
}

/* Each path other than an nvdimm device's once per place, in the order
 * first named: in n log n, however many a domain holds. */
static void drop_repeats(struct domain_info *info)
{
	size_t n = info->n_paths - info->n_nvdimm, k = 0;
	_cleanup_free_ size_t *idx = xcalloc(n ? n : 1, sizeof(*idx));
	_cleanup_free_ bool *drop = xcalloc(info->n_paths ? info->n_paths : 1, sizeof(*drop));

	for (size_t i = 0; i < n; i++)
		idx[i] = info->n_nvdimm + i;
	sorting = info;
	qsort(idx, n, sizeof(*idx), by_path);
	for (size_t i = 1; i < n; i++)
		drop[idx[i]] = streq(info->paths[idx[i]].path, info->paths[idx[i - 1]].path) &&
			       streq(info->paths[idx[i]].where, info->paths[idx[i - 1]].where);
	for (size_t i = 0; i < info->n_paths; i++) {
		if (drop[i]) {
			free(info->paths[i].path);
			free(info->paths[i].where);
			continue;
		}
		info->paths[k++] = info->paths[i];
	}
	info->n_paths = k;
}

int domain_read_info(xmlDocPtr dom, struct domain_info *info)
{
	xmlNodePtr root = xmlDocGetRootElement(dom);
	xmlNodePtr uuid;

	*info = (struct domain_info){ 0 };
	if (!root || !xmlStrEqual(root->name, X("domain")))
		return -EINVAL;
	info->name = text_of(child(root, "name"));
	uuid = child(root, "uuid");
	info->uuid = uuid ? text_of(uuid) : NULL;
	for (xmlNodePtr c = child(root, "devices") ? child(root, "devices")->children : NULL; c;
	     c = c->next) {
		if (!is_nvdimm(c))
			continue;
		_cleanup_free_ char *path = nvdimm_path(c);
		const char *p = path + strspn(path, " \t\r\n");
		size_t len = strlen(p);

		while (len && strchr(" \t\r\n", p[len - 1]))
			len--;
		add_path(info, xstrndup(p, len), "<memory model='nvdimm'>", true);
		info->n_nvdimm++;
	}
	walk_paths(info, root->children, NULL);
	drop_repeats(info);
	return 0;
}

void domain_info_clear(struct domain_info *info)
{
	for (size_t i = 0; i < info->n_paths; i++) {
		free(info->paths[i].path);
		free(info->paths[i].where);
	}
	free(info->paths);
	free(info->name);
	free(info->uuid);
	free(info->file);
	*info = (struct domain_info){ 0 };
}

static bool is_xml_name(const char *s)
{
	size_t n = strlen(s);

	return s[0] != '.' && n > 4 && streq(s + n - 4, ".xml");
}

int domain_dir_files(const char *dir, struct strv *files)
{
	struct dirent **ents = NULL;
	int n = scandir(dir, &ents, NULL, alphasort);

	if (n < 0)
		return -errno;
	for (int i = 0; i < n; i++) {
		if (is_xml_name(ents[i]->d_name))
			strv_push(files, path_join(dir, ents[i]->d_name));
		free(ents[i]);
	}
	free(ents);
	return 0;
}

int domain_read_dir(const char *dir, struct domain_info **doms,
		    void (*unreadable)(const char *path, const char *why, void *arg), void *arg)
{
	struct strv files = { 0 };
	size_t n = 0;
	int r = domain_dir_files(dir, &files);

	*doms = NULL;
	if (r < 0)
		return r;
	for (size_t i = 0; i < files.n; i++) {
		_cleanup_free_ char *text = NULL, *err = NULL;
		const char *path = files.v[i];
		struct domain_info info;
		struct stat st;
		xmlDocPtr dom;
		size_t len = 0;

		if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		r = read_file(path, 64u << 20, &text, &len);
		if (r == -EILSEQ)
			err = xasprintf("a NUL byte at offset %zu", len);
		if (r < 0 || !(dom = domain_parse(text, len, path, &err))) {
			if (unreadable)
				unreadable(path, err ? err : strerror(-r), arg);
			continue;
		}
		if (domain_read_info(dom, &info) == 0) {
			info.file = xstrdup(path);
			*doms = xreallocarray(*doms, n + 1, sizeof(**doms));
			(*doms)[n++] = info;
		}
		xmlFreeDoc(dom);
	}
	strv_clear(&files);
	return (int)n;
}

/* ---- vpmemctl's record in <metadata> ---------------------------------- */

static bool is_ours(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && xmlStrEqual(n->name, X(name)) && n->ns &&
	       xmlStrEqual(n->ns->href, X(VPMEMCTL_XMLNS));
}

static xmlNodePtr our_element(xmlNodePtr metadata)
{
	for (xmlNodePtr c = metadata ? metadata->children : NULL; c; c = c->next)
		if (is_ours(c, "pmem"))
			return c;
	return NULL;
}

/* A new <metadata> after the domain's identity (name, uuid, genid, title,
 * description), where libvirt puts it. */
static xmlNodePtr new_metadata(xmlNodePtr root)
{
	static const char *const before[] = { "name", "uuid", "genid", "title", "description" };
	xmlNodePtr md = xmlNewDocNode(root->doc, NULL, X("metadata"), NULL);
	xmlNodePtr after = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(before); i++)
		if (child(root, before[i]))
			after = child(root, before[i]);
	if (after)
		xmlAddNextSibling(after, md);
	else if (root->children)
		xmlAddPrevSibling(root->children, md);
	else
		xmlAddChild(root, md);
	return md;
}

void domain_set_pmem(xmlDocPtr dom, const struct pmem_record *recs, size_t n)
{
	xmlNodePtr root = xmlDocGetRootElement(dom);
	xmlNodePtr md = child(root, "metadata");
	xmlNodePtr old = our_element(md), el;
	xmlNsPtr ns;

	if (old) {
		xmlUnlinkNode(old);
		xmlFreeNode(old);
	}
	if (!n)
		return;
	if (!md)
		md = new_metadata(root);
	el = xmlNewChild(md, NULL, X("pmem"), NULL);
	ns = xmlNewNs(el, X(VPMEMCTL_XMLNS), X("vpmemctl"));
	xmlSetNs(el, ns);
	for (size_t i = 0; i < n; i++) {
		xmlNodePtr r = xmlNewChild(el, ns, X("namespace"), NULL);

		xmlSetProp(r, X("label"), X(recs[i].label));
		xmlSetProp(r, X("name"), X(recs[i].name));
		if (recs[i].uuid)
			xmlSetProp(r, X("uuid"), X(recs[i].uuid));
	}
}

int domain_get_pmem(xmlDocPtr dom, struct pmem_record **recs, size_t *n, char **err)
{
	xmlNodePtr el = our_element(child(xmlDocGetRootElement(dom), "metadata"));

	*recs = NULL;
	*n = 0;
	for (xmlNodePtr c = el ? el->children : NULL; c; c = c->next) {
		struct pmem_record r;

		if (!is_ours(c, "namespace"))
			continue;
		r = (struct pmem_record){ attr_of(c, "label"), attr_of(c, "name"),
					  attr_of(c, "uuid") };
		if (!r.label || !r.name || !*r.label || !*r.name) {
			*err = xasprintf("vpmemctl's <namespace> record %zu in <metadata> has no %s",
					 *n + 1, r.label && *r.label ? "name" : "label");
			free(r.label); /* r is on the stack: its strings only */
			free(r.name);
			free(r.uuid);
			pmem_records_free(*recs, *n);
			*recs = NULL;
			*n = 0;
			return -EINVAL;
		}
		*recs = xreallocarray(*recs, *n + 1, sizeof(**recs));
		(*recs)[(*n)++] = r;
	}
	return 0;
}

void pmem_records_free(struct pmem_record *recs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(recs[i].label);
		free(recs[i].name);
		free(recs[i].uuid);
	}
	free(recs);
}

xmlChar *domain_format(xmlDocPtr dom, int *len)
{
	xmlBufferPtr buf = xmlBufferCreate();
	xmlSaveCtxtPtr save = buf ? xmlSaveToBuffer(buf, "UTF-8", XML_SAVE_FORMAT | XML_SAVE_NO_DECL)
				  : NULL;
	xmlChar *out = NULL;

	if (save) {
		xmlSaveDoc(save, dom);
		xmlSaveClose(save);
		*len = (int)xmlBufferLength(buf);
		out = xmlStrndup(xmlBufferContent(buf), *len);
	}
	if (buf)
		xmlBufferFree(buf);
	return out;
}

int domain_write_file(const char *path, const xmlChar *text, int len)
{
	_cleanup_free_ char *dcopy = xstrdup(path), *bcopy = xstrdup(path);
	_cleanup_close_ int dirfd = open(dirname(dcopy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct stat st;

	if (lstat(path, &st) < 0 || dirfd < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	return replace_file_at(dirfd, basename(bcopy), path, text, (size_t)len, &st);
}

void domain_record_claim(xmlDocPtr dom, const struct claim *c)
{
	struct pmem_record *recs = xcalloc(c->n_ns ? c->n_ns : 1, sizeof(*recs));

	for (size_t i = 0; i < c->n_ns; i++)
		recs[i] = (struct pmem_record){ c->ns[i].label, c->ns[i].name, c->ns[i].uuid };
	domain_set_pmem(dom, recs, c->n_ns);
	free(recs);
}

bool domain_records_claim(xmlDocPtr dom, const struct claim *c)
{
	struct pmem_record *recs = NULL;
	char *err = NULL;
	size_t n = 0;
	bool same;

	if (domain_get_pmem(dom, &recs, &n, &err) < 0) {
		free(err);
		return false;
	}
	same = n == c->n_ns;
	for (size_t i = 0; same && i < n; i++)
		same = streq(recs[i].name, c->ns[i].name) && streq(recs[i].label, c->ns[i].label) &&
		       streq(recs[i].uuid, c->ns[i].uuid);
	pmem_records_free(recs, n);
	return same;
}
