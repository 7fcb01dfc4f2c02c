/* SPDX-License-Identifier: MIT */
/* labels_parse: a flavor's hw:pmem value (claim's LABEL[,LABEL...]); also
 * instance_valid, the other check of claim's arguments. */
#include <ctype.h>

#include "alloc.h"
#include "names.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *arg = fuzz_string(data, size);
	struct strv labels = { 0 };
	size_t n, len = strlen(arg);

	strv_push(&labels, strdup("kept"));
	n = labels_parse(arg, &labels);
	FUZZ_CHECK(labels.n == n + 1);
	FUZZ_CHECK(strcmp(labels.v[0], "kept") == 0);
	for (size_t i = 1; i < labels.n; i++) {
		const char *l = labels.v[i];
		size_t ll = strlen(l);

		FUZZ_CHECK(ll > 0 && !strchr(l, ','));
		FUZZ_CHECK(!isspace((unsigned char)l[0]) && !isspace((unsigned char)l[ll - 1]));
	}

	if (instance_valid(arg)) {
		FUZZ_CHECK(len >= 1 && len <= INSTANCE_MAX);
		for (const char *p = arg; *p; p++)
			FUZZ_CHECK(isalnum((unsigned char)*p) || strchr("._:-", *p));
	}
	strv_clear(&labels);
	free(arg);
	return 0;
}
