/* SPDX-License-Identifier: MIT */
/* state_parse: the state file. A state that parses must survive the round
 * trip the program makes on every commit: format, parse again, same state. */
#include <errno.h>
#include <cjson/cJSON.h>

#include "state.h"
#include "fuzz.h"

static int same_str(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
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
		}
	}
	for (size_t i = 0; i < a->n_q; i++) {
		FUZZ_CHECK(same_str(a->q[i].name, b->q[i].name));
		FUZZ_CHECK(same_str(a->q[i].uuid, b->q[i].uuid));
		FUZZ_CHECK(same_str(a->q[i].reason, b->q[i].reason));
		FUZZ_CHECK(same_str(a->q[i].since, b->q[i].since));
	}
}

/* The state as cJSON prints it, built member by member as state_format
 * writes it: the two texts must be the same bytes. */
static void add(cJSON *o, const char *key, const char *value)
{
	if (value)
		cJSON_AddItemToObject(o, key, cJSON_CreateString(value));
}

static char *reference_format(const struct state *st)
{
	cJSON *root = cJSON_CreateObject(), *claims = cJSON_CreateArray();
	cJSON *q = cJSON_CreateArray();
	char digits[32], *text;

	cJSON_AddItemToObject(root, "version", cJSON_CreateNumber(STATE_VERSION));
	snprintf(digits, sizeof(digits), "%llu", (unsigned long long)st->generation);
	cJSON_AddItemToObject(root, "generation", cJSON_CreateRaw(digits));
	cJSON_AddItemToObject(root, "claims", claims);
	for (size_t i = 0; i < st->n_claims; i++) {
		const struct claim *c = &st->claims[i];
		cJSON *jc = cJSON_CreateObject(), *nss = cJSON_CreateArray();

		add(jc, "instance", c->instance);
		cJSON_AddItemToObject(jc, "namespaces", nss);
		for (size_t k = 0; k < c->n_ns; k++) {
			cJSON *jn = cJSON_CreateObject();

			add(jn, "name", c->ns[k].name);
			add(jn, "uuid", c->ns[k].uuid);
			add(jn, "label", c->ns[k].label);
			cJSON_AddItemToArray(nss, jn);
		}
		add(jc, "created", c->created);
		if (c->releasing_pid) {
			cJSON_AddItemToObject(jc, "releasing_pid", cJSON_CreateNumber(c->releasing_pid));
			snprintf(digits, sizeof(digits), "%llu",
				 (unsigned long long)c->releasing_start);
			cJSON_AddItemToObject(jc, "releasing_start", cJSON_CreateRaw(digits));
		}
		cJSON_AddItemToArray(claims, jc);
	}
	cJSON_AddItemToObject(root, "quarantine", q);
	for (size_t i = 0; i < st->n_q; i++) {
		cJSON *jq = cJSON_CreateObject();

		add(jq, "name", st->q[i].name);
		add(jq, "uuid", st->q[i].uuid);
		add(jq, "reason", st->q[i].reason);
		add(jq, "since", st->q[i].since);
		cJSON_AddItemToArray(q, jq);
	}
	text = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	return text;
}

/* state_parse_in_place on a copy of text, cut every piece_len bytes, must
 * give what state_parse gave (r, err, st) and leave the text as it was. */
static void same_in_pieces(const char *text, size_t piece_len, int r, const char *err,
			   const struct state *st)
{
	char *copy = strdup(text), *err2 = NULL;
	struct state st2;
	int r2;

	FUZZ_CHECK(copy != NULL);
	r2 = state_parse_in_place(copy, piece_len, &st2, &err2);
	FUZZ_CHECK(strcmp(copy, text) == 0);
	if (r2 != r || (err && (!err2 || strcmp(err, err2) != 0)) || (!err && err2))
		fprintf(stderr, "whole: %d %s\npieces: %d %s\n", r, err ? err : "-", r2,
			err2 ? err2 : "-");
	FUZZ_CHECK(r2 == r);
	FUZZ_CHECK(err ? err2 && strcmp(err, err2) == 0 : !err2);
	if (r == 0)
		check_same(st, &st2);
	state_free(&st2);
	free(err2);
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_string(data, size);
	char *err = NULL;
	struct state st;
	int r = state_parse(text, &st, &err);
	/* pieces of 1 to 64 bytes: every cut the input allows */
	size_t piece_len = size ? 1 + data[0] % 64 : 1;

	same_in_pieces(text, piece_len, r, err, &st);

	FUZZ_CHECK(r == 0 || r == -EINVAL || r == -EPROTO);
	if (r < 0) {
		FUZZ_CHECK(err != NULL);
		FUZZ_CHECK(st.n_claims == 0 && st.n_q == 0);
	} else {
		char *again = state_format(&st), *err2 = NULL;
		struct state st2;

		char *ref = reference_format(&st);

		FUZZ_CHECK(err == NULL);
		if (strcmp(again, ref) != 0)
			fprintf(stderr, "state_format differs from cJSON:\n%s\n%s\n", again, ref);
		FUZZ_CHECK(strcmp(again, ref) == 0);
		free(ref);
		for (size_t i = 0; i < st.n_claims; i++) {
			FUZZ_CHECK(state_find_claim(&st, st.claims[i].instance) != NULL);
			FUZZ_CHECK(st.claims[i].n_ns > 0);
		}
		same_in_pieces(again, piece_len, 0, NULL, &st);
		r = state_parse(again, &st2, &err2);
		if (r != 0)
			fprintf(stderr, "formatted state does not parse again: %s\n%s\n", err2, again);
		FUZZ_CHECK(r == 0);
		check_same(&st, &st2);
		state_free(&st2);
		free(again);
	}
	free(err);
	state_free(&st);
	free(text);
	return 0;
}
