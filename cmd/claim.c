/* SPDX-License-Identifier: MIT */
/* vpmemctl claim: one free namespace per label for a guest, all or nothing. */
#include <unistd.h>

#include "choose.h"
#include "names.h"
#include "cmd.h"
#include "jsonout.h"
#include "inuse.h"
#include "log.h"
#include "zero.h"

struct claim_args {
	struct common_opts *co;
	const char *instance;
	const char *labels_arg;
	int numa_node;
	bool dry_run, replace;
	enum out_format format;
	const char *provider, *project, *user;
	const char *consumer_generation;
	uint64_t consumer_gen;
};

enum {
	OPT_NUMA_NODE = 0x200, OPT_DRY_RUN, OPT_PROVIDER, OPT_PROJECT, OPT_USER, OPT_CONSUMER_GEN,
	OPT_REPLACE,
};

/* What Placement records for a consumer whose project or user is not known
 * (Nova's incomplete_consumer_project_id default). */
#define UNKNOWN_ID "00000000-0000-0000-0000-000000000000"

static const struct argp_option options[] = {
	{ "numa-node", OPT_NUMA_NODE, "N", 0, "Take only namespaces on host NUMA node N", 0 },
	{ "dry-run", OPT_DRY_RUN, NULL, 0, "Show what would be claimed; change nothing", 0 },
	{ "replace", OPT_REPLACE, NULL, 0,
	  "Replace the claim INSTANCE holds by one for LABELS (a resize): its old namespaces "
	  "count as free, every one of them is zeroed, those not reused are freed", 0 },
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
	case OPT_REPLACE:
		a->replace = true;
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

/* The claim's namespaces, resolved in the pool (NULL where the configuration
 * no longer has one). */
static int json_claim(const struct claim *c, const struct pool *pool, bool created,
		      const struct strv *replaced)
{
	struct jw w;

	jw_init(&w, json_pretty(), 1024);
	jw_object(&w, NULL);
	jw_claim_members(&w, c, pool, created);
	if (replaced) {
		jw_array(&w, "replaced");
		for (size_t i = 0; i < replaced->n; i++)
			jw_str(&w, NULL, replaced->v[i]);
		jw_end(&w);
	}
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
	jw_resources(&w, "resources", c);
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

/* replaced: with --replace, the namespaces of the claim replaced (NULL otherwise). */
static int print_claim(const struct claim_args *a, const struct claim *c,
		       const struct pool *pool, bool created, const struct strv *replaced)
{
	if (a->format == FMT_PLACEMENT)
		return json_allocations(a, c) < 0 ? EXIT_FAIL : EXIT_OK;
	if (a->format == FMT_JSON)
		return json_claim(c, pool, created, replaced) < 0 ? EXIT_FAIL : EXIT_OK;
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

/* Whether a namespace of c has known bad blocks or is on a failing DIMM. */
static bool claim_on_bad_media(const struct claim *c, const struct pool *pool)
{
	for (size_t i = 0; i < c->n_ns; i++) {
		const struct pool_ns *p = pool_find(pool, c->ns[i].name);

		if (p && p->media)
			return true;
	}
	return false;
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

static bool claim_has(const struct claim *c, const char *name)
{
	for (size_t i = 0; i < c->n_ns; i++)
		if (streq(c->ns[i].name, name))
			return true;
	return false;
}

static void audit_replace(const char *instance, const struct claim *c, const struct strv *old,
			  const char *outcome)
{
	_cleanup_free_ char *names = claim_names(c), *olds = strv_join(old->v, old->n, ",");
	log_audit("claim instance=%s namespaces=%s replaced=%s outcome=%s", instance, names, olds,
		  outcome);
}

/* claim --replace (a resize): the new claim is chosen counting the old
 * namespaces as free, then one atomic write puts it in place of the old
 * one, marked as being released and carrying the old namespaces it does
 * not reuse as "replacing"; every old namespace is then zeroed as release
 * does it, and a second write clears the mark and frees the rest. Killed
 * in between, the claim stays marked: release --keep finishes it. */
static int replace_claim(const struct claim_args *a, struct vpm_ctx *ctx,
			 const struct strv *labels)
{
	struct claim *old = state_find_claim(&ctx->state, a->instance), c;
	struct zero_item *items = NULL;
	struct strv old_names = { 0 };
	size_t n = 0, failed = 0;
	int r;

	if (!old) {
		log_error("instance %s holds no claim; claim without --replace", a->instance);
		return EXIT_CONFLICT;
	}
	if ((r = claim_refuse_marked(old)) != EXIT_OK)
		return r;
	/* the same labels: nothing to do, unless the replace is to move the
	 * guest off media gone bad (as verify's media-* findings advise) */
	if (same_labels(old, labels) && !claim_on_bad_media(old, &ctx->pool)) {
		log_info("instance %s already holds a claim for these labels; nothing to replace",
			 a->instance);
		return print_claim(a, old, &ctx->pool, false, NULL);
	}
	for (size_t i = 0; i < old->n_ns; i++)
		strv_push(&old_names, xstrdup(old->ns[i].name));
	/* Nothing changes while anything holds an old namespace, or one was
	 * re-created since the claim (not this guest's to zero). */
	n = zero_items_of_claim(ctx, old, &items);
	if ((r = zero_precheck(a->instance, items, n, false, "")) != EXIT_OK)
		goto out;
	/* nor while an old namespace cannot be zeroed: the replace would stop
	 * half done with the guest's claim marked */
	for (size_t i = 0; i < n; i++) {
		if (items[i].host)
			continue;
		log_error("namespace %s of instance %s cannot be zeroed (%s; vpmemctl verify says "
			  "more); nothing was replaced", items[i].name, a->instance,
			  items[i].problem ? items[i].problem : "missing");
		r = EXIT_FAIL;
		goto out;
	}

	/* The old namespaces are the instance's to reuse: free for the choice. */
	for (size_t i = 0; i < old->n_ns; i++) {
		struct pool_ns *p = pool_find(&ctx->pool, old->ns[i].name);

		if (p && p->state == NS_CLAIMED && streq(p->instance, a->instance)) {
			p->state = NS_FREE;
			p->instance = NULL;
		}
	}
	pool_count(&ctx->pool);
	r = choose_claim(ctx, a->instance, labels, a->numa_node, &c);
	if (r != EXIT_OK) {
		if (r == EXIT_NO_SPACE)
			log_error("instance %s keeps its claim", a->instance);
		goto out;
	}
	for (size_t i = 0; i < old->n_ns; i++) {
		if (claim_has(&c, old->ns[i].name))
			continue;
		c.replacing = xreallocarray(c.replacing, c.n_replacing + 1, sizeof(*c.replacing));
		c.replacing[c.n_replacing++] = (struct claim_ns){
			.name = xstrdup(old->ns[i].name),
			.uuid = old->ns[i].uuid ? xstrdup(old->ns[i].uuid) : NULL,
			.label = xstrdup(old->ns[i].label),
		};
	}
	if (a->dry_run) {
		_cleanup_free_ char *olds = strv_join(old_names.v, old_names.n, ",");

		log_info("dry run: nothing was changed; %s would be zeroed, and those not in the "
			 "new claim freed", olds);
		r = print_claim(a, &c, &ctx->pool, false, &old_names);
		claim_clear(&c);
		goto out;
	}
	/* The one write that moves every namespace: the old claim becomes the
	 * new one, marked, with what it leaves still to zero. */
	c.releasing_pid = getpid();
	if (process_start_time(c.releasing_pid, &c.releasing_start) < 0)
		c.releasing_start = 0;
	claim_clear(old);
	*old = c;
	r = ctx_commit(ctx);
	if (r != EXIT_OK) {
		audit_replace(a->instance, old, &old_names, "failed");
		goto out;
	}
	pool_apply_state(&ctx->pool, &ctx->state);
	r = zero_claim(ctx, a->instance, items, n, &(struct zero_opts){ .scrub = true, .keep = true },
		       &failed);
	old = state_find_claim(&ctx->state, a->instance);
	if (!old) {
		/* no one else changes a marked claim; refuse to guess if it happened */
		log_error("the claim of %s is gone from the state", a->instance);
		r = EXIT_FAIL;
		goto out;
	}
	audit_replace(a->instance, old, &old_names,
		      r == EXIT_OK ? "replaced" : failed ? "quarantined" : "interrupted");
	if (r != EXIT_OK) {
		log_error("the claim of %s was replaced but its old namespaces are not all zeroed "
			  "and freed; finish it with: vpmemctl release %s --keep", a->instance,
			  a->instance);
		goto out;
	}
	pool_apply_state(&ctx->pool, &ctx->state);
	r = print_claim(a, old, &ctx->pool, true, &old_names);
out:
	zero_items_free(items, n);
	strv_clear(&old_names);
	return r;
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

	if (a.replace) {
		r = replace_claim(&a, &ctx, &labels);
		goto out;
	}
	existing = state_find_claim(&ctx.state, a.instance);
	if (existing) {
		_cleanup_free_ char *held = strv_join(existing->labels, existing->n_labels, ",");

		if (!same_labels(existing, &labels)) {
			log_error("instance %s already holds a claim for %s; release it first, or "
				  "move it with --replace", a.instance, held);
			r = EXIT_CONFLICT;
			goto out;
		}
		/* Being released or replaced, or one killed mid-scrub: part of
		 * the claim may be zeroed. */
		if ((r = claim_refuse_marked(existing)) != EXIT_OK)
			goto out;
		if (a.numa_node >= 0 && !claim_on_node(existing, &ctx.pool, a.numa_node)) {
			log_error("instance %s already holds a claim for %s, not all on NUMA node %d",
				  a.instance, held, a.numa_node);
			r = EXIT_CONFLICT;
			goto out;
		}
		log_info("instance %s already holds this claim", a.instance);
		r = print_claim(&a, existing, &ctx.pool, false, NULL);
		goto out;
	}

	r = choose_claim(&ctx, a.instance, &labels, a.numa_node, &c);
	if (r != EXIT_OK)
		goto out;
	if (a.dry_run) {
		log_info("dry run: nothing was claimed");
		r = print_claim(&a, &c, &ctx.pool, false, NULL);
		claim_clear(&c);
		goto out;
	}
	state_add_claim(&ctx.state, c);
	r = ctx_commit(&ctx);
	{
		_cleanup_free_ char *names = claim_names(&c);

		log_audit("claim instance=%s namespaces=%s outcome=%s", a.instance, names,
			  r == EXIT_OK ? "claimed" : "failed");
	}
	if (r == EXIT_OK) {
		pool_apply_state(&ctx.pool, &ctx.state);
		r = print_claim(&a, &ctx.state.claims[ctx.state.n_claims - 1], &ctx.pool, true, NULL);
	}
out:
	strv_clear(&labels);
	ctx_close(&ctx);
	return r;
}
