/* SPDX-License-Identifier: MIT */
/* libvirt domain XML: the <memory model='nvdimm'> device of a namespace, and
 * a domain patched to hold such devices. Pure: documents in, documents out. */
#ifndef VPM_DOMXML_H
#define VPM_DOMXML_H

#include <libxml/tree.h>
#include <stdbool.h>
#include <stdint.h>

/* Nova's label area for every vPMEM. */
#define NVDIMM_LABEL_KIB 2048

struct nvdimm {
	const char *path;       /* /dev/daxX.Y */
	uint64_t size_kib;      /* namespace size */
	uint64_t align_kib;     /* region alignment */
	int node;               /* guest NUMA node */
};

/* <memory model='nvdimm' access='shared'>...</memory>, unlinked, in doc. */
xmlNodePtr nvdimm_element(xmlDocPtr doc, const struct nvdimm *d);

/* Parse a domain with network access, DTD loading and entity expansion off.
 * NULL with *err set (malloc'd, with the line) when it does not parse. */
xmlDocPtr domain_parse(const char *text, size_t len, const char *name, char **err);

/* Add the devices to the domain: replace any nvdimm whose source path is one
 * of ours or one of owned_paths (devices vpmemctl hands out: stale ones go),
 * make room in <maxMemory>, count the devices into <memory>, and add a guest
 * NUMA cell when there is none. Returns 0, or -EINVAL with *err set. */
int domain_add_nvdimms(xmlDocPtr dom, const struct nvdimm *devs, size_t n,
		       char *const *owned_paths, size_t n_owned, char **err);

/* Every path a domain names, for the question of which namespaces it uses
 * (domuse.h): the source path of each <memory model='nvdimm'> device first,
 * in device order, then every other attribute or text anywhere in the
 * domain that is, or holds as a QEMU option value (key=/path, split at
 * commas and blanks), an absolute path: <memory model='virtio-pmem'>,
 * <qemu:commandline> arguments, disks, anything libvirt may add. */
struct domain_path {
	char *path;             /* as written; "" for an nvdimm without a source path */
	char *where;            /* the device or section naming it: "<memory model='nvdimm'>",
				 * "<qemu:commandline>", "<disk>"... */
	bool nvdimm;            /* the source path of an nvdimm device */
};

/* A domain's name, uuid (NULL when absent) and paths. Returns -EINVAL when
 * it is not a <domain>. Strings malloc'd. */
struct domain_info {
	char *name;
	char *uuid;
	char *file;             /* the file it was read from (domain_read_dir), else NULL */
	struct domain_path *paths;
	size_t n_paths;
	size_t n_nvdimm;        /* the first n_nvdimm paths are the nvdimm devices' */
};
int domain_read_info(xmlDocPtr dom, struct domain_info *info);
void domain_info_clear(struct domain_info *info);

/* The *.xml files of dir (paths), sorted, as libvirt keeps its domains.
 * Negative errno when dir cannot be read. */
struct strv;
int domain_dir_files(const char *dir, struct strv *files);

/* domain_read_info() of every *.xml file in dir (libvirt's /etc/libvirt/qemu),
 * sorted by file name, each with its file. A file that cannot be read or
 * parsed is passed to unreadable (with why) and skipped. Returns how many
 * domains (*doms malloc'd), or a negative errno when dir cannot be read. */
int domain_read_dir(const char *dir, struct domain_info **doms,
		    void (*unreadable)(const char *path, const char *why, void *arg), void *arg);

/* vpmemctl's record in a domain's <metadata>: the claim's namespaces in
 * device order, so that the labels travel with the domain (a migration's
 * destination claims its own namespaces of the same labels):
 *   <metadata>
 *     <vpmemctl:pmem xmlns:vpmemctl="VPMEMCTL_XMLNS">
 *       <vpmemctl:namespace label="6GB" name="ns0" uuid="..."/>
 *     </vpmemctl:pmem>
 *   </metadata> */
#define VPMEMCTL_XMLNS "https://vpmemctl.org/xmlns/pmem/1"

struct pmem_record {
	char *label;
	char *name;     /* the namespace on the host that wrote it */
	char *uuid;     /* NULL when not known */
};

/* Replace vpmemctl's element in <metadata> (added when missing) by one
 * holding these records; n == 0 removes it. */
void domain_set_pmem(xmlDocPtr dom, const struct pmem_record *recs, size_t n);

struct claim;
/* domain_set_pmem() with the records of claim c: its namespaces' labels,
 * names and uuids, in its order. */
void domain_record_claim(xmlDocPtr dom, const struct claim *c);

/* Whether the domain's records already say what c says. */
bool domain_records_claim(xmlDocPtr dom, const struct claim *c);

/* The records of vpmemctl's element: 0 with *n = 0 when there is none;
 * -EINVAL with *err set (malloc'd) when it is malformed (a record without a
 * label or name). *recs malloc'd; free with pmem_records_free(). */
int domain_get_pmem(xmlDocPtr dom, struct pmem_record **recs, size_t *n, char **err);
void pmem_records_free(struct pmem_record *recs, size_t n);

/* The domain as libvirt writes its files: indented, no <?xml?> declaration.
 * NULL when out of memory; xmlFree() it. */
xmlChar *domain_format(xmlDocPtr dom, int *len);

/* Replace the regular file path by text, atomically, keeping its mode and
 * owner. Negative errno (-EINVAL: not a regular file). */
int domain_write_file(const char *path, const xmlChar *text, int len);

/* The target size (KiB) of each nvdimm device, in document order: what a
 * migration's destination must match. -EINVAL with *err set when one has
 * none. *kib malloc'd (NULL when n is 0). */
int domain_nvdimm_sizes(xmlDocPtr dom, uint64_t **kib, size_t *n, char **err);

/* Point the domain's nvdimm devices, in document order, at devs[i].path
 * with alignsize devs[i].align_kib; size, node and label stay. -EINVAL with
 * *err set when the domain does not have exactly n of them. */
int domain_retarget_nvdimms(xmlDocPtr dom, const struct nvdimm *devs, size_t n, char **err);

/* A size element or attribute pair in libvirt's units, in KiB (rounded up). */
int scaled_to_kib(const char *value, const char *unit, uint64_t *kib);

#endif
