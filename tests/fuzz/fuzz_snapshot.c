/* SPDX-License-Identifier: MIT */
/* host_parse_snapshot: saved `ndctl list -X` JSON (--host-snapshot). What it
 * returns must be usable as is: dev and mode set, chardev a bare name; an
 * error comes with a message and leaves no namespaces. */
#include "host.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_string(data, size);
	char *err = NULL;
	struct host h;
	int r = host_parse_snapshot(text, &h, &err);

	if (r < 0) {
		FUZZ_CHECK(err != NULL);
		FUZZ_CHECK(h.n == 0 && h.ns == NULL && h.n_dimms == 0 && h.dimms == NULL);
	} else {
		FUZZ_CHECK(err == NULL);
		for (size_t d = 0; d < h.n_dimms; d++) {
			FUZZ_CHECK(h.dimms[d].dev && *h.dimms[d].dev);
			FUZZ_CHECK(!h.dimms[d].id || *h.dimms[d].id);
			FUZZ_CHECK(h.dimms[d].health <= DIMM_HEALTH_FATAL);
			FUZZ_CHECK(h.dimms[d].has_shutdown_count || !h.dimms[d].shutdown_count);
		}
		for (size_t i = 0; i < h.n; i++) {
			const struct host_ns *ns = &h.ns[i];
			size_t count = 0;

			FUZZ_CHECK(ns->dev && *ns->dev && ns->mode);
			FUZZ_CHECK(!ns->chardev || !strchr(ns->chardev, '/'));
			FUZZ_CHECK(ns->numa_node >= -1);
			/* its DIMMs are the host's, its health the worst of theirs */
			FUZZ_CHECK(ns->health <= DIMM_HEALTH_FATAL);
			for (size_t k = 0; k < ns->n_dimm; k++)
				FUZZ_CHECK(ns->dimm[k] < h.n_dimms);
			if (!ns->n_dimm)
				FUZZ_CHECK(ns->health == DIMM_HEALTH_UNKNOWN);
			FUZZ_CHECK(!ns->n_bb || ns->bb);
			FUZZ_CHECK(ns->badblocks_known);
			if (ns->name) {
				FUZZ_CHECK(host_find(&h, ns->name, &count) != NULL);
				FUZZ_CHECK(count >= 1);
			}
		}
	}
	free(err);
	host_free(&h);
	free(text);
	return 0;
}
