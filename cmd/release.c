/* SPDX-License-Identifier: MIT */
/* vpmemctl release: zero a guest's namespaces and free them. */

#include "cmd.h"
#include "jsonout.h"
#include "inuse.h"
#include "log.h"
#include "scrub.h"
#include "zero.h"

struct release_args {
	struct common_opts *co;
	const char *instance;
	bool no_scrub, force, missing_ok, dry_run, keep;
	unsigned jobs;
	enum out_format format;
};

enum { OPT_NO_SCRUB = 0x200, OPT_FORCE, OPT_MISSING_OK, OPT_DRY_RUN, OPT_JOBS, OPT_KEEP };

static const struct argp_option options[] = {
	{ "no-scrub", OPT_NO_SCRUB, NULL, 0,
	  "Free the namespaces without zeroing them (the next guest may read this one's data)", 0 },
	{ "force", OPT_FORCE, NULL, 0,
	  "Scrub even while a process has a namespace open or mapped, or a namespace that was "
	  "re-created under its name since the claim (another uuid)", 0 },
	{ "keep", OPT_KEEP, NULL, 0,
	  "Zero the namespaces and keep the claim (a rebuild); also finishes an interrupted "
	  "release or replace, keeping the claim", 0 },
	{ "missing-ok", OPT_MISSING_OK, NULL, 0, "Succeed when INSTANCE holds no claim", 0 },
	{ "dry-run", OPT_DRY_RUN, NULL, 0, "Show what would be released; change nothing", 0 },
	{ "jobs", OPT_JOBS, "N", 0,
	  "Scrub with N threads (default: one below 1 GiB, else the CPUs of the namespace's "
	  "NUMA node, at most 8)", 0 },
	{ 0 }
};

static error_t parse(int key, char *arg, struct argp_state *state)
{
	struct release_args *a = state->input;

	switch (key) {
	case ARGP_KEY_INIT:
		common_child_init(state, a->co);
		break;
	case OPT_NO_SCRUB: a->no_scrub = true; break;
	case OPT_FORCE: a->force = true; break;
	case OPT_MISSING_OK: a->missing_ok = true; break;
	case OPT_DRY_RUN: a->dry_run = true; break;
	case OPT_KEEP: a->keep = true; break;
	case OPT_JOBS: {
		int v;

		if (parse_int(arg, 1, 64, &v) < 0)
			argp_error(state, "--jobs: '%s' is not a number of threads from 1 to 64", arg);
		a->jobs = (unsigned)v;
		break;
	}
	case ARGP_KEY_ARG:
		if (state->arg_num > 0)
			argp_error(state, "unexpected argument '%s'", arg);
		a->instance = arg;
		break;
	case ARGP_KEY_END:
		a->format = common_check(state, a->co, FMT_TABLE | FMT_JSON);
		check_instance(state, a->instance);
		if (a->keep && a->no_scrub)
			argp_error(state, "--keep zeroes the namespaces; it cannot go with --no-scrub");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp argp = {
	options, parse, "INSTANCE",
	"Zero every namespace INSTANCE holds (in-process, through a shared mapping), then "
	"free them. A namespace still open or mapped by a process, or re-created since the "
	"claim, is not touched and the claim is kept, unless --force. A namespace whose scrub "
	"fails is quarantined. With --keep, the claim is kept, zeroed (a rebuild).",
	common_children, NULL, NULL
};

/* What a namespace is once released: quarantined, or free (claimed with --keep). */
static const char *end_state(const struct zero_item *it, bool keep)
{
	return it->quarantine ? "quarantined" : keep ? "claimed" : "free";
}

static int json_release(const char *instance, const struct zero_item *items, size_t n,
			bool keep)
{
	struct jw w;

	jw_init(&w, json_pretty(), 256 + 512 * n);
	jw_object(&w, NULL);
	jw_str(&w, "instance", instance);
	jw_array(&w, "namespaces");
	for (size_t i = 0; i < n; i++) {
		jw_object(&w, NULL);
		jw_str(&w, "name", items[i].name);
		jw_str(&w, "devpath", items[i].devpath);
		jw_bool(&w, "scrubbed", items[i].scrubbed);
		jw_u64(&w, "bytes", items[i].res.bytes);
		jw_double(&w, "seconds", items[i].res.seconds);
		jw_u64(&w, "jobs", items[i].res.jobs);
		jw_str(&w, "state", end_state(&items[i], keep));
		if (items[i].res.error[0])
			jw_str(&w, "error", items[i].res.error);
		jw_end(&w);
	}
	jw_end(&w);
	jw_end(&w);
	return jw_emit(&w);
}

static void print_release_table(const char *instance, const struct zero_item *items, size_t n,
				bool keep)
{
	static const char *const headers[] = {
		"INSTANCE", "NAMESPACE", "DEVPATH", "SCRUBBED", ">BYTES", ">SECONDS", "STATE",
	};
	struct table *t = table_new(ARRAY_SIZE(headers), headers);

	for (size_t i = 0; i < n; i++) {
		char bytes[32], secs[32];

		snprintf(bytes, sizeof(bytes), "%llu", (unsigned long long)items[i].res.bytes);
		snprintf(secs, sizeof(secs), "%.3f", items[i].res.seconds);
		table_add(t, instance, items[i].name, items[i].devpath,
			  items[i].scrubbed ? "yes" : "no", bytes, secs,
			  end_state(&items[i], keep));
	}
	table_print(t, stdout);
	table_free(t);
}

int cmd_release(int argc, char **argv, struct common_opts *co)
{
	struct release_args a = { .co = co };
	struct vpm_ctx ctx;
	struct zero_item *items = NULL;
	struct claim *c;
	size_t n = 0, failed = 0;
	int r;

	argp_parse(&argp, argc, argv, 0, NULL, &a);
	r = ctx_open(&ctx, co, a.dry_run ? CTX_READ : CTX_CHANGE);
	if (r != EXIT_OK)
		goto out;

	c = state_find_claim(&ctx.state, a.instance);
	if (!c) {
		if (a.missing_ok) {
			log_info("instance %s holds no claim; nothing to release", a.instance);
			r = EXIT_OK;
			goto print; /* an empty release, for scripts parsing the output */
		} else {
			log_error("instance %s holds no claim", a.instance);
			r = EXIT_CONFLICT;
		}
		goto out;
	}
	/* an interrupted release is resumed; a running one is not joined */
	if (claim_access(c) == ACCESS_RELEASING) {
		r = claim_refuse_marked(c);
		goto out;
	}

	n = zero_items_of_claim(&ctx, c, &items);
	if ((r = zero_precheck(a.instance, items, n, a.force, ", or use --force")) != EXIT_OK)
		goto out;
	if (a.dry_run) {
		log_info("dry run: %s would be %s", a.instance,
			 a.keep ? "scrubbed and kept" :
			 a.no_scrub ? "freed without scrubbing" : "scrubbed and freed");
		r = EXIT_OK;
		goto print;
	}

	r = zero_claim(&ctx, a.instance, items, n,
		       &(struct zero_opts){ .scrub = !a.no_scrub, .force = a.force,
					    .keep = a.keep, .jobs = a.jobs }, &failed);
	if (r != EXIT_OK && !failed)
		goto out;       /* nothing changed hands; the claim is kept (logged) */
	{
		_cleanup_free_ char *names = xstrdup("");

		for (size_t i = 0; i < n; i++) {
			char *t = xasprintf("%s%s%s%s", names, i ? "," : "", items[i].name,
					    items[i].quarantine ? "(quarantined)" : "");
			free(names);
			names = t;
		}
		log_audit("release instance=%s namespaces=%s scrub=%s outcome=%s", a.instance,
			  names, a.no_scrub ? "skipped" : "done",
			  r != EXIT_OK && !failed ? "failed" : failed ? "quarantined" :
			  a.keep ? "kept" : "released");
	}
print:
	if (a.format == FMT_JSON) {
		if (json_release(a.instance, items, n, a.keep) < 0)
			r = EXIT_FAIL;
	} else if (n) {
		print_release_table(a.instance, items, n, a.keep);
	}
out:
	zero_items_free(items, n);
	ctx_close(&ctx);
	return r;
}
