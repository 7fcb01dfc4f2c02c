/* SPDX-License-Identifier: MIT */
#include "pmemconf.h"

#include <ctype.h>
#include <string.h>

#include "strmap.h"

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
	/* room for every name of the entry at once, not a realloc each */
	{
		size_t more = 1;

		for (const char *p = names; (p = strchr(p, '|')); p++)
			more++;
		l->names = xreallocarray(l->names, l->n_names + more, sizeof(*l->names));
	}

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
			l->names[l->n_names++] = xstrdup(name);
		}
		if (!save)
			break;
	}
}

/* A namespace may be listed once: report every later listing, in the order
 * written, against the first, and drop it. */
static size_t drop_duplicates(struct pmem_conf *conf, struct findings *problems)
{
	struct strmap seen;
	size_t n = 0, nprob = 0;
	size_t *first;          /* the label of each name's first listing */

	for (size_t i = 0; i < conf->n_labels; i++)
		n += conf->labels[i].n_names;
	strmap_init(&seen, n);
	first = xcalloc(n ? n : 1, sizeof(*first));
	n = 0;
	for (size_t i = 0; i < conf->n_labels; i++) {
		struct pmem_label *l = &conf->labels[i];
		size_t kept = 0;

		for (size_t j = 0; j < l->n_names; j++) {
			size_t k = strmap_get(&seen, l->names[j]);

			if (k == SIZE_MAX) {
				strmap_add(&seen, l->names[j], n);
				first[n++] = i;
				l->names[kept++] = l->names[j];
				continue;
			}
			if (first[k] == i)
				findings_add(problems, SEV_ERROR, "config-duplicate", l->names[j],
					     "label '%s', namespace '%s': listed twice", l->label,
					     l->names[j]);
			else
				findings_add(problems, SEV_ERROR, "config-duplicate", l->names[j],
					     "label '%s', namespace '%s': already listed under label '%s'",
					     l->label, l->names[j], conf->labels[first[k]].label);
			nprob++;
			free(l->names[j]);
		}
		l->n_names = kept;
	}
	strmap_free(&seen);
	free(first);
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
