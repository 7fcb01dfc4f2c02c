/* SPDX-License-Identifier: MIT */
/* ini_get: the configuration file (vpmemctl.conf or a whole nova.conf), asked
 * for every key settings_load reads, plus an empty section and key. */
#include <errno.h>

#include "config.h"
#include "fuzz.h"

static const char *const keys[][2] = {
	{ "libvirt", "pmem_namespaces" },
	{ "vpmemctl", "state_dir" },
	{ "vpmemctl", "host_snapshot" },
	{ "vpmemctl", "dev_dir" },
	{ "vpmemctl", "lock_timeout" },
	{ "", "" },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_string(data, size);

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		char *value = (char *)"unset";
		int errline = -1;
		int r = ini_get(text, keys[i][0], keys[i][1], &value, &errline);

		FUZZ_CHECK(r == 0 || r == 1 || r == -EINVAL);
		FUZZ_CHECK((r == 1) == (value != NULL));
		if (r == -EINVAL)
			FUZZ_CHECK(errline >= 1);
		if (r == 1 && i == 4) {
			double secs;

			(void)parse_seconds(value, &secs);
		}
		free(value);
	}
	free(text);
	return 0;
}
