/* SPDX-License-Identifier: MIT */
/* vpmemctl inventory: what each resource class holds, as Nova reports it to
 * Placement, or (-l) each configured namespace. */
#include <inttypes.h>

#include "cmd.h"
#include "jsonout.h"
#include "log.h"

struct inventory_args {
	struct common_opts *co;
	bool list;
	const char *generation;
	uint64_t gen;
	enum out_format format;
};

enum { OPT_GENERATION = 0x200 };

static const struct argp_option options[] = {
	{ "list", 'l', NULL, 0, "List each configured namespace instead", 0 },
	{ "generation", OPT_GENERATION, "N", 0,
	  "With -f placement: the resource provider generation to put in the body", 0 },
	{ 0 }
};

static error_t parse(int key, char *arg, struct argp_state *state)
{
	struct inventory_args *a = state->input;

	switch (key) {
	case ARGP_KEY_INIT:
		common_child_init(state, a->co);
		break;
	case 'l':
		a->list = true;
		break;
	case OPT_GENERATION:
		if (parse_u64(arg, &a->gen) < 0)
			argp_error(state, "--generation: '%s' is not a non-negative integer", arg);
		a->generation = arg;
		break;
	case ARGP_KEY_ARG:
		argp_error(state, "unexpected argument '%s'", arg);
		break;
	case ARGP_KEY_END:
		a->format = common_check(state, a->co, FMT_TABLE | FMT_JSON | FMT_PLACEMENT);
		if (a->list && a->format == FMT_PLACEMENT)
			argp_error(state, "--list cannot be combined with -f placement");
		if (a->generation && a->format != FMT_PLACEMENT)
			argp_error(state, "--generation goes with -f placement");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp argp = {
	options, parse, NULL,
	"Show the vPMEM inventory of this host per resource class: total, reserved "
	"(quarantined), used, free, and the unit limits Nova reports to Placement."
	"\vFormats: table, json, placement (the body of Placement's "
	"PUT /resource_providers/{uuid}/inventories).",
	common_children, NULL, NULL
};

static const char *num(char *buf, size_t len, uint64_t v)
{
	snprintf(buf, len, "%" PRIu64, v);
	return buf;
}

static void print_classes_table(const struct pool *pool)
{
	static const char *const headers[] = {
		"RESOURCE_CLASS", "LABEL", ">TOTAL", ">RESERVED", ">USED", ">FREE",
		">MIN_UNIT", ">MAX_UNIT", ">STEP_SIZE", ">ALLOCATION_RATIO",
	};
	struct table *t = table_new(ARRAY_SIZE(headers), headers);

	for (size_t i = 0; i < pool->n_rc; i++) {
		const struct pool_rc *rc = &pool->rc[i];
		char total[24], reserved[24], used[24], fr[24], max[24];

		table_add(t, rc->label->rc, rc->label->label, num(total, 24, rc->total),
			  num(reserved, 24, rc->reserved), num(used, 24, rc->used),
			  num(fr, 24, rc->free), "1", num(max, 24, rc->total), "1", "1.0");
	}
	table_print(t, stdout);
	table_free(t);
}

static void print_namespaces_table(const struct pool *pool)
{
	static const char *const headers[] = {
		"NAME", "LABEL", "DEV", "DEVPATH", ">SIZE", ">ALIGN", ">BADBLOCKS", "HEALTH", ">NUMA",
		"STATE", "INSTANCE",
	};
	struct table *t = table_new(ARRAY_SIZE(headers), headers);

	for (size_t i = 0; i < pool->n; i++) {
		const struct pool_ns *p = &pool->ns[i];
		char size[32], align[32], numa[16], bad[24];

		const struct host_ns *h = p->host;
		const char *state = ns_state_name(p);
		/* who is releasing it, for the administrator to look at */
		_cleanup_free_ char *releasing = streq(state, "releasing")
			? xasprintf("releasing(pid=%d)", p->claim->releasing_pid) : NULL;

		if (releasing)
			state = releasing;
		if (h) {
			snprintf(numa, sizeof(numa), "%d", h->numa_node);
			snprintf(bad, sizeof(bad), "%" PRIu64, h->badblocks);
		}
		table_add(t, p->name, p->label->label, h ? h->dev : NULL, p->devpath,
			  h ? format_size(h->size, size, sizeof(size)) : NULL,
			  h ? format_size(h->align, align, sizeof(align)) : NULL,
			  h && h->badblocks_known ? bad : NULL,
			  h ? dimm_health_name(h->health) : NULL,
			  h && h->numa_node >= 0 ? numa : NULL, state, p->instance);
	}
	table_print(t, stdout);
	table_free(t);
}

/* The unit limits Nova sets for every vPMEM class; the rest are counts. */
static void add_units(struct jw *w, const struct pool_rc *rc)
{
	jw_u64(w, "min_unit", 1);
	jw_u64(w, "max_unit", rc->total);
	jw_u64(w, "step_size", 1);
	jw_raw(w, "allocation_ratio", "1.0"); /* as Nova sends it */
}

static int json_inventory(const struct pool *pool)
{
	struct jw w;

	/* about what a namespace takes, so that the buffer seldom grows */
	jw_init(&w, json_pretty(), 512 + 288 * pool->n + 256 * pool->n_rc);
	jw_object(&w, NULL);
	jw_array(&w, "resource_classes");
	for (size_t i = 0; i < pool->n_rc; i++) {
		const struct pool_rc *rc = &pool->rc[i];

		jw_object(&w, NULL);
		jw_str(&w, "resource_class", rc->label->rc);
		jw_str(&w, "label", rc->label->label);
		jw_u64(&w, "total", rc->total);
		jw_u64(&w, "reserved", rc->reserved);
		jw_u64(&w, "used", rc->used);
		jw_u64(&w, "free", rc->free);
		add_units(&w, rc);
		jw_end(&w);
	}
	jw_end(&w);
	jw_array(&w, "namespaces");
	for (size_t i = 0; i < pool->n; i++)
		jw_pool_ns(&w, pool, &pool->ns[i]);
	jw_end(&w);
	jw_end(&w);
	return jw_emit(&w);
}

/* The body of PUT /resource_providers/{uuid}/inventories. */
static int json_placement(const struct pool *pool, const struct inventory_args *a)
{
	struct jw w;

	jw_init(&w, json_pretty(), 256 + 256 * pool->n_rc);
	jw_object(&w, NULL);
	if (a->generation)
		jw_u64(&w, "resource_provider_generation", a->gen);
	jw_object(&w, "inventories");
	for (size_t i = 0; i < pool->n_rc; i++) {
		const struct pool_rc *rc = &pool->rc[i];

		jw_object(&w, rc->label->rc);
		jw_u64(&w, "total", rc->total);
		jw_u64(&w, "reserved", rc->reserved);
		add_units(&w, rc);
		jw_end(&w);
	}
	jw_end(&w);
	jw_end(&w);
	return jw_emit(&w);
}

int cmd_inventory(int argc, char **argv, struct common_opts *co)
{
	struct inventory_args a = { .co = co };
	struct vpm_ctx ctx;
	int r;

	argp_parse(&argp, argc, argv, 0, NULL, &a);
	r = ctx_open(&ctx, co, CTX_READ);
	if (r != EXIT_OK)
		goto out;
	switch (a.format) {
	case FMT_JSON:
		r = json_inventory(&ctx.pool);
		break;
	case FMT_PLACEMENT:
		r = json_placement(&ctx.pool, &a);
		break;
	default:
		if (a.list)
			print_namespaces_table(&ctx.pool);
		else
			print_classes_table(&ctx.pool);
		r = fflush(stdout) == EOF ? -1 : 0;
	}
	if (r < 0) {
		log_error("cannot write the inventory to standard output");
		r = EXIT_FAIL;
	}
out:
	ctx_close(&ctx);
	return r;
}
