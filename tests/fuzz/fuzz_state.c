/* SPDX-License-Identifier: MIT */
/* state_parse: the state file. A state that parses must survive the round
 * trip the program makes on every commit: format, parse again, same state. */
#include <errno.h>

#include "state.h"
#include "fuzz.h"

static int same_str(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* The dirty-shutdown counts: the same DIMMs, in order, the same counts. */
static void check_same_shutdown(const struct claim_ns *a, const struct claim_ns *b)
{
	FUZZ_CHECK(a->n_shutdown == b->n_shutdown);
	for (size_t d = 0; d < a->n_shutdown; d++) {
		FUZZ_CHECK(same_str(a->shutdown[d].dimm, b->shutdown[d].dimm));
		FUZZ_CHECK(a->shutdown[d].count == b->shutdown[d].count);
	}
}

static void check_same(const struct state *a, const struct state *b)
{
	FUZZ_CHECK(a->generation == b->generation);
	FUZZ_CHECK(a->n_claims == b->n_claims && a->n_q == b->n_q);
	for (size_t i = 0; i < a->n_claims; i++) {
		const struct claim *x = &a->claims[i], *y = &b->claims[i];

		FUZZ_CHECK(same_str(x->instance, y->instance));
		FUZZ_CHECK(same_str(x->created, y->created));
		FUZZ_CHECK(x->n_ns == y->n_ns && x->n_labels == y->n_labels);
		FUZZ_CHECK(x->releasing_pid == y->releasing_pid);
		if (x->releasing_pid)
			FUZZ_CHECK(x->releasing_start == y->releasing_start);
		for (size_t k = 0; k < x->n_ns; k++) {
			FUZZ_CHECK(same_str(x->ns[k].name, y->ns[k].name));
			FUZZ_CHECK(same_str(x->ns[k].uuid, y->ns[k].uuid));
			FUZZ_CHECK(same_str(x->ns[k].label, y->ns[k].label));
			FUZZ_CHECK(same_str(x->labels[k], y->labels[k]));
			check_same_shutdown(&x->ns[k], &y->ns[k]);
		}
		FUZZ_CHECK(x->n_replacing == y->n_replacing);
		for (size_t k = 0; k < x->n_replacing; k++) {
			FUZZ_CHECK(same_str(x->replacing[k].name, y->replacing[k].name));
			check_same_shutdown(&x->replacing[k], &y->replacing[k]);
		}
	}
	for (size_t i = 0; i < a->n_q; i++) {
		FUZZ_CHECK(same_str(a->q[i].name, b->q[i].name));
		FUZZ_CHECK(same_str(a->q[i].uuid, b->q[i].uuid));
		FUZZ_CHECK(same_str(a->q[i].reason, b->q[i].reason));
		FUZZ_CHECK(same_str(a->q[i].since, b->q[i].since));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_string(data, size);
	char *err = NULL;
	struct state st;
	int r = state_parse(text, &st, &err);

	FUZZ_CHECK(r == 0 || r == -EINVAL || r == -EPROTO);
	if (r < 0) {
		FUZZ_CHECK(err != NULL);
		FUZZ_CHECK(st.n_claims == 0 && st.n_q == 0);
	} else {
		char *again = state_format(&st), *err2 = NULL, *third;
		struct state st2;

		FUZZ_CHECK(err == NULL);
		for (size_t i = 0; i < st.n_claims; i++) {
			FUZZ_CHECK(state_find_claim(&st, st.claims[i].instance) != NULL);
			FUZZ_CHECK(st.claims[i].n_ns > 0);
		}
		r = state_parse(again, &st2, &err2);
		if (r != 0)
			fprintf(stderr, "formatted state does not parse again: %s\n%s\n", err2, again);
		FUZZ_CHECK(r == 0);
		check_same(&st, &st2);
		/* and formats to the same text: nothing is lost or added */
		third = state_format(&st2);
		FUZZ_CHECK(strcmp(again, third) == 0);
		free(third);
		state_free(&st2);
		free(again);
	}
	free(err);
	state_free(&st);
	free(text);
	return 0;
}
