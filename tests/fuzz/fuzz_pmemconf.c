/* SPDX-License-Identifier: MIT */
/* pmem_conf_parse: the pmem_namespaces value, from the configuration file,
 * the environment or -N. Beyond memory safety it checks what the parser
 * promises: every name kept is non-empty, trimmed and listed once, every
 * resource class is well formed, distinct and at most RC_NAME_MAX long. */
#include <ctype.h>

#include "findings.h"
#include "pmemconf.h"
#include "fuzz.h"

static int trimmed(const char *s)
{
	size_t n = strlen(s);

	return n && !isspace((unsigned char)s[0]) && !isspace((unsigned char)s[n - 1]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *spec = fuzz_string(data, size);
	struct findings problems = { 0 };
	struct pmem_conf conf;
	size_t nprob;

	nprob = pmem_conf_parse(spec, &conf, &problems);
	FUZZ_CHECK(nprob <= problems.n);
	for (size_t i = 0; i < conf.n_labels; i++) {
		const struct pmem_label *l = &conf.labels[i];

		FUZZ_CHECK(trimmed(l->label));
		FUZZ_CHECK(!strchr(l->label, ',') && !strchr(l->label, ':'));
		FUZZ_CHECK(pmem_conf_find_label(&conf, l->label) == l);
		FUZZ_CHECK(strncmp(l->rc, "CUSTOM_PMEM_NAMESPACE_", 22) == 0);
		FUZZ_CHECK(strlen(l->rc) <= RC_NAME_MAX);
		for (const char *p = l->rc; *p; p++)
			FUZZ_CHECK(isupper((unsigned char)*p) || isdigit((unsigned char)*p) ||
				   *p == '_');
		for (size_t k = 0; k < i; k++)
			FUZZ_CHECK(strcmp(conf.labels[k].rc, l->rc) != 0);
		for (size_t j = 0; j < l->n_names; j++) {
			FUZZ_CHECK(trimmed(l->names[j]));
			FUZZ_CHECK(!strchr(l->names[j], '|') && !strchr(l->names[j], ','));
			/* listed once over all labels (quadratic, but inputs are small) */
			for (size_t k = 0; k <= i; k++)
				for (size_t m = 0; m < conf.labels[k].n_names; m++)
					FUZZ_CHECK((k == i && m == j) ||
						   strcmp(conf.labels[k].names[m], l->names[j]) != 0);
		}
	}
	for (size_t i = 0; i < problems.n; i++)
		FUZZ_CHECK(problems.v[i].message && problems.v[i].subject);
	findings_clear(&problems);
	pmem_conf_free(&conf);
	free(spec);
	return 0;
}
