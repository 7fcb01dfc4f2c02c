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
	expect("{\"version\":3,\"generation\":1,\"claims\":[]}", -EPROTO, "newer vpmemctl",
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

/* The exact text: compact, JSON escapes, exact 64-bit numbers, optional
 * members left out, as every earlier version wrote it too. */
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
	       "state text: escapes, exact 64-bit numbers, optional members left out");
	free(text);
	st.n_claims = st.n_q = 0;
	text = state_format(&st);
	is_str(text, "{\"version\":1,\"generation\":18446744073709551615,\"claims\":[],"
	       "\"quarantine\":[]}", "an empty state");
	free(text);
	claim_clear(&c);
}

/* Many claims: formatted and read back the same; a wrong one is named by
 * its place. */
static void test_many_claims(void)
{
	struct state st = { .generation = 42 }, back;
	struct quarantine q = { .name = "q0", .reason = "media error" };
	char *text, *err = NULL, *bad;
	bool same;

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
	ok(state_parse(text, &back, &err) == 0, "a state of 300 claims reads back");
	same = back.generation == 42 && back.n_claims == 300 && back.n_q == 1 &&
	       strcmp(back.q[0].reason, "media error") == 0;
	for (size_t i = 0; same && i < back.n_claims; i++)
		same = strcmp(back.claims[i].instance, st.claims[i].instance) == 0 &&
		       strcmp(back.claims[i].ns[0].name, st.claims[i].ns[0].name) == 0 &&
		       strcmp(back.claims[i].labels[0], "L") == 0;
	ok(same, "the same state");
	state_free(&back);

	/* claim 200 without its instance */
	bad = strstr(text, "\"instance\":\"vm200\"");
	memcpy(bad, "\"instancX\"", 10);
	ok(state_parse(text, &back, &err) == -EINVAL && err && strstr(err, "claim 200"),
	   "a wrong claim is named by its place");
	free(err);
	free(text);
	for (size_t i = 0; i < 300; i++)
		claim_clear(&st.claims[i]);
	free(st.claims);
}

/* Members of a newer version survive a format by this one, where they were. */
static void test_unknown_members_kept(void)
{
	const char *in =
		"{\"version\":1,\"generation\":1,\"claims\":[{\"instance\":\"vm1\","
		"\"namespaces\":[{\"name\":\"ns0\",\"label\":\"6GB\",\"n\":[1,{\"x\":null}]}],"
		"\"c\":\"s\"}],\"quarantine\":[{\"name\":\"ns1\",\"q\":true}],\"top\":{\"k\":2}}";
	struct state st;
	char *err = NULL, *text;

	ok(state_parse(in, &st, &err) == 0, "a state with unknown members parses");
	text = state_format(&st);
	ok(strstr(text, "\"n\":[1,{\"x\":null}]") != NULL, "a namespace's unknown member is kept");
	ok(strstr(text, "\"c\":\"s\"") != NULL, "a claim's unknown member is kept");
	ok(strstr(text, "\"q\":true") != NULL, "a quarantine entry's unknown member is kept");
	ok(strstr(text, "\"top\":{\"k\":2}") != NULL, "a top-level unknown member is kept");
	ok(strstr(text, "\"instance\":\"vm1\"") == strstr(text, "\"instance\""),
	   "a known member is written once");
	free(text);
	state_free(&st);
}

/* What a replace leaves to zero comes back as it was, written once. */
static void test_replacing(void)
{
	const char *in =
		"{\"version\":1,\"generation\":1,\"claims\":[{\"instance\":\"vm1\","
		"\"namespaces\":[{\"name\":\"ns3\",\"label\":\"LARGE\"}],\"releasing_pid\":7,"
		"\"releasing_start\":8,\"replacing\":[{\"name\":\"ns0\",\"uuid\":\"u0\","
		"\"label\":\"6GB\"}]}],\"quarantine\":[]}";
	struct state st, again;
	char *err = NULL, *text;

	ok(state_parse(in, &st, &err) == 0, "a claim being replaced parses");
	is_u64(st.claims[0].n_replacing, 1, "with what it replaces");
	is_str(st.claims[0].replacing[0].uuid, "u0", "name, uuid and label of each");
	text = state_format(&st);
	ok(strstr(text, "\"replacing\":[{\"name\":\"ns0\",\"uuid\":\"u0\",\"label\":\"6GB\"}]") != NULL,
	   "replacing is written");
	ok(strncmp(text, "{\"version\":2,", 13) == 0,
	   "as format version 2, which a version-1 reader refuses");
	ok(state_parse(text, &again, &err) == 0 && again.claims[0].n_replacing == 1 &&
	   strstr(strstr(text, "\"replacing\"") + 1, "\"replacing\"") == NULL,
	   "and read back, written once");
	claim_drop_replacing(&again.claims[0]);
	free(text);
	text = state_format(&again);
	ok(strstr(text, "replacing") == NULL, "dropped, it is not written");
	ok(strncmp(text, "{\"version\":1,", 13) == 0, "and the state is version 1 again");
	free(text);
	state_free(&again);
	state_free(&st);
	expect("{\"version\":1,\"generation\":1,\"claims\":[{\"instance\":\"vm1\","
	       "\"namespaces\":[{\"name\":\"ns3\",\"label\":\"L\"}],\"replacing\":[{}]}]}",
	       -EINVAL, "no \"name\"", "a replacing entry without a name is refused");
	expect("{\"version\":1,\"generation\":1,\"claims\":[{\"instance\":\"vm1\","
	       "\"namespaces\":[{\"name\":\"ns3\",\"label\":\"L\"}],\"replacing\":3}]}",
	       -EINVAL, "\"replacing\" is not an array", "replacing must be an array");
}

#define SHUTDOWN_DOC(counts) \
	"{\"version\":1,\"generation\":3,\"claims\":[{\"instance\":\"vm1\",\"namespaces\":" \
	"[{\"name\":\"ns0\",\"uuid\":\"u0\",\"label\":\"6GB\"" counts "},{\"name\":\"ns3\"," \
	"\"label\":\"LARGE\"}],\"created\":\"2026-01-01T00:00:00Z\"}],\"quarantine\":[]}"

static size_t occurrences(const char *text, const char *needle)
{
	size_t n = 0;

	for (const char *p = strstr(text, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

/* The dirty-shutdown counts a claim records per DIMM. */
static void test_shutdown_counts(void)
{
	const char *in = SHUTDOWN_DOC(",\"shutdown_counts\":{\"8089-a2-1837-00000bb3\":3,"
				      "\"nmem1\":0,\"nmem\\\"2\":9007199254740992}");
	struct state st, again;
	char *err = NULL, *text, *text2;
	const struct shutdown_count *sc;

	ok(state_parse(in, &st, &err) == 0, "a claim with shutdown_counts parses");
	is_u64(st.claims[0].ns[0].n_shutdown, 3, "three DIMMs' counts");
	sc = claim_ns_shutdown(&st.claims[0].ns[0], "8089-a2-1837-00000bb3");
	ok(sc && sc->count == 3, "keyed by the DIMM");
	sc = claim_ns_shutdown(&st.claims[0].ns[0], "nmem1");
	ok(sc && sc->count == 0, "a count of 0 is one");
	sc = claim_ns_shutdown(&st.claims[0].ns[0], "nmem\"2");
	ok(sc && sc->count == 9007199254740992ull, "2^53, a key with a quote");
	ok(claim_ns_shutdown(&st.claims[0].ns[0], "nmem9") == NULL, "no other");
	is_u64(st.claims[0].ns[1].n_shutdown, 0, "a namespace without them has none");

	text = state_format(&st);
	ok(strstr(text, "\"label\":\"6GB\",\"shutdown_counts\":{\"8089-a2-1837-00000bb3\":3,"
		  "\"nmem1\":0,\"nmem\\\"2\":9007199254740992}}") != NULL,
	   "formatted after the label, in order, escaped");
	is_u64(occurrences(text, "shutdown_counts"), 1, "written once (not kept as unknown too)");
	ok(state_parse(text, &again, &err) == 0, "and parses again");
	ok(again.claims[0].ns[0].n_shutdown == 3 &&
	   claim_ns_shutdown(&again.claims[0].ns[0], "nmem\"2") &&
	   claim_ns_shutdown(&again.claims[0].ns[0], "nmem\"2")->count == 9007199254740992ull &&
	   again.claims[0].ns[0].extra.kv.n == 0, "the same counts, nothing extra");
	text2 = state_format(&again);
	is_str(text2, text, "formatted again: the same text");
	free(text2);
	free(text);
	state_free(&again);

	claim_ns_set_shutdown(&st.claims[0].ns[0], "nmem1", 5);
	claim_ns_set_shutdown(&st.claims[0].ns[1], "nmem4", 1);
	ok(st.claims[0].ns[0].n_shutdown == 3 &&
	   claim_ns_shutdown(&st.claims[0].ns[0], "nmem1")->count == 5,
	   "claim_ns_set_shutdown updates a DIMM's count in place");
	ok(st.claims[0].ns[1].n_shutdown == 1 &&
	   claim_ns_shutdown(&st.claims[0].ns[1], "nmem4")->count == 1, "and adds a new one");
	text = state_format(&st);
	ok(strstr(text, "\"label\":\"LARGE\",\"shutdown_counts\":{\"nmem4\":1}") != NULL,
	   "added counts are written");
	free(text);
	state_free(&st);

	ok(state_parse(SHUTDOWN_DOC(""), &st, &err) == 0 && st.claims[0].ns[0].n_shutdown == 0,
	   "absent: none");
	text = state_format(&st);
	ok(strstr(text, "shutdown_counts") == NULL, "and none written");
	free(text);
	state_free(&st);
	ok(state_parse(doc, &st, &err) == 0 && st.claims[0].ns[0].n_shutdown == 0 &&
	   st.claims[0].ns[1].n_shutdown == 0, "a state from before them parses, with none");
	state_free(&st);
	ok(state_parse(SHUTDOWN_DOC(",\"shutdown_counts\":{}"), &st, &err) == 0 &&
	   st.claims[0].ns[0].n_shutdown == 0, "an empty object: none");
	state_free(&st);
	ok(state_parse(SHUTDOWN_DOC(",\"shutdown_counts\":{\"nmem0\":1,\"nmem0\":2}"), &st,
		       &err) == 0 && st.claims[0].ns[0].n_shutdown == 1 &&
	   claim_ns_shutdown(&st.claims[0].ns[0], "nmem0")->count == 2,
	   "a DIMM named twice: once, the last count");
	state_free(&st);

	/* in what a replace leaves to zero */
	in = "{\"version\":1,\"generation\":1,\"claims\":[{\"instance\":\"vm1\",\"namespaces\":"
	     "[{\"name\":\"ns3\",\"label\":\"L\"}],\"releasing_pid\":7,\"releasing_start\":8,"
	     "\"replacing\":[{\"name\":\"ns0\",\"label\":\"6GB\",\"shutdown_counts\":"
	     "{\"nmem0\":4}}]}],\"quarantine\":[]}";
	ok(state_parse(in, &st, &err) == 0 && st.claims[0].n_replacing == 1 &&
	   claim_ns_shutdown(&st.claims[0].replacing[0], "nmem0") &&
	   claim_ns_shutdown(&st.claims[0].replacing[0], "nmem0")->count == 4,
	   "a replaced namespace's counts are read");
	text = state_format(&st);
	ok(strstr(text, "\"replacing\":[{\"name\":\"ns0\",\"label\":\"6GB\",\"shutdown_counts\":"
		  "{\"nmem0\":4}}]") != NULL && occurrences(text, "shutdown_counts") == 1,
	   "and written back once");
	free(text);
	state_free(&st);

	expect(SHUTDOWN_DOC(",\"shutdown_counts\":{\"nmem0\":\"3\"}"), -EINVAL,
	       "claim 0 (vm1): shutdown count of \"nmem0\" is not a whole number",
	       "a count that is a string is refused, the DIMM named");
	expect(SHUTDOWN_DOC(",\"shutdown_counts\":{\"nmem0\":-1}"), -EINVAL,
	       "shutdown count of \"nmem0\" is not a whole number", "a negative count");
	expect(SHUTDOWN_DOC(",\"shutdown_counts\":{\"nmem0\":1.5}"), -EINVAL,
	       "shutdown count of \"nmem0\" is not a whole number", "a fraction");
	expect(SHUTDOWN_DOC(",\"shutdown_counts\":{\"nmem0\":1e300}"), -EINVAL,
	       "shutdown count of \"nmem0\" is not a whole number", "a count past 2^53");
	expect(SHUTDOWN_DOC(",\"shutdown_counts\":{\"nmem0\":null}"), -EINVAL,
	       "shutdown count of \"nmem0\" is not a whole number", "a null count");
	expect(SHUTDOWN_DOC(",\"shutdown_counts\":[3]"), -EINVAL,
	       "\"shutdown_counts\" is not an object", "shutdown_counts an array");
	expect(SHUTDOWN_DOC(",\"shutdown_counts\":3"), -EINVAL,
	       "\"shutdown_counts\" is not an object", "shutdown_counts a number");
}

/* A claim with every field set, copied, then the original freed: the copy
 * alone formats to the same text. */
static void test_claim_copy(void)
{
	const char *in =
		"{\"version\":1,\"generation\":3,\"claims\":[{\"instance\":\"vm1\","
		"\"namespaces\":[{\"name\":\"ns0\",\"uuid\":\"u0\",\"label\":\"6GB\","
		"\"shutdown_counts\":{\"nmem0\":4},\"n\":1},{\"name\":\"ns3\",\"label\":\"LARGE\"}],"
		"\"created\":\"2026-01-01T00:00:00Z\",\"releasing_pid\":7,\"releasing_start\":8,"
		"\"replacing\":[{\"name\":\"ns1\",\"uuid\":\"u1\",\"label\":\"6GB\"}],\"c\":\"s\"}],"
		"\"quarantine\":[]}";
	struct state st, copy;
	char *err = NULL, *want, *got;
	struct claim c;

	ok(state_parse(in, &st, &err) == 0, "a claim with every field parses");
	want = state_format(&st);
	c = claim_copy(&st.claims[0]);
	ok(c.ns != st.claims[0].ns && c.ns[0].name != st.claims[0].ns[0].name &&
	   c.replacing != st.claims[0].replacing && c.extra.kv.v != st.claims[0].extra.kv.v &&
	   c.ns[0].extra.kv.v != st.claims[0].ns[0].extra.kv.v &&
	   c.ns[0].shutdown != st.claims[0].ns[0].shutdown,
	   "claim_copy shares no memory with the original");
	ok(c.labels[0] == c.ns[0].label && c.labels[1] == c.ns[1].label,
	   "the copy's labels are its namespaces' labels");
	state_free(&st);
	state_init(&copy);
	copy.generation = 3;
	state_add_claim(&copy, c);
	got = state_format(&copy);
	is_str(got, want, "the copy writes what the original wrote, after the original is freed");
	free(want);
	free(got);
	state_free(&copy);
}

static void test_add_claim(void)
{
	const char *names[] = { "ns0" }, *uuids[] = { NULL }, *labels[] = { "6GB" };
	struct state st;

	state_init(&st);
	state_add_claim(&st, claim_new("vm1", NULL, 1, names, uuids, labels));
	state_add_claim(&st, claim_new("vm2", NULL, 1, names, uuids, labels));
	is_u64(st.n_claims, 2, "state_add_claim appends");
	ok(state_find_claim(&st, "vm1") == &st.claims[0] &&
	   state_find_claim(&st, "vm2") == &st.claims[1], "in order, each found by instance");
	state_free(&st);
}

int main(void)
{
	test_claim_copy();
	test_add_claim();
	test_replacing();
	test_unknown_members_kept();
	test_many_claims();
	test_roundtrip();
	test_format_text();
	test_refused();
	test_shutdown_counts();
	return tap_done();
}
