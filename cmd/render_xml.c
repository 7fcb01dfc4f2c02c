/* SPDX-License-Identifier: MIT */
/* vpmemctl render-xml: a claim as libvirt nvdimm devices, or a whole domain
 * patched to hold them. */
#include <string.h>
#include <sys/stat.h>

#include "cmd.h"
#include "domxml.h"
#include "log.h"
#include "zero.h"

struct render_args {
	struct common_opts *co;
	const char *instance;
	const char *domain;
	bool in_place;
	int guest_node;
};

enum { OPT_DOMAIN = 0x200, OPT_IN_PLACE, OPT_GUEST_NODE };

static const struct argp_option options[] = {
	{ "domain", OPT_DOMAIN, "FILE", 0,
	  "Print this libvirt domain with the devices added or replaced, room made in "
	  "<maxMemory> and a guest NUMA cell added when it has none", 0 },
	{ "in-place", OPT_IN_PLACE, NULL, 0, "With --domain: write the domain back (atomically)", 0 },
	{ "guest-node", OPT_GUEST_NODE, "N", 0, "Guest NUMA node of the devices (default 0)", 0 },
	{ 0 }
};

static error_t parse(int key, char *arg, struct argp_state *state)
{
	struct render_args *a = state->input;

	switch (key) {
	case ARGP_KEY_INIT:
		common_child_init(state, a->co);
		break;
	case OPT_DOMAIN: a->domain = arg; break;
	case OPT_IN_PLACE: a->in_place = true; break;
	case OPT_GUEST_NODE:
		if (parse_int(arg, 0, 65535, &a->guest_node) < 0)
			argp_error(state, "--guest-node: '%s' is not a NUMA node number", arg);
		break;
	case ARGP_KEY_ARG:
		if (state->arg_num > 0)
			argp_error(state, "unexpected argument '%s'", arg);
		a->instance = arg;
		break;
	case ARGP_KEY_END:
		common_check(state, a->co, FMT_TABLE);
		check_instance(state, a->instance);
		if (a->in_place && !a->domain)
			argp_error(state, "--in-place goes with --domain FILE");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp argp = {
	options, parse, "INSTANCE",
	"Print one libvirt <memory model='nvdimm'> element per namespace INSTANCE holds, in "
	"the claim's label order; or, with --domain, that domain ready to define.",
	common_children, NULL, NULL
};

/* The claim's namespaces as devices; EXIT_* on failure (logged). */
static int claim_devices(const struct vpm_ctx *ctx, const char *instance, int node,
			 struct nvdimm **out, size_t *n)
{
	const struct claim *c = state_find_claim(&ctx->state, instance);

	if (!c) {
		log_error("instance %s holds no claim; claim its namespaces first", instance);
		return EXIT_CONFLICT;
	}
	/* Being released, or a release killed mid-scrub: not a guest's whole data. */
	if (claim_refuse_marked(c) != EXIT_OK)
		return EXIT_CONFLICT;
	*out = xcalloc(c->n_ns, sizeof(**out));
	*n = c->n_ns;
	for (size_t i = 0; i < c->n_ns; i++) {
		const struct pool_ns *p = pool_find(&ctx->pool, c->ns[i].name);

		if (!p || !p->host || !p->devpath) {
			log_error("namespace %s of instance %s is no longer configured or on the host; "
				  "run vpmemctl verify", c->ns[i].name, instance);
			return EXIT_FAIL;
		}
		if (c->ns[i].uuid && p->host->uuid && !streq(c->ns[i].uuid, p->host->uuid)) {
			log_error("namespace %s of instance %s was destroyed and re-created (uuid %s, "
				  "claimed as %s): the guest's data is gone; release the claim (vpmemctl "
				  "release %s --force) and claim again", c->ns[i].name, instance,
				  p->host->uuid, c->ns[i].uuid, instance);
			return EXIT_FAIL;
		}
		(*out)[i] = (struct nvdimm){
			.path = p->devpath,
			.size_kib = p->host->size / 1024,
			.align_kib = p->host->align / 1024,
			.node = node,
		};
	}
	return EXIT_OK;
}

static int print_elements(const struct nvdimm *devs, size_t n)
{
	xmlDocPtr doc = xmlNewDoc((const xmlChar *)"1.0");
	xmlBufferPtr buf = xmlBufferCreate();
	int r = EXIT_OK;

	for (size_t i = 0; i < n; i++) {
		xmlNodePtr el = nvdimm_element(doc, &devs[i]);

		xmlBufferEmpty(buf);
		xmlNodeDump(buf, doc, el, 0, 1);
		if (printf("%s\n", (const char *)xmlBufferContent(buf)) < 0)
			r = EXIT_FAIL;
		xmlFreeNode(el);
	}
	xmlBufferFree(buf);
	xmlFreeDoc(doc);
	return fflush(stdout) == EOF ? EXIT_FAIL : r;
}

static int render_domain(const struct render_args *a, const struct vpm_ctx *ctx,
			 const struct nvdimm *devs, size_t n)
{
	_cleanup_free_ char *text = NULL, *err = NULL;
	char **owned = xcalloc(ctx->pool.n, sizeof(*owned));
	xmlChar *out = NULL;
	size_t len = 0, n_owned = 0;
	xmlDocPtr dom;
	struct stat st;
	int outlen, r;

	if (a->in_place && lstat(a->domain, &st) == 0 && !S_ISREG(st.st_mode)) {
		log_error("domain file %s is %s; --in-place replaces only a regular file%s",
			  a->domain, S_ISLNK(st.st_mode) ? "a symbolic link" : "not a regular file",
			  S_ISLNK(st.st_mode) ? ", give the file it points to" : "");
		free(owned);
		return EXIT_FAIL;
	}
	r = read_file(a->domain, 64u << 20, &text, &len);
	if (r < 0) {
		log_read_error(r, len, "domain file", a->domain);
		free(owned);
		return EXIT_FAIL;
	}
	dom = domain_parse(text, len, a->domain, &err);
	if (!dom) {
		log_error("domain file %s is not XML: %s; it was not changed", a->domain, err);
		free(owned);
		return EXIT_FAIL;
	}
	for (size_t i = 0; i < ctx->pool.n; i++)
		if (ctx->pool.ns[i].devpath)
			owned[n_owned++] = ctx->pool.ns[i].devpath;
	r = domain_add_nvdimms(dom, devs, n, owned, n_owned, &err);
	free(owned);
	if (r < 0) {
		log_error("domain file %s: %s; it was not changed", a->domain, err);
		xmlFreeDoc(dom);
		return EXIT_FAIL;
	}
	domain_record_claim(dom, state_find_claim(&ctx->state, a->instance));
	out = domain_format(dom, &outlen);
	xmlFreeDoc(dom);
	if (!out) {
		log_error("out of memory");
		return EXIT_FAIL;
	}
	if (a->in_place) {
		r = domain_write_file(a->domain, out, outlen);
		if (r < 0)
			log_error("cannot write domain file %s: %s; it was not changed", a->domain,
				  strerror(-r));
		else
			log_info("%s now holds %zu nvdimm device%s of %s", a->domain, n,
				 n == 1 ? "" : "s", a->instance);
		r = r < 0 ? EXIT_FAIL : EXIT_OK;
	} else {
		r = fwrite(out, 1, (size_t)outlen, stdout) == (size_t)outlen &&
		    fflush(stdout) == 0 ? EXIT_OK : EXIT_FAIL;
	}
	xmlFree(out);
	return r;
}

int cmd_render_xml(int argc, char **argv, struct common_opts *co)
{
	struct render_args a = { .co = co };
	struct nvdimm *devs = NULL;
	struct vpm_ctx ctx;
	size_t n = 0;
	int r;

	argp_parse(&argp, argc, argv, 0, NULL, &a);
	r = ctx_open(&ctx, co, CTX_READ);
	if (r == EXIT_OK)
		r = claim_devices(&ctx, a.instance, a.guest_node, &devs, &n);
	if (r == EXIT_OK)
		r = a.domain ? render_domain(&a, &ctx, devs, n) : print_elements(devs, n);
	free(devs);
	ctx_close(&ctx);
	return r;
}
