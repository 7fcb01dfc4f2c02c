/* SPDX-License-Identifier: MIT */
#include "pmemconf.h"

#include <ctype.h>
#include <string.h>

/* As Nova does it: the whole "PMEM_NAMESPACE_<label>" is normalised, so a
 * label's leading or trailing separators merge into the neighbouring '_'. */
char *ns_resource_class(const char *label)
{
	_cleanup_free_ char *name = xasprintf("PMEM_NAMESPACE_%s", label);
	char *rc = xmalloc(sizeof("CUSTOM_") + strlen(name));
	char *o = stpcpy(rc, "CUSTOM_");

	for (const unsigned char *p = (const unsigned char *)name; *p;) {
		if (isalnum(*p) && *p < 0x80) {
			*o++ = (char)toupper(*p++);
			continue;
		}
		*o++ = '_';
		while (*p && !(isalnum(*p) && *p < 0x80))
			p++;
	}
	*o = '\0';
	return rc;
}

const struct pmem_label *pmem_conf_find_label(const struct pmem_conf *conf, const char *label)
{
	for (size_t i = 0; i < conf->n_labels; i++)
		if (streq(conf->labels[i].label, label))
			return &conf->labels[i];
	return NULL;
}

static struct pmem_label *label_get(struct pmem_conf *conf, const char *label,
				    struct findings *problems, size_t *nprob)
{
	struct pmem_label *l = (struct pmem_label *)pmem_conf_find_label(conf, label);
	char *rc;

	if (l)
		return l; /* "6GB:ns0,6GB:ns1" is one label written twice */
	rc = ns_resource_class(label);
	for (size_t i = 0; i < conf->n_labels; i++) {
		if (streq(conf->labels[i].rc, rc)) {
			findings_add(problems, SEV_ERROR, "config-class-collision", label,
				     "labels '%s' and '%s' both give resource class %s; rename one",
				     conf->labels[i].label, label, rc);
			(*nprob)++;
			free(rc);
			return NULL;
		}
	}
	if (strlen(rc) > RC_NAME_MAX) {
		findings_add(problems, SEV_ERROR, "config-class-too-long", label,
			     "label '%.40s...': resource class name is %zu characters, more than %d; "
			     "use a shorter label", label, strlen(rc), RC_NAME_MAX);
		(*nprob)++;
		free(rc);
		return NULL;
	}
	conf->labels = xreallocarray(conf->labels, conf->n_labels + 1, sizeof(*conf->labels));
	l = &conf->labels[conf->n_labels++];
	*l = (struct pmem_label){ .label = xstrdup(label), .rc = rc };
	return l;
}

static void parse_entry(char *entry, struct pmem_conf *conf, struct findings *problems,
			size_t *nprob)
{
	char *colon = strchr(entry, ':');
	char *label, *names, *name, *save = NULL;
	struct pmem_label *l;

	if (!colon) {
		findings_add(problems, SEV_ERROR, "config-syntax", entry,
			     "entry '%s': no ':' between label and namespaces "
			     "(expected LABEL:NS[|NS...])", entry);
		(*nprob)++;
		return;
	}
	*colon = '\0';
	label = strtrim(entry);
	names = colon + 1;
	if (!*label) {
		findings_add(problems, SEV_ERROR, "config-empty-label", strtrim(names),
			     "entry ':%s': empty label", strtrim(names));
		(*nprob)++;
		return;
	}
	l = label_get(conf, label, problems, nprob);
	if (!l)
		return;

	/* strtok would merge "ns0||ns1"; an empty name is a mistake to report. */
	for (name = names;; name = save + 1) {
		save = strchr(name, '|');
		if (save)
			*save = '\0';
		name = strtrim(name);
		if (!*name) {
			findings_add(problems, SEV_ERROR, "config-empty-name", label,
				     "label '%s': empty namespace name", label);
			(*nprob)++;
		} else {
			l->names = xreallocarray(l->names, l->n_names + 1, sizeof(*l->names));
			l->names[l->n_names++] = xstrdup(name);
		}
		if (!save)
			break;
	}
}

struct name_ref {
	const char *name;
	size_t label, pos;      /* where it was written */
	bool drop;
};

static int cmp_name_ref(const void *a, const void *b)
{
	const struct name_ref *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	/* equal names: in the order written */
	if (x->label != y->label)
		return x->label < y->label ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* A namespace may be listed once: report every later listing and drop it.
 * Sorting finds them in n log n, however many namespaces there are. */
static size_t drop_duplicates(struct pmem_conf *conf, struct findings *problems)
{
	struct name_ref *refs;
	size_t n = 0, nprob = 0;

	for (size_t i = 0; i < conf->n_labels; i++)
		n += conf->labels[i].n_names;
	refs = xcalloc(n, sizeof(*refs));
	n = 0;
	for (size_t i = 0; i < conf->n_labels; i++)
		for (size_t j = 0; j < conf->labels[i].n_names; j++)
			refs[n++] = (struct name_ref){ .name = conf->labels[i].names[j], .label = i, .pos = j };
	qsort(refs, n, sizeof(*refs), cmp_name_ref);
	/* Report against the first listing of each name; drop the later ones
	 * only after the scan, which still compares their names. */
	for (size_t k = 1, first = 0; k < n; k++) {
		if (strcmp(refs[k].name, refs[first].name) != 0) {
			first = k;
			continue;
		}
		if (refs[k].label == refs[first].label)
			findings_add(problems, SEV_ERROR, "config-duplicate", refs[k].name,
				     "label '%s', namespace '%s': listed twice",
				     conf->labels[refs[k].label].label, refs[k].name);
		else
			findings_add(problems, SEV_ERROR, "config-duplicate", refs[k].name,
				     "label '%s', namespace '%s': already listed under label '%s'",
				     conf->labels[refs[k].label].label, refs[k].name,
				     conf->labels[refs[first].label].label);
		nprob++;
		refs[k].drop = true;
	}
	for (size_t k = 0; k < n; k++) {
		if (refs[k].drop) {
			struct pmem_label *l = &conf->labels[refs[k].label];

			free(l->names[refs[k].pos]);
			l->names[refs[k].pos] = NULL;
		}
	}
	free(refs);
	for (size_t i = 0; i < conf->n_labels; i++) {
		struct pmem_label *l = &conf->labels[i];
		size_t kept = 0;

		for (size_t j = 0; j < l->n_names; j++)
			if (l->names[j])
				l->names[kept++] = l->names[j];
		l->n_names = kept;
	}
	return nprob;
}

size_t pmem_conf_parse(const char *spec, struct pmem_conf *conf, struct findings *problems)
{
	_cleanup_free_ char *copy = xstrdup(spec);
	size_t nprob = 0;
	char *entry, *next;

	*conf = (struct pmem_conf){ 0 };
	for (entry = copy; entry; entry = next) {
		next = strchr(entry, ',');
		if (next)
			*next++ = '\0';
		entry = strtrim(entry);
		if (!*entry)
			continue; /* "a:x, ,b:y" and a trailing comma, as oslo's lists */
		parse_entry(entry, conf, problems, &nprob);
	}
	return nprob + drop_duplicates(conf, problems);
}

void pmem_conf_free(struct pmem_conf *conf)
{
	for (size_t i = 0; i < conf->n_labels; i++) {
		struct pmem_label *l = &conf->labels[i];

		for (size_t j = 0; j < l->n_names; j++)
			free(l->names[j]);
		free(l->names);
		free(l->label);
		free(l->rc);
	}
	free(conf->labels);
	*conf = (struct pmem_conf){ 0 };
}
