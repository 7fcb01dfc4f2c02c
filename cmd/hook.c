/* SPDX-License-Identifier: MIT */
/* vpmemctl-libvirt-hook: run by libvirt (/etc/libvirt/hooks/qemu.d/) as
 * `HOOK DOMAIN OPERATION SUB-OPERATION EXTRA` with the domain XML on stdin.
 * On `prepare begin` it refuses to start a domain that uses (any path in it,
 * domuse.h) a configured namespace not claimed by it; on `migrate begin` (the
 * destination, an XML filter) it claims namespaces here with the labels the
 * domain carries and points its devices at them. Every other event: exit 0
 * at once. It never zeroes and never calls libvirt (a hook that does
 * deadlocks libvirtd). */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "choose.h"
#include "context.h"
#include "domuse.h"
#include "domxml.h"
#include "inuse.h"
#include "log.h"
#include "names.h"
#include "nsaccess.h"

/* libvirt waits for its hooks while it holds the domain: a hook that waits
 * long for the state lock holds up libvirtd. On timeout it refuses. */
#define HOOK_LOCK_TIMEOUT_ARG "3"
#define DOMAIN_MAX (64u << 20)

static const char usage_text[] =
	"usage: vpmemctl-libvirt-hook DOMAIN OPERATION SUB-OPERATION EXTRA\n"
	"  run by libvirt from /etc/libvirt/hooks/qemu.d/ with the domain XML on stdin;\n"
	"  acts on 'prepare begin' and 'migrate begin', exits 0 on every other event\n";

/* The domain libvirt gives on stdin, parsed; NULL when it cannot be
 * (logged). With text, the text as read is kept there (malloc'd). */
static xmlDocPtr read_domain(const char *name, char **text, size_t *len)
{
	_cleanup_free_ char *err = NULL, *mine = NULL;
	size_t n = 0;
	xmlDocPtr dom;
	int r = read_stream(STDIN_FILENO, DOMAIN_MAX, 65536, &mine, &n);

	if (r < 0) {
		log_error("domain %s refused: its XML on stdin cannot be read (%s)", name,
			  r == -EILSEQ ? "a NUL byte" : r == -EFBIG ? "too large" : strerror(-r));
		return NULL;
	}
	dom = domain_parse(mine, n, "stdin", &err);
	if (dom && text) {
		*text = mine;
		*len = n;
		mine = NULL;
	}
	if (!dom)
		log_error("domain %s refused: its XML on stdin cannot be read (%s)", name, err);
	return dom;
}

/* Settings, configuration and host, without the state. EXIT_OK, or a
 * failure (logged, one line) when they cannot be trusted. */
static int load_config(struct vpm_ctx *ctx, const char *name)
{
	struct common_opts co = { .lock_timeout = HOOK_LOCK_TIMEOUT_ARG };
	struct findings f = { 0 };
	int r = ctx_load(ctx, &co, CTX_NO_STATE, &f);

	/* nothing configured: no namespace is ours, whatever the host has */
	if (r == EXIT_OK && !ctx->set.namespaces) {
		findings_clear(&f);
		return EXIT_OK;
	}
	if (r == EXIT_OK && !ctx->host_ok) {
		log_error("domain %s refused: the host's namespaces cannot be read, so the paths "
			  "it names cannot be checked against vpmemctl's claims", name);
		r = EXIT_FAIL;
	}
	/* A mistake in pmem_namespaces: which namespaces are ours is not known. */
	for (size_t i = 0; r == EXIT_OK && i < f.n; i++) {
		if (strncmp(f.v[i].code, "config-", 7) != 0)
			continue; /* a namespace missing here is not one a domain can use */
		log_error("domain %s refused: pmem_namespaces (%s): %s; fix it (vpmemctl verify)",
			  name, ctx->set.namespaces_from, f.v[i].message);
		r = EXIT_FAIL;
	}
	findings_clear(&f);
	return r;
}

/* ---- prepare begin ---------------------------------------------------- */

static int prepare(const char *arg_name)
{
	struct domain_info di = { 0 };
	struct vpm_ctx ctx = { .store = { .dirfd = -1, .lockfd = -1 } };
	struct ns_devices devs = { 0 };
	struct domain_use *uses = NULL;
	size_t n_uses = 0;
	xmlDocPtr dom = read_domain(arg_name, NULL, NULL);
	int r, rs, s;

	if (!dom)
		return EXIT_FAIL;
	r = domain_read_info(dom, &di) == 0 ? EXIT_OK : EXIT_FAIL;
	xmlFreeDoc(dom);
	if (r != EXIT_OK) {
		log_error("domain %s refused: the XML on stdin is not a <domain>", arg_name);
		goto out;
	}
	if (!*di.name) {
		free(di.name);
		di.name = xstrdup(arg_name);
	}
	/* No path at all: nothing of ours, not even the configuration is read. */
	if (!di.n_paths)
		goto out;
	r = load_config(&ctx, di.name);
	if (r != EXIT_OK || !domain_names_host_device(&ctx, &di))
		goto out;
	/* Shared: starting guests do not wait for each other, only for a
	 * claim or release that is changing the state. A domain naming a
	 * device of the host's namespaces is refused without the state: which
	 * namespace it is (one renamed is known by its claim's uuid) and
	 * whose, only the state says. */
	rs = ctx_read_state(&ctx, CTX_SHARED);
	if (rs != EXIT_OK) {
		log_error("domain %s refused: vpmemctl's state in %s cannot be read%s, so the "
			  "namespaces it names cannot be checked against the claims; start it "
			  "again once it can", di.name, ctx.set.state_dir, rs == EXIT_LOCKED ? " (the state lock "
			  "is held by another vpmemctl: a claim, release or repair)" : "");
		r = rs;
		goto out;
	}
	ns_devices_build(&devs, &ctx);
	n_uses = domain_uses(&devs, &di, &uses);
	for (size_t i = 0; i < n_uses; i++) {
		enum ns_access a = ns_access(uses[i].ns, di.name, di.uuid);
		_cleanup_free_ char *why = NULL;

		if (a == ACCESS_OWN)
			continue;
		why = access_why(a, uses[i].ns, uses[i].at->path, di.name);
		log_error("domain %s refused: %s", di.name, why);
		/* a namespace nobody claimed is not this domain's either; of
		 * several refusals, the highest status, as adopt */
		s = a == ACCESS_FREE ? EXIT_CONFLICT : access_exit(a);
		if (s > r)
			r = s;
	}
out:
	free(uses);
	ns_devices_free(&devs);
	domain_info_clear(&di);
	ctx_close(&ctx);
	return r;
}

/* ---- migrate begin ---------------------------------------------------- */

/* The domain back to libvirt, on stdout. */
static int print_text(const char *text, size_t len)
{
	if (fwrite(text, 1, len, stdout) == len && fflush(stdout) == 0)
		return EXIT_OK;
	log_error("cannot write the domain to libvirt (stdout)");
	return EXIT_FAIL;
}

static int print_domain(xmlDocPtr dom)
{
	int len;
	xmlChar *out = domain_format(dom, &len);
	int r;

	if (!out)
		oom();
	r = print_text((const char *)out, (size_t)len);
	xmlFree(out);
	return r;
}

/* The claim the domain already holds here (libvirt retried the migration):
 * the same labels, not being released, sizes matching. EXIT_OK when it can
 * be used again, else a refusal (logged). */
static int reuse_claim(const struct vpm_ctx *ctx, const char *name, const struct claim *c,
		       const struct strv *labels, const uint64_t *kib)
{
	bool same = c->n_ns == labels->n && claim_access(c) == ACCESS_OWN;

	for (size_t i = 0; same && i < labels->n; i++) {
		const struct pool_ns *p = pool_find(&ctx->pool, c->ns[i].name);

		same = streq(c->ns[i].label, labels->v[i]) && p && p->host && p->devpath &&
		       p->host->size / 1024 == kib[i] &&
		       (!c->ns[i].uuid || !p->host->uuid || streq(c->ns[i].uuid, p->host->uuid));
	}
	/* the claim of an earlier attempt: nothing of the guest's is here yet,
	 * and media gone bad since is not handed to it */
	for (size_t i = 0; same && i < c->n_ns; i++) {
		const struct pool_ns *p = pool_find(&ctx->pool, c->ns[i].name);

		if (!p->media)
			continue;
		log_error("incoming domain %s refused: namespace %s of its claim here has known bad "
			  "blocks or is on a failing DIMM; release the claim (vpmemctl release %s) "
			  "and migrate again", name, p->name, name);
		return EXIT_CONFLICT;
	}
	if (same)
		return EXIT_OK;
	log_error("incoming domain %s refused: instance %s already holds another claim on this "
		  "host (or it is being released); release it first (vpmemctl release %s)", name,
		  name, name);
	return EXIT_CONFLICT;
}

/* Claim namespaces here with the labels recorded in the domain, point its
 * devices at them and give the domain back to libvirt. */
static int migrate(const char *arg_name)
{
	_cleanup_free_ char *err = NULL, *text = NULL;
	_cleanup_free_ uint64_t *kib = NULL;
	struct pmem_record *recs = NULL;
	struct nvdimm *nvdimms = NULL;
	struct strv labels = { 0 };
	struct domain_info di = { 0 };
	struct vpm_ctx ctx = { .store = { .dirfd = -1, .lockfd = -1 } };
	struct claim fresh = { 0 };
	struct ns_devices devs = { 0 };
	struct domain_use *uses = NULL;
	const struct claim *c;
	size_t n_recs = 0, n_dev = 0, n_uses = 0, len = 0;
	xmlDocPtr dom = read_domain(arg_name, &text, &len);
	int r = EXIT_FAIL;

	if (!dom)
		return EXIT_FAIL;
	if (domain_read_info(dom, &di) < 0) {
		log_error("incoming domain %s refused: the XML on stdin is not a <domain>", arg_name);
		goto out;
	}
	if (!*di.name) {
		free(di.name);
		di.name = xstrdup(arg_name);
	}
	if (domain_get_pmem(dom, &recs, &n_recs, &err) < 0 ||
	    domain_nvdimm_sizes(dom, &kib, &n_dev, &err) < 0) {
		log_error("incoming domain %s refused: %s", di.name, err);
		goto out;
	}
	/* No path at all: nothing of ours. */
	if (!di.n_paths && !n_recs) {
		r = print_text(text, len);
		goto out;
	}
	/* Which namespaces of this host it names, read without the lock: a
	 * domain that names none and carries no record is not ours. */
	{
		struct common_opts co = { 0 };

		r = ctx_open(&ctx, &co, CTX_READ);
	}
	if (r != EXIT_OK) {
		log_error("incoming domain %s refused: vpmemctl cannot read its configuration, "
			  "host or state here", di.name);
		goto out;
	}
	r = EXIT_FAIL;
	ns_devices_build(&devs, &ctx);
	n_uses = domain_uses(&devs, &di, &uses);
	for (size_t i = 0; i < n_uses; i++) {
		_cleanup_free_ char *at = NULL;

		if (uses[i].at->nvdimm && uses[i].n_at == 1)
			continue;
		at = use_describe(&uses[i]);
		if (uses[i].n_at > 1)
			log_error("incoming domain %s refused: it names namespace %s of this host "
				  "%zu times (first through %s); give each nvdimm device its own",
				  di.name, uses[i].ns->name, uses[i].n_at, at);
		else
			log_error("incoming domain %s refused: it names namespace %s of this host "
				  "through %s, which vpmemctl does not point at the namespaces it "
				  "claims here; give the guest its persistent memory as nvdimm "
				  "devices only (vpmemctl render-xml --domain)", di.name,
				  uses[i].ns->name, at);
		goto out;
	}
	if (!n_recs) {
		if (!n_uses) {
			r = print_text(text, len);
			goto out;
		}
		log_error("incoming domain %s refused: its nvdimm devices name namespaces "
			  "configured here, but it carries no vpmemctl record of their labels; on "
			  "the source host, record it (vpmemctl render-xml %s --domain FILE) and "
			  "redefine the domain", di.name, di.name);
		goto out;
	}
	if (n_recs != n_dev) {
		log_error("incoming domain %s refused: it has %zu nvdimm devices but vpmemctl's "
			  "record in its <metadata> names %zu namespaces; render it again on the "
			  "source host (vpmemctl render-xml %s --domain FILE)", di.name, n_dev, n_recs,
			  di.name);
		goto out;
	}
	if (!instance_valid(di.name)) {
		log_error("incoming domain %s refused: its name is not a vpmemctl instance (1 to %d "
			  "characters of A-Z a-z 0-9 . _ : -)", di.name, INSTANCE_MAX);
		goto out;
	}
	for (size_t i = 0; i < n_recs; i++)
		strv_push(&labels, xstrdup(recs[i].label));
	/* what was found points into the context read without the lock */
	free(uses);
	uses = NULL;
	ns_devices_free(&devs);
	ctx_close(&ctx);
	{
		struct common_opts co = { .lock_timeout = HOOK_LOCK_TIMEOUT_ARG };

		r = ctx_open(&ctx, &co, CTX_CHANGE);
	}
	if (r == EXIT_OK)
		r = check_labels(&ctx, &labels);
	if (r != EXIT_OK) {
		log_error("incoming domain %s refused: nothing was claimed", di.name);
		goto out;
	}

	c = domain_claim_of(&ctx.state, di.name, di.uuid);
	if (c) {
		r = reuse_claim(&ctx, di.name, c, &labels, kib);
		if (r != EXIT_OK)
			goto out;
		log_info("instance %s already holds this claim: using it", c->instance);
	} else {
		/* a shortage is logged as claim logs it, naming the label */
		r = choose_claim(&ctx, di.name, &labels, -1, &fresh);
		if (r != EXIT_OK)
			goto out;
		/* QEMU moves a memory device's contents only to one of the same size. */
		for (size_t i = 0; i < fresh.n_ns; i++) {
			const struct pool_ns *p = pool_find(&ctx.pool, fresh.ns[i].name);

			if (p->host->size / 1024 == kib[i])
				continue;
			log_error("incoming domain %s refused: its nvdimm device %zu is %llu KiB, "
				  "but namespace %s here (label %s) is %llu KiB, and QEMU cannot "
				  "migrate between devices of different sizes; nothing was claimed",
				  di.name, i + 1, (unsigned long long)kib[i], p->name,
				  fresh.ns[i].label, (unsigned long long)(p->host->size / 1024));
			r = EXIT_FAIL;
			goto out;
		}
		c = &fresh;
	}

	nvdimms = xcalloc(c->n_ns, sizeof(*nvdimms));
	for (size_t i = 0; i < c->n_ns; i++) {
		const struct pool_ns *p = pool_find(&ctx.pool, c->ns[i].name);

		nvdimms[i] = (struct nvdimm){ .path = p->devpath, .size_kib = p->host->size / 1024,
					   .align_kib = p->host->align / 1024 };
	}
	if (domain_retarget_nvdimms(dom, nvdimms, c->n_ns, &err) < 0) {
		log_error("incoming domain %s refused: %s; nothing was claimed", di.name, err);
		r = EXIT_FAIL;
		goto out;
	}
	domain_record_claim(dom, c);
	if (c == &fresh) {
		_cleanup_free_ char *names = claim_names(&fresh);

		state_add_claim(&ctx.state, fresh);
		fresh = (struct claim){ 0 };
		r = ctx_commit(&ctx);
		log_audit("claim instance=%s namespaces=%s outcome=%s (incoming migration)",
			  di.name, names, r == EXIT_OK ? "claimed" : "failed");
		if (r != EXIT_OK)
			goto out;
	}
	store_unlock(&ctx.store);
	r = print_domain(dom);
out:
	claim_clear(&fresh);
	free(uses);
	ns_devices_free(&devs);
	free(nvdimms);
	pmem_records_free(recs, n_recs);
	strv_clear(&labels);
	domain_info_clear(&di);
	ctx_close(&ctx);
	xmlFreeDoc(dom);
	return r;
}

int main(int argc, char **argv)
{
	if (argc < 4 || !*argv[1]) {
		fputs(usage_text, stderr);
		return EXIT_USAGE;
	}
	/* libvirt runs every hook for every event: only two are ours. */
	if (streq(argv[2], "prepare") && streq(argv[3], "begin"))
		return prepare(argv[1]);
	if (streq(argv[2], "migrate") && streq(argv[3], "begin"))
		return migrate(argv[1]);
	return EXIT_OK;
}
