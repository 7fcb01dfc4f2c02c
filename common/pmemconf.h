/* SPDX-License-Identifier: MIT */
/* The pmem_namespaces setting ("6GB:ns0|ns1|ns2,LARGE:ns3") and resource
 * class names, with the OpenStack Nova libvirt driver's semantics. Pure: no
 * host, no files. */
#ifndef VPM_PMEMCONF_H
#define VPM_PMEMCONF_H

#include <stddef.h>

#include "findings.h"
#include "util.h"

#define RC_NAME_MAX 255

struct pmem_label {
	char *label;        /* as written, trimmed */
	char *rc;           /* CUSTOM_PMEM_NAMESPACE_<L> */
	char **names;       /* namespace names, in the order written */
	size_t n_names;
};

struct pmem_conf {
	struct pmem_label *labels;  /* in order of first appearance */
	size_t n_labels;
};

/* "CUSTOM_PMEM_NAMESPACE_" + label with every run outside [0-9A-Za-z]
 * replaced by '_', upper-cased. malloc'd. */
char *ns_resource_class(const char *label);

/* Parse the setting. Every syntax problem is appended to problems, each
 * naming the entry, label and namespace; returns how many were found.
 * The result is usable (for the valid parts) even when problems were found. */
size_t pmem_conf_parse(const char *spec, struct pmem_conf *conf, struct findings *problems);

const struct pmem_label *pmem_conf_find_label(const struct pmem_conf *conf, const char *label);

void pmem_conf_free(struct pmem_conf *conf);

#endif
