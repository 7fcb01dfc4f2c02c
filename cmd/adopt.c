/* SPDX-License-Identifier: MIT */
/* vpmemctl adopt: record the claim of a guest that already uses namespaces,
 * exactly those its domain uses (domuse.h): never others. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd.h"
#include "domuse.h"
#include "domxml.h"
#include "jsonout.h"
#include "log.h"
#include "names.h"
#include "nsaccess.h"

struct adopt_args {
	struct common_opts *co;
	const char *instance;
	const char *domain;
	const char *libvirt_dir;
	bool dry_run;
	enum out_format format;
};

enum { OPT_DOMAIN = 0x200, OPT_LIBVIRT_DIR, OPT_DRY_RUN };

static const struct argp_option options[] = {
	{ "domain", OPT_DOMAIN, "FILE", 0,
	  "The libvirt domain of INSTANCE: claim the namespaces it uses", 0 },
	{ "libvirt-dir", OPT_LIBVIRT_DIR, "DIR", 0,
	  "Adopt every domain in DIR (e.g. /etc/libvirt/qemu), each as the instance of its "
	  "<name>; no INSTANCE then", 0 },
	{ "dry-run", OPT_DRY_RUN, NULL, 0, "Show what would be claimed; change nothing", 0 },
	{ 0 }
};

static error_t parse(int key, char *arg, struct argp_state *state)
{
	struct adopt_args *a = state->input;

	switch (key) {
	case ARGP_KEY_INIT:
		common_child_init(state, a->co);
		break;
	case OPT_DOMAIN: a->domain = arg; break;
	case OPT_LIBVIRT_DIR: a->libvirt_dir = arg; break;
	case OPT_DRY_RUN: a->dry_run = true; break;
	case ARGP_KEY_ARG:
		if (state->arg_num > 0)
			argp_error(state, "unexpected argument '%s'", arg);
		a->instance = arg;
		break;
	case ARGP_KEY_END:
		a->format = common_check(state, a->co, FMT_TABLE | FMT_JSON);
		if (!a->domain == !a->libvirt_dir)
			argp_error(state, "give either INSTANCE --domain FILE or --libvirt-dir DIR");
		if (a->libvirt_dir && a->instance)
			argp_error(state, "with --libvirt-dir each domain's <name> is its instance; "
				   "no INSTANCE is taken");
		if (a->domain)
			check_instance(state, a->instance);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp argp = {
	options, parse, "INSTANCE --domain FILE | --libvirt-dir DIR",
	"Record a claim for a guest that already uses namespaces: exactly those its domain "
	"uses (any path in it that leads to a namespace's device), labels from the "
	"configuration, in the order the domain names them. Never chooses other "
	"namespaces, never zeroes. The claim is also recorded in the domain's <metadata>.",
	common_children, NULL, NULL
};

/* What became of one domain. */
struct outcome {
	char *file;
	char *instance;         /* NULL when not known */
	const char *what;       /* "adopted", "already claimed", "would adopt", ... */
	int status;             /* EXIT_* */
	bool created;
	struct claim claim;     /* instance set when there is one to show */
};

static void outcome_clear(struct outcome *o)
{
	free(o->file);
	free(o->instance);
	claim_clear(&o->claim);
}

static bool same_namespaces(const struct claim *a, const struct claim *b)
{
	if (a->n_ns != b->n_ns)
		return false;
	for (size_t i = 0; i < a->n_ns; i++)
		if (!streq(a->ns[i].name, b->ns[i].name))
			return false;
	return true;
}

/* Record c in the domain's <metadata> and write the file back atomically. */
static int record_in_domain(xmlDocPtr dom, const char *file, const struct claim *c)
{
	xmlChar *text;
	int len, r;

	domain_record_claim(dom, c);
	text = domain_format(dom, &len);
	if (!text) {
		log_error("out of memory");
		return EXIT_FAIL;
	}
	r = domain_write_file(file, text, len);
	xmlFree(text);
	if (r < 0) {
		log_error("cannot write domain file %s: %s; the claim is recorded, the domain's "
			  "<metadata> is not", file, strerror(-r));
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

/* What adopt needs besides the context: which devices lead to namespaces,
 * and the other domains libvirt has (a namespace two domains use is
 * nobody's to adopt). */
struct adopt_run {
	struct vpm_ctx *ctx;
	struct ns_devices devs;
	struct domain_set doms;
	bool dry_run;
};

static void audit(const struct claim *c, const char *file, const char *outcome)
{
	_cleanup_free_ char *names = claim_names(c);

	log_audit("adopt instance=%s domain=%s namespaces=%s outcome=%s", c->instance, file, names,
		  outcome);
}

/* Adopt the domain in file for instance (NULL: its <name>, as for
 * --libvirt-dir, where a domain without configured namespaces is no error). */
static void adopt_file(struct adopt_run *run, const char *file, const char *instance,
		       struct outcome *o)
{
	struct vpm_ctx *ctx = run->ctx;
	bool dry_run = run->dry_run;
	_cleanup_free_ char *text = NULL, *err = NULL;
	struct domain_info di = { 0 };
	bool from_dir = !instance, none;
	struct claim *held;
	xmlDocPtr dom = NULL;
	struct stat st;
	size_t len = 0;
	int r;

	*o = (struct outcome){ .file = xstrdup(file), .what = "error", .status = EXIT_FAIL };
	if (lstat(file, &st) < 0) {
		log_error("cannot read domain file %s: %s", file, strerror(errno));
		return;
	}
	if (!S_ISREG(st.st_mode)) {
		log_error("domain file %s is %s; give a regular file", file,
			  S_ISLNK(st.st_mode) ? "a symbolic link" : "not a regular file");
		return;
	}
	r = read_file(file, 64u << 20, &text, &len);
	if (r < 0) {
		log_read_error(r, len, "domain file", file);
		return;
	}
	dom = domain_parse(text, len, file, &err);
	if (!dom) {
		log_error("domain file %s is not XML: %s", file, err);
		return;
	}
	if (domain_read_info(dom, &di) < 0) {
		log_error("%s is not a libvirt domain (its root element is not <domain>)", file);
		goto out;
	}
	if (!di.name || !di.name[0]) {
		free(di.name);
		di.name = xstrdup("(unnamed)");
	}
	if (from_dir) {
		if (!instance_valid(di.name)) {
			log_error("domain %s in %s: its <name> is not a valid instance (1 to %d "
				  "characters of A-Z a-z 0-9 . _ : -); not adopted", di.name, file,
				  INSTANCE_MAX);
			goto out;
		}
		instance = di.name;
	}
	o->instance = xstrdup(instance);
	r = domain_claim_new(ctx, &run->devs, &run->doms, &di, instance, &o->claim, &none);
	if (none) {
		if (from_dir) {
			log_info("domain %s (%s) uses no configured namespace; nothing to adopt",
				 di.name, file);
			o->what = "no namespace";
			o->status = EXIT_OK;
		} else {
			log_error("domain %s (%s) uses no configured namespace; nothing to adopt",
				  di.name, file);
			o->what = "no namespace";
		}
		goto out;
	}
	if (r != EXIT_OK) {
		o->status = r;
		o->what = "refused";
		goto out;
	}
	held = domain_claim_of(&ctx->state, instance, di.uuid);
	if (held) {
		if ((r = claim_refuse_marked(held)) != EXIT_OK) {
			o->status = r;
			o->what = "refused";
			claim_clear(&o->claim);
			goto out;
		}
		if (!same_namespaces(held, &o->claim)) {
			_cleanup_free_ char *names = claim_names(held);

			log_error("instance %s already holds a different claim (%s); not adopted",
				  instance, names);
			o->status = EXIT_CONFLICT;
			o->what = "refused";
			claim_clear(&o->claim);
			goto out;
		}
		log_info("instance %s already holds the namespaces of %s", instance, file);
		claim_clear(&o->claim);
		o->claim = claim_copy(held);
		o->what = "already claimed";
		o->status = EXIT_OK;
		/* a record the domain lacks (an earlier adopt could not write it) */
		if (!dry_run && !domain_records_claim(dom, &o->claim))
			o->status = record_in_domain(dom, file, &o->claim);
		goto out;
	}
	if (dry_run) {
		log_info("dry run: %s would be claimed for %s; nothing was changed", file, instance);
		o->what = "would adopt";
		o->status = EXIT_OK;
		goto out;
	}
	state_add_claim(&ctx->state, claim_copy(&o->claim));
	r = ctx_commit(ctx);
	audit(&o->claim, file, r == EXIT_OK ? "adopted" : "failed");
	if (r != EXIT_OK) {
		/* the state on disk is unchanged; so must be the one in memory */
		state_remove_claim(&ctx->state, &ctx->state.claims[ctx->state.n_claims - 1]);
		o->status = r;
		goto out;
	}
	pool_apply_state(&ctx->pool, &ctx->state);
	o->created = true;
	o->what = "adopted";
	o->status = record_in_domain(dom, file, &o->claim);
out:
	domain_info_clear(&di);
	if (dom)
		xmlFreeDoc(dom);
}

static void json_outcome(struct jw *w, const struct outcome *o, const struct pool *pool)
{
	jw_object(w, NULL);
	jw_str(w, "file", o->file);
	jw_str(w, "outcome", o->what);
	jw_u64(w, "status", (uint64_t)o->status);
	if (o->claim.instance) {
		jw_object(w, "claim");
		jw_claim_members(w, &o->claim, pool, o->created);
		jw_end(w);
	} else {
		jw_str(w, "instance", o->instance);
		jw_null(w, "claim");
	}
	jw_end(w);
}

static int print_outcomes(const struct adopt_args *a, const struct outcome *os, size_t n,
			  const struct pool *pool)
{
	static const char *const headers[] = {
		"INSTANCE", "DOMAIN", "NAMESPACES", "OUTCOME",
	};
	struct table *t;

	if (a->format == FMT_JSON) {
		struct jw w;

		jw_init(&w, json_pretty(), 1024 * (n + 1));
		jw_object(&w, NULL);
		if (a->domain && os[0].claim.instance) {
			/* claim's document, and the domain file */
			jw_claim_members(&w, &os[0].claim, pool, os[0].created);
			jw_str(&w, "domain", os[0].file);
		} else if (a->domain) {
			jw_str(&w, "instance", a->instance);
			jw_str(&w, "domain", os[0].file);
			jw_str(&w, "outcome", os[0].what);
		} else {
			jw_array(&w, "domains");
			for (size_t i = 0; i < n; i++)
				json_outcome(&w, &os[i], pool);
			jw_end(&w);
		}
		jw_end(&w);
		return jw_emit(&w) < 0 ? EXIT_FAIL : EXIT_OK;
	}
	t = table_new(ARRAY_SIZE(headers), headers);
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *names = xstrdup("");

		for (size_t k = 0; k < os[i].claim.n_ns; k++) {
			char *s = xasprintf("%s%s%s(%s)", names, k ? "," : "", os[i].claim.ns[k].name,
					    os[i].claim.ns[k].label);
			free(names);
			names = s;
		}
		table_add(t, os[i].instance, os[i].file, names[0] ? names : NULL, os[i].what);
	}
	table_print(t, stdout);
	table_free(t);
	return fflush(stdout) == EOF ? EXIT_FAIL : EXIT_OK;
}

int cmd_adopt(int argc, char **argv, struct common_opts *co)
{
	struct adopt_args a = { .co = co };
	struct strv files = { 0 };
	struct outcome *os = NULL;
	struct vpm_ctx ctx;
	struct adopt_run run = { .ctx = &ctx };
	const char *dir;
	int r, worst = EXIT_OK;

	argp_parse(&argp, argc, argv, 0, NULL, &a);
	run.dry_run = a.dry_run;
	r = ctx_open(&ctx, co, a.dry_run ? CTX_READ : CTX_CHANGE);
	if (r != EXIT_OK)
		goto out;
	/* the domains libvirt has: a namespace that two of them use is adopted
	 * for neither */
	ns_devices_build(&run.devs, &ctx);
	dir = a.libvirt_dir ? a.libvirt_dir : ctx.set.libvirt_dir;
	r = dir ? domain_set_read(&run.doms, dir, &run.devs, NULL, NULL) : 0;
	if (r < 0) {
		log_error_errno(-r, "cannot read libvirt directory %s", dir);
		r = EXIT_FAIL;
		goto out;
	}
	if (a.domain) {
		strv_push(&files, xstrdup(a.domain));
	} else if ((r = domain_dir_files(a.libvirt_dir, &files)) < 0) {
		log_error_errno(-r, "cannot read libvirt directory %s", a.libvirt_dir);
		r = EXIT_FAIL;
		goto out;
	}
	os = xcalloc(files.n ? files.n : 1, sizeof(*os));
	for (size_t i = 0; i < files.n; i++) {
		adopt_file(&run, files.v[i], a.domain ? a.instance : NULL, &os[i]);
		if (os[i].status > worst)
			worst = os[i].status;
	}
	r = print_outcomes(&a, os, files.n, &ctx.pool);
	if (worst > r)
		r = worst;
out:
	for (size_t i = 0; os && i < files.n; i++)
		outcome_clear(&os[i]);
	free(os);
	strv_clear(&files);
	domain_set_free(&run.doms);
	ns_devices_free(&run.devs);
	ctx_close(&ctx);
	return r;
}
