/* SPDX-License-Identifier: MIT */
/* vpmemctl release: zero a guest's namespaces and free them. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "cmd.h"
#include "jsonout.h"
#include "inuse.h"
#include "log.h"
#include "scrub.h"

struct release_args {
	struct common_opts *co;
	const char *instance;
	bool no_scrub, force, missing_ok, dry_run;
	unsigned jobs;
	enum out_format format;
};

enum { OPT_NO_SCRUB = 0x200, OPT_FORCE, OPT_MISSING_OK, OPT_DRY_RUN, OPT_JOBS };

static const struct argp_option options[] = {
	{ "no-scrub", OPT_NO_SCRUB, NULL, 0,
	  "Free the namespaces without zeroing them (the next guest may read this one's data)", 0 },
	{ "force", OPT_FORCE, NULL, 0,
	  "Scrub even while a process has a namespace open or mapped, or a namespace that was "
	  "re-created under its name since the claim (another uuid)", 0 },
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
	"fails is quarantined.",
	common_children, NULL, NULL
};

/* What happens to one namespace of the claim. */
struct item {
	char *name;                     /* a copy: the state is re-read mid-way */
	const struct host_ns *host;     /* NULL: not to be zeroed, problem says why */
	const char *problem;
	char *devpath;
	struct scrub_result res;
	bool scrubbed;
	bool quarantine;
	struct inuse_check check;       /* .busy: found in use during its scrub */
};

static int scrub_item(struct item *it, unsigned jobs, bool check)
{
	if (!it->host || !it->devpath) {
		if (!it->problem || streq(it->problem, "missing"))
			snprintf(it->res.error, sizeof(it->res.error),
				 "namespace %s is no longer on the host; its device cannot be zeroed",
				 it->name);
		else
			snprintf(it->res.error, sizeof(it->res.error),
				 "namespace %s cannot be zeroed as the host describes it (%s; vpmemctl "
				 "verify says more)", it->name, it->problem);
		return -ENODEV;
	}
	it->check = (struct inuse_check){ .name = it->name, .devpath = it->devpath };
	return scrub_namespace(it->name, it->devpath, it->host->rdev, it->host->size,
			       it->host->align, it->host->numa_node, jobs,
			       check ? inuse_check_unused : NULL, &it->check, &it->res);
}

/* A namespace destroyed and re-created under the same name since the claim
 * holds someone else's data now, not this guest's: refuse to zero it (say
 * both uuids) and count it. */
static size_t recreated(const struct claim *c, const struct item *items, size_t n)
{
	size_t bad = 0;

	for (size_t i = 0; i < n; i++) {
		const char *was = c->ns[i].uuid, *now = items[i].host ? items[i].host->uuid : NULL;

		if (!was || !now || streq(was, now))
			continue;
		log_error("namespace %s of instance %s was re-created since the claim: its uuid is "
			  "%s, the claim recorded %s; it is not this guest's and is not zeroed "
			  "(vpmemctl release %s --force zeroes and frees it anyway)", items[i].name,
			  c->instance, now, was, c->instance);
		bad++;
	}
	return bad;
}

/* Whether anything of the claim was zeroed, wholly or in part. */
static bool any_zeroed(const struct item *items, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (items[i].scrubbed || items[i].res.bytes)
			return true;
	return false;
}

/* Refuse while anything holds a device; say who. */
static int check_in_use(struct item *items, size_t n)
{
	_cleanup_free_ const char **names = xcalloc(n ? n : 1, sizeof(*names));
	_cleanup_free_ const char **paths = xcalloc(n ? n : 1, sizeof(*paths));
	size_t m = 0;

	for (size_t i = 0; i < n; i++) {
		if (!items[i].devpath)
			continue;
		names[m] = items[i].name;
		paths[m++] = items[i].devpath;
	}
	return m ? inuse_refuse_many(names, paths, m) : 0;
}

static int json_release(const char *instance, const struct item *items, size_t n)
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
		jw_str(&w, "state", items[i].quarantine ? "quarantined" : "free");
		if (items[i].res.error[0])
			jw_str(&w, "error", items[i].res.error);
		jw_end(&w);
	}
	jw_end(&w);
	jw_end(&w);
	return jw_emit(&w);
}

static void print_release_table(const char *instance, const struct item *items, size_t n)
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
			  items[i].quarantine ? "quarantined" : "free");
	}
	table_print(t, stdout);
	table_free(t);
}

/* Below this, a release scrubs under the lock rather than letting go of it
 * meanwhile. */
#define UNLOCKED_SCRUB_BYTES (1ull << 30)

static uint64_t claim_bytes(const struct item *items, size_t n)
{
	uint64_t total = 0;

	for (size_t i = 0; i < n; i++)
		total += items[i].host ? items[i].host->size : 0;
	return total;
}

/* A scrub that failed for want of memory or a signal says nothing about the
 * media: worth trying again, not a reason to quarantine. */
static bool transient(int err)
{
	return err == -ENOMEM || err == -EAGAIN || err == -EINTR || err == -EMFILE ||
	       err == -ENFILE;
}

/* Remove the claim and quarantine what failed, in the state as it is now. */
static void apply_release(struct state *st, const char *instance, const struct item *items,
			  size_t n)
{
	struct claim *c = state_find_claim(st, instance);
	char now[32];

	now_rfc3339(now, sizeof(now));
	for (size_t i = 0; i < n; i++) {
		if (!items[i].quarantine || state_find_quarantine(st, items[i].name))
			continue;
		st->q = xreallocarray(st->q, st->n_q + 1, sizeof(*st->q));
		st->q[st->n_q++] = (struct quarantine){
			.name = xstrdup(items[i].name),
			.uuid = items[i].host && items[i].host->uuid ? xstrdup(items[i].host->uuid)
								     : NULL,
			.reason = xstrdup(items[i].res.error[0] ? items[i].res.error : "scrub failed"),
			.since = xstrdup(now),
		};
	}
	if (c)
		state_remove_claim(st, c);
}

int cmd_release(int argc, char **argv, struct common_opts *co)
{
	struct release_args a = { .co = co };
	struct vpm_ctx ctx;
	struct item *items = NULL;
	struct claim *c;
	size_t n = 0, failed = 0, transients = 0;
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
	if (c->releasing_pid && process_running(c->releasing_pid, c->releasing_start)) {
		log_error("instance %s is being released by pid %d", a.instance, c->releasing_pid);
		r = EXIT_FAIL;
		goto out;
	}

	n = c->n_ns;
	items = xcalloc(n, sizeof(*items));
	for (size_t i = 0; i < n; i++) {
		items[i].name = xstrdup(c->ns[i].name);
		items[i].host = pool_scrub_host(&ctx.pool, &ctx.host, c->ns[i].name,
						&items[i].problem);
		if (items[i].host)
			items[i].devpath = path_join(ctx.set.dev_dir, items[i].host->chardev);
	}
	if (!a.force && recreated(c, items, n)) {
		log_error("instance %s keeps its claim", a.instance);
		r = EXIT_FAIL;
		goto out;
	}
	/* Even unscrubbed, a namespace a guest still maps must not be handed on. */
	if (!a.force && check_in_use(items, n)) {
		log_error("instance %s keeps its claim; stop what uses it, or use --force", a.instance);
		r = EXIT_FAIL;
		goto out;
	}
	if (a.dry_run) {
		log_info("dry run: %s would be %s", a.instance,
			 a.no_scrub ? "freed without scrubbing" : "scrubbed and freed");
		r = EXIT_OK;
		goto print;
	}

	if (!a.no_scrub) {
		/* The claim is marked as being released before anything is zeroed:
		 * killed mid-scrub, the mark says the claim is no longer whole and
		 * a new release finishes the job. A large claim takes minutes to
		 * scrub: it lets go of the lock meanwhile; a small one keeps it. */
		bool unlocked = claim_bytes(items, n) >= UNLOCKED_SCRUB_BYTES;
		size_t busy = 0;

		c->releasing_pid = getpid();
		if (process_start_time(c->releasing_pid, &c->releasing_start) < 0)
			c->releasing_start = 0;
		if ((r = ctx_commit(&ctx)) != EXIT_OK)
			goto out;
		if (unlocked)
			store_unlock(&ctx.store);
		for (size_t i = 0; i < n; i++) {
			/* Holders are looked for again once each device is open and
			 * between its chunks: one may have come since the first look. */
			int e = scrub_item(&items[i], a.jobs, !a.force);

			if (e == 0) {
				items[i].scrubbed = true;
			} else if (items[i].check.busy) {
				/* Zero nothing more of a claim something uses. */
				log_error("%s", items[i].res.error);
				busy++;
				break;
			} else if (transient(e)) {
				log_error("scrub of %s failed: %s", items[i].name, items[i].res.error);
				transients++;
			} else {
				items[i].quarantine = true;
				failed++;
				log_error("scrub of %s failed: %s; the namespace is quarantined",
					  items[i].name, items[i].res.error);
			}
		}
		/* Take the state anew: others may have changed it meanwhile. */
		if (unlocked && (r = ctx_reload_state(&ctx)) != EXIT_OK) {
			log_error("the scrub ran but the claim of %s could not be removed; run the "
				  "release again", a.instance);
			goto out;
		}
		if (busy || transients) {
			/* Keep the claim. Its mark goes only when nothing of it was
			 * zeroed: a partly zeroed claim must not pass for a whole one. */
			c = state_find_claim(&ctx.state, a.instance);
			if (c && !any_zeroed(items, n)) {
				c->releasing_pid = 0;
				c->releasing_start = 0;
				if (ctx_commit(&ctx) != EXIT_OK)
					goto out;
			}
			if (busy)
				log_error("instance %s keeps its claim; stop what uses it, then run "
					  "vpmemctl release %s again", a.instance, a.instance);
			else
				log_error("instance %s keeps its claim; run the release again",
					  a.instance);
			r = EXIT_FAIL;
			goto out;
		}
	}
	/* Last look before the namespaces are marked free, under the lock. */
	if (!a.force && check_in_use(items, n)) {
		log_error("instance %s keeps its claim; stop what uses it, then run vpmemctl "
			  "release %s again", a.instance, a.instance);
		r = EXIT_FAIL;
		goto out;
	}
	apply_release(&ctx.state, a.instance, items, n);
	r = ctx_commit(&ctx);
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
			  r != EXIT_OK ? "failed" : failed ? "quarantined" : "released");
	}
	if (r != EXIT_OK)
		goto out;
	if (failed)
		r = EXIT_FAIL;
print:
	if (a.format == FMT_JSON) {
		if (json_release(a.instance, items, n) < 0)
			r = EXIT_FAIL;
	} else if (n) {
		print_release_table(a.instance, items, n);
	}
out:
	for (size_t i = 0; i < n; i++) {
		free(items[i].name);
		free(items[i].devpath);
	}
	free(items);
	ctx_close(&ctx);
	return r;
}
