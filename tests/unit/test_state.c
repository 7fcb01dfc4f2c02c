/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "state.h"
#include "tap.h"

static const char *doc =
	"{\"version\":1,\"generation\":7,\"claims\":[{\"instance\":\"vm1\","
	"\"namespaces\":[{\"name\":\"ns0\",\"uuid\":\"u0\","
	"\"label\":\"6GB\"},{\"name\":\"ns3\",\"label\":\"LARGE\"}],\"created\":\"2026-01-01T00:00:00Z\"}],"
	"\"quarantine\":[{\"name\":\"ns1\",\"reason\":\"media error\"}]}";

static void test_roundtrip(void)
{
	struct state st, again;
	char *err = NULL, *text;

	ok(state_parse(doc, &st, &err) == 0, "a valid state parses");
	is_u64(st.generation, 7, "generation");
	is_u64(st.n_claims, 1, "one claim");
	is_str(st.claims[0].labels[1], "LARGE", "labels kept in order");
	is_str(st.claims[0].ns[0].uuid, "u0", "namespace uuid remembered");
	ok(st.claims[0].ns[1].uuid == NULL, "missing uuid is NULL");
	is_u64(st.n_q, 1, "one quarantined namespace");
	ok(state_find_claim(&st, "vm1") == &st.claims[0], "claims found by instance");
	ok(state_find_claim(&st, "vm2") == NULL, "and only those");
	text = state_format(&st);
	ok(state_parse(text, &again, &err) == 0, "formatted state parses again");
	is_str(again.claims[0].ns[1].name, "ns3", "and keeps the namespaces");
	is_str(again.q[0].reason, "media error", "and the quarantine reason");
	free(text);
	state_remove_claim(&again, &again.claims[0]);
	is_u64(again.n_claims, 0, "a claim can be removed");
	state_free(&again);
	state_free(&st);
}

static void expect(const char *text, int want, const char *needle, const char *name)
{
	struct state st;
	char *err = NULL;
	int r = state_parse(text, &st, &err);

	ok(r == want && err && strstr(err, needle), "%s", name);
	if (r != want || !err || !strstr(err, needle))
		printf("#   r=%d err=%s\n", r, err ? err : "(none)");
	free(err);
}

static void test_refused(void)
{
	char truncated[64];

	snprintf(truncated, sizeof(truncated), "%.40s", doc);
	expect(truncated, -EINVAL, "not valid JSON", "a truncated state is refused");
	expect("", -EINVAL, "not valid JSON", "an empty file is refused");
	expect("{\"version\":2,\"generation\":1,\"claims\":[]}", -EPROTO, "newer vpmemctl",
	       "a state from a newer version is refused");
	expect("{\"generation\":1,\"claims\":[]}", -EINVAL, "version", "no version");
	expect("{\"version\":1,\"claims\":[]}", -EINVAL, "generation", "no generation");
	expect("{\"version\":1,\"generation\":1,\"claims\":{}}", -EINVAL, "claims",
	       "claims not an array");
	expect("{\"version\":1,\"generation\":1,\"claims\":[{\"instance\":\"a\","
	       "\"namespaces\":[]}]}", -EINVAL, "non-empty array", "a claim of no namespaces");
	expect("{\"version\":1,\"generation\":1,\"claims\":[{\"namespaces\":[]}]}",
	       -EINVAL, "no \"instance\"", "a claim without instance");
	expect("{\"version\":1,\"generation\":1,\"claims\":[{\"instance\":\"a\","
	       "\"namespaces\":[{\"name\":\"ns0\"}]}]}", -EINVAL, "no \"label\"",
	       "a claimed namespace without its label");
}

/* The exact text, as cJSON printed it before state_format wrote it itself:
 * states written by earlier versions and by this one read the same. */
static void test_format_text(void)
{
	const char *names[] = { "ns\"0\\", "ns1" }, *uuids[] = { "u0", NULL };
	const char *labels[] = { "6GB", "tab\there\x01\x1f\x7f\xc3\xa9" };
	struct quarantine q = { .name = "ns2", .reason = "line\nbreak\r\b\f" };
	struct state st = { .generation = 18446744073709551615u, .q = &q, .n_q = 1 };
	struct claim c = claim_new("vm1", "2026-01-01T00:00:00Z", 2, names, uuids, labels);
	char *text;

	c.releasing_pid = 4242;
	c.releasing_start = 9007199254740993u;
	st.claims = &c;
	st.n_claims = 1;
	text = state_format(&st);
	is_str(text,
	       "{\"version\":1,\"generation\":18446744073709551615,\"claims\":[{\"instance\":"
	       "\"vm1\",\"namespaces\":[{\"name\":\"ns\\\"0\\\\\",\"uuid\":\"u0\",\"label\":"
	       "\"6GB\"},{\"name\":\"ns1\",\"label\":\"tab\\there\\u0001\\u001f\x7f\xc3\xa9\"}],"
	       "\"created\":\"2026-01-01T00:00:00Z\",\"releasing_pid\":4242,"
	       "\"releasing_start\":9007199254740993}],\"quarantine\":[{\"name\":\"ns2\","
	       "\"reason\":\"line\\nbreak\\r\\b\\f\"}]}",
	       "state text: escapes as cJSON's, exact 64-bit numbers, optional members left out");
	free(text);
	st.n_claims = st.n_q = 0;
	text = state_format(&st);
	is_str(text, "{\"version\":1,\"generation\":18446744073709551615,\"claims\":[],"
	       "\"quarantine\":[]}", "an empty state");
	free(text);
	claim_clear(&c);
}

/* A state of many claims read in pieces: what state_parse reads, the
 * text untouched; a wrong claim in a middle piece gets the whole's message. */
static void test_in_pieces(void)
{
	struct state st = { .generation = 42 }, a, b;
	struct quarantine q = { .name = "q0", .reason = "media error" };
	char *text, *copy, *err = NULL, *err2 = NULL, *bad;
	bool same = true;

	st.claims = calloc(300, sizeof(*st.claims));
	for (size_t i = 0; i < 300; i++) {
		char inst[16], name[16];
		const char *names[] = { name }, *uuids[] = { "u" }, *labels[] = { "L" };

		snprintf(inst, sizeof(inst), "vm%zu", i);
		snprintf(name, sizeof(name), "ns%zu", i);
		st.claims[i] = claim_new(inst, "2026-11-27T00:00:00Z", 1, names, uuids, labels);
	}
	st.n_claims = 300;
	st.q = &q;
	st.n_q = 1;
	text = state_format(&st);
	copy = strdup(text);
	ok(state_parse_in_place(copy, 512, &a, &err) == 0, "a state of 300 claims read in pieces");
	ok(strcmp(copy, text) == 0, "the text is as it was");
	ok(state_parse(text, &b, &err2) == 0, "and whole");
	same = a.generation == b.generation && a.n_claims == b.n_claims && a.n_q == 1 &&
	       b.n_q == 1 && strcmp(a.q[0].reason, "media error") == 0;
	for (size_t i = 0; same && i < a.n_claims; i++)
		same = strcmp(a.claims[i].instance, b.claims[i].instance) == 0 &&
		       strcmp(a.claims[i].ns[0].name, b.claims[i].ns[0].name) == 0;
	ok(same, "the same state either way");
	state_free(&a);
	state_free(&b);

	/* A member nested as deep as cJSON allows, and one level deeper: the
	 * pieces, a level less deep than the whole, must refuse what it does. */
	for (int depth = 997; depth <= 998; depth++) {
		char *deep = malloc(strlen(text) + 2 * (size_t)depth + 16), *o;
		const char *at = strstr(text, "{\"instance\":\"vm150\"") + 1;
		int rw, rp;

		o = deep;
		memcpy(o, text, (size_t)(at - text));
		o += at - text;
		o += sprintf(o, "\"x\":");
		memset(o, '[', (size_t)depth);
		o += depth;
		memset(o, ']', (size_t)depth);
		o += depth;
		*o++ = ',';
		strcpy(o, at);
		rw = state_parse(deep, &b, &err2);
		rp = state_parse_in_place(deep, 512, &a, &err);
		ok(rw == rp && rw == (depth == 997 ? 0 : -EINVAL),
		   "a member nested %d deep: the same in pieces as whole (%s)", depth,
		   depth == 997 ? "read" : "refused");
		if (!rw)
			state_free(&b);
		if (!rp)
			state_free(&a);
		free(err);
		free(err2);
		err = err2 = NULL;
		free(deep);
	}

	/* claim 200 without its instance */
	bad = strstr(copy, "\"instance\":\"vm200\"");
	memcpy(bad, "\"instancX\"", 10);
	ok(state_parse_in_place(copy, 512, &a, &err) == -EINVAL && err &&
	   strstr(err, "claim 200"), "a wrong claim is named by its place in the whole");
	if (err)
		printf("#   %s\n", err);
	free(err);
	free(err2);
	free(copy);
	free(text);
	for (size_t i = 0; i < 300; i++)
		claim_clear(&st.claims[i]);
	free(st.claims);
}

int main(void)
{
	test_in_pieces();
	test_roundtrip();
	test_format_text();
	test_refused();
	return tap_done();
}
