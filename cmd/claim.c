/* SPDX-License-Identifier: MIT */
/* vpmemctl claim: one free namespace per label for a guest, all or nothing. */
#include <string.h>

#include "choose.h"
#include "names.h"
#include "cmd.h"
#include "jsonout.h"
#include "inuse.h"
#include "log.h"

struct claim_args {
	struct common_opts *co;
	const char *instance;
	const char *labels_arg;
	int numa_node;
	bool dry_run;
	enum out_format format;
	const char *provider, *project, *user;
	const char *consumer_generation;
	uint64_t consumer_gen;
};

enum { OPT_NUMA_NODE = 0x200, OPT_DRY_RUN, OPT_PROVIDER, OPT_PROJECT, OPT_USER, OPT_CONSUMER_GEN };

/* What Placement records for a consumer whose project or user is not known
 * (Nova's incomplete_consumer_project_id default). */
#define UNKNOWN_ID "00000000-0000-0000-0000-000000000000"

static const struct argp_option options[] = {
	{ "numa-node", OPT_NUMA_NODE, "N", 0, "Take only namespaces on host NUMA node N", 0 },
	{ "dry-run", OPT_DRY_RUN, NULL, 0, "Show what would be claimed; change nothing", 0 },
	{ "provider", OPT_PROVIDER, "RP_UUID", 0,
	  "With -f placement: the resource provider of this host's vPMEM inventory", 0 },
	{ "project", OPT_PROJECT, "ID", 0, "With -f placement: the consumer's project", 0 },
	{ "user", OPT_USER, "ID", 0, "With -f placement: the consumer's user", 0 },
	{ "consumer-generation", OPT_CONSUMER_GEN, "N", 0,
	  "With -f placement: the consumer's generation when Placement already knows it", 0 },
	{ 0 }
};

static error_t parse(int key, char *arg, struct argp_state *state)
{
	struct claim_args *a = state->input;

	switch (key) {
	case ARGP_KEY_INIT:
		common_child_init(state, a->co);
		break;
	case OPT_NUMA_NODE:
		if (parse_int(arg, 0, 65535, &a->numa_node) < 0)
			argp_error(state, "--numa-node: '%s' is not a NUMA node number", arg);
		break;
	case OPT_DRY_RUN:
		a->dry_run = true;
		break;
	case OPT_PROVIDER: a->provider = arg; break;
	case OPT_PROJECT: a->project = arg; break;
	case OPT_USER: a->user = arg; break;
	case OPT_CONSUMER_GEN:
		if (parse_u64(arg, &a->consumer_gen) < 0)
			argp_error(state, "--consumer-generation: '%s' is not a non-negative integer",
				   arg);
		a->consumer_generation = arg;
		break;
	case ARGP_KEY_ARG:
		if (state->arg_num == 0)
			a->instance = arg;
		else if (state->arg_num == 1)
			a->labels_arg = arg;
		else
			argp_error(state, "unexpected argument '%s'", arg);
		break;
	case ARGP_KEY_END:
		a->format = common_check(state, a->co, FMT_TABLE | FMT_JSON | FMT_PLACEMENT);
		if ((a->provider || a->project || a->user || a->consumer_generation) &&
		    a->format != FMT_PLACEMENT)
			argp_error(state, "--provider, --project, --user and --consumer-generation go "
				   "with -f placement");
		if (a->format == FMT_PLACEMENT && !a->provider)
			argp_error(state, "-f placement needs --provider RP_UUID");
		if (a->provider && !uuid_valid(a->provider))
			argp_error(state, "--provider: '%s' is not a UUID in lowercase 8-4-4-4-12 form",
				   a->provider);
		if (a->format == FMT_PLACEMENT && a->instance && !uuid_valid(a->instance))
			argp_error(state, "with -f placement INSTANCE is Placement's consumer and must be "
				   "a UUID in lowercase 8-4-4-4-12 form (as Placement stores it), not "
				   "'%.300s'", a->instance);
		if (!a->labels_arg)
			argp_error(state, "expected INSTANCE and LABEL[,LABEL...]");
		check_instance(state, a->instance);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp argp = {
	options, parse, "INSTANCE LABEL[,LABEL...]",
	"Give INSTANCE one free namespace for each LABEL, in the order given (a flavor's "
	"hw:pmem value, e.g. 6GB,LARGE or 6GB,6GB). All or nothing. Claiming again with the "
	"same labels returns the existing claim.",
	common_children, NULL, NULL
};

/* {RC: count} of a claim, as claim's JSON and Placement's allocations have
 * it: the classes in the order the claim first names them. */
static void json_resources(struct jw *w, const char *key, const struct claim *c)
{
	char **rcs = xcalloc(c->n_ns, sizeof(*rcs));

	for (size_t i = 0; i < c->n_ns; i++)
		rcs[i] = ns_resource_class(c->ns[i].label);
	jw_object(w, key);
	for (size_t i = 0; i < c->n_ns; i++) {
		size_t count = 0, k;

		for (k = 0; k < i && !streq(rcs[k], rcs[i]); k++)
			;
		if (k < i)
			continue; /* counted with its first */
		for (k = i; k < c->n_ns; k++)
			count += streq(rcs[k], rcs[i]);
		jw_u64(w, rcs[i], count);
	}
	jw_end(w);
	for (size_t i = 0; i < c->n_ns; i++)
		free(rcs[i]);
	free(rcs);
}

/* The claim's namespaces, resolved in the pool (NULL where the configuration
 * no longer has one). */
static int json_claim(const struct claim *c, const struct pool *pool, bool created)
{
	struct jw w;

	jw_init(&w, json_pretty(), 1024);
	jw_object(&w, NULL);
	jw_str(&w, "instance", c->instance);
	jw_array(&w, "labels");
	for (size_t i = 0; i < c->n_labels; i++)
		jw_str(&w, NULL, c->labels[i]);
	jw_end(&w);
	jw_bool(&w, "created", created);
	json_resources(&w, "resources", c);
	jw_array(&w, "namespaces");
	for (size_t i = 0; i < c->n_ns; i++) {
		const struct pool_ns *p = pool_find(pool, c->ns[i].name);
		_cleanup_free_ char *rc = NULL;

		if (p) {
			jw_pool_ns(&w, p);
			continue;
		}
		rc = ns_resource_class(c->ns[i].label);
		jw_object(&w, NULL);
		jw_str(&w, "name", c->ns[i].name);
		jw_str(&w, "label", c->ns[i].label);
		jw_str(&w, "resource_class", rc);
		jw_null(&w, "devpath");
		jw_str(&w, "uuid", c->ns[i].uuid);
		jw_end(&w);
	}
	jw_end(&w);
	jw_end(&w);
	return jw_emit(&w);
}

static void print_claim_table(const struct claim *c, const struct pool *pool)
{
	static const char *const headers[] = {
		"INSTANCE", "LABEL", "NAMESPACE", "DEVPATH", ">SIZE", ">NUMA",
	};
	struct table *t = table_new(ARRAY_SIZE(headers), headers);

	for (size_t i = 0; i < c->n_ns; i++) {
		const struct pool_ns *p = pool_find(pool, c->ns[i].name);
		char size[32] = "-", numa[16] = "-";

		if (p && p->host) {
			format_size(p->host->size, size, sizeof(size));
			if (p->host->numa_node >= 0)
				snprintf(numa, sizeof(numa), "%d", p->host->numa_node);
		}
		table_add(t, c->instance, c->ns[i].label, c->ns[i].name,
			  p ? p->devpath : NULL, size, numa);
	}
	table_print(t, stdout);
	table_free(t);
}

/* The body of PUT /allocations/{consumer_uuid} (microversion 1.38 and on). */
static int json_allocations(const struct claim_args *a, const struct claim *c)
{
	struct jw w;

	jw_init(&w, json_pretty(), 1024);
	jw_object(&w, NULL);
	jw_object(&w, "allocations");
	jw_object(&w, a->provider);
	json_resources(&w, "resources", c);
	jw_end(&w);
	jw_end(&w);
	jw_str(&w, "project_id", a->project ? a->project : UNKNOWN_ID);
	jw_str(&w, "user_id", a->user ? a->user : UNKNOWN_ID);
	if (a->consumer_generation)
		jw_u64(&w, "consumer_generation", a->consumer_gen);
	else
		jw_null(&w, "consumer_generation");
	jw_str(&w, "consumer_type", "INSTANCE");
	jw_end(&w);
	return jw_emit(&w);
}

static int print_claim(const struct claim_args *a, const struct claim *c,
		       const struct pool *pool, bool created)
{
	if (a->format == FMT_PLACEMENT)
		return json_allocations(a, c) < 0 ? EXIT_FAIL : EXIT_OK;
	if (a->format == FMT_JSON)
		return json_claim(c, pool, created) < 0 ? EXIT_FAIL : EXIT_OK;
	print_claim_table(c, pool);
	return fflush(stdout) == EOF ? EXIT_FAIL : EXIT_OK;
}

static bool same_labels(const struct claim *c, const struct strv *labels)
{
	if (c->n_labels != labels->n)
		return false;
	for (size_t i = 0; i < labels->n; i++)
		if (!streq(c->labels[i], labels->v[i]))
			return false;
	return true;
}

static bool claim_on_node(const struct claim *c, const struct pool *pool, int node)
{
	for (size_t i = 0; i < c->n_ns; i++) {
		const struct pool_ns *p = pool_find(pool, c->ns[i].name);

		if (!p || !p->host || p->host->numa_node != node)
			return false;
	}
	return true;
}

int cmd_claim(int argc, char **argv, struct common_opts *co)
{
	struct claim_args a = { .co = co, .numa_node = -1 };
	struct strv labels = { 0 };
	struct vpm_ctx ctx;
	struct claim *existing, c;
	int r;

	argp_parse(&argp, argc, argv, 0, NULL, &a);
	if (labels_parse(a.labels_arg, &labels) == 0) {
		log_error("no labels in '%s'", a.labels_arg);
		return EXIT_USAGE;
	}
	r = ctx_open(&ctx, co, a.dry_run ? CTX_READ : CTX_CHANGE);
	if (r == EXIT_OK)
		r = check_labels(&ctx, &labels);
	if (r != EXIT_OK)
		goto out;

	existing = state_find_claim(&ctx.state, a.instance);
	if (existing) {
		_cleanup_free_ char *held = join_names(existing->labels, existing->n_labels);

		if (!same_labels(existing, &labels)) {
			log_error("instance %s already holds a claim for %s; release it first",
				  a.instance, held);
			r = EXIT_CONFLICT;
			goto out;
		}
		if (existing->releasing_pid &&
		    process_running(existing->releasing_pid, existing->releasing_start)) {
			log_error("instance %s is being released (pid %d); claim again once it is done",
				  a.instance, existing->releasing_pid);
			r = EXIT_CONFLICT;
			goto out;
		}
		/* A release killed mid-scrub: part of the claim may be zeroed. */
		if (existing->releasing_pid) {
			log_error("instance %s was being released when its release (pid %d) stopped: "
				  "its namespaces may be partly zeroed; finish it with: vpmemctl "
				  "release %s", a.instance, existing->releasing_pid, a.instance);
			r = EXIT_CONFLICT;
			goto out;
		}
		if (a.numa_node >= 0 && !claim_on_node(existing, &ctx.pool, a.numa_node)) {
			log_error("instance %s already holds a claim for %s, not all on NUMA node %d",
				  a.instance, held, a.numa_node);
			r = EXIT_CONFLICT;
			goto out;
		}
		log_info("instance %s already holds this claim", a.instance);
		r = print_claim(&a, existing, &ctx.pool, false);
		goto out;
	}

	r = choose_claim(&ctx, a.instance, &labels, a.numa_node, &c);
	if (r != EXIT_OK)
		goto out;
	if (a.dry_run) {
		log_info("dry run: nothing was claimed");
		r = print_claim(&a, &c, &ctx.pool, false);
		claim_clear(&c);
		goto out;
	}
	ctx.state.claims = xreallocarray(ctx.state.claims, ctx.state.n_claims + 1,
					 sizeof(*ctx.state.claims));
	ctx.state.claims[ctx.state.n_claims++] = c;
	r = ctx_commit(&ctx);
	{
		_cleanup_free_ char *names = NULL;
		char **v = xcalloc(c.n_ns, sizeof(*v));

		for (size_t i = 0; i < c.n_ns; i++)
			v[i] = c.ns[i].name;
		names = join_names(v, c.n_ns);
		free(v);
		log_audit("claim instance=%s namespaces=%s outcome=%s", a.instance, names,
			  r == EXIT_OK ? "claimed" : "failed");
	}
	if (r == EXIT_OK) {
		pool_apply_state(&ctx.pool, &ctx.state);
		r = print_claim(&a, &ctx.state.claims[ctx.state.n_claims - 1], &ctx.pool, true);
	}
out:
	strv_clear(&labels);
	ctx_close(&ctx);
	return r;
}
