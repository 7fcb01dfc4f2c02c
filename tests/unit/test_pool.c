/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "pool.h"
#include "state.h"
#include "tap.h"

static struct host_ns ns(const char *name, const char *dev, const char *mode,
			 const char *chardev, bool enabled)
{
	return (struct host_ns){
		.name = name ? xstrdup(name) : NULL, .dev = xstrdup(dev), .mode = xstrdup(mode),
		.chardev = chardev ? xstrdup(chardev) : NULL, .size = 1 << 30, .align = 2 << 20,
		.numa_node = 0, .enabled = enabled,
	};
}

static struct host make_host(void)
{
	struct host h = { .origin = xstrdup("test host") };

	h.ns = xcalloc(8, sizeof(*h.ns));
	h.ns[h.n++] = ns("ns0", "namespace0.0", "devdax", "dax0.0", true);
	h.ns[h.n++] = ns("ns1", "namespace0.1", "devdax", "dax0.1", true);
	h.ns[h.n++] = ns("ns2", "namespace0.2", "devdax", "dax0.2", true);
	h.ns[h.n++] = ns("ns3", "namespace1.0", "devdax", "dax1.0", true);
	h.ns[h.n++] = ns("fs", "namespace1.1", "fsdax", NULL, true);
	/* the kernel shows a disabled namespace as raw */
	h.ns[h.n++] = ns("off", "namespace1.2", "raw", NULL, false);
	h.ns[h.n++] = ns("nodev", "namespace1.3", "devdax", NULL, true);
	h.ns[h.n++] = ns(NULL, "namespace1.4", "devdax", "dax1.4", true);
	return h;
}

static bool contains(const struct findings *p, const char *needle)
{
	return findings_contains(p, NULL, needle);
}

static void test_nova_example(void)
{
	struct host h = make_host();
	struct pmem_conf c;
	struct findings p = { 0 };
	struct pool pool;
	const struct pool_rc *rc;

	pmem_conf_parse("6GB:ns0|ns1|ns2,LARGE:ns3", &c, &p);
	is_u64(pool_build(&c, &h, "/dev", &pool, &p), 0, "Nova's example resolves");
	is_u64(pool.n_rc, 2, "two resource classes");
	rc = pool_find_rc(&pool, "6GB");
	ok(rc && rc->total == 3 && rc->free == 3 && rc->used == 0 && rc->reserved == 0,
	   "6GB: total 3, all free");
	rc = pool_find_rc(&pool, "LARGE");
	ok(rc && rc->total == 1, "LARGE: total 1");
	is_str(pool.ns[3].devpath, "/dev/dax1.0", "device path from the dev directory");

	pool.ns[0].state = NS_CLAIMED;
	pool.ns[1].state = NS_QUARANTINED;
	pool_count(&pool);
	rc = pool_find_rc(&pool, "6GB");
	ok(rc->used == 1 && rc->reserved == 1 && rc->free == 1 && rc->total == 3,
	   "claimed counts as used, quarantined as reserved");
	pool_free(&pool);
	pmem_conf_free(&c);
	findings_clear(&p);
	host_free(&h);
}

static void test_problems(void)
{
	struct host h = make_host();
	struct pmem_conf c;
	struct findings p = { 0 };
	struct pool pool;

	pmem_conf_parse("A:nosuch|fs,B:off|nodev,C:ns0", &c, &p);
	is_u64(pool_build(&c, &h, "/dev", &pool, &p), 4, "every host problem is reported");
	ok(contains(&p, "label 'A', namespace 'nosuch': not found on the host (test host)"),
	   "absent namespace named with its label");
	ok(contains(&p, "label 'A', namespace 'fs' (namespace1.1): mode is fsdax, not devdax"),
	   "not devdax");
	ok(contains(&p, "label 'B', namespace 'off' (namespace1.2): disabled"), "disabled");
	ok(contains(&p, "label 'B', namespace 'nodev' (namespace1.3): no character device"),
	   "no character device");
	pool_free(&pool);
	pmem_conf_free(&c);
	findings_clear(&p);

	free(h.ns[1].name);
	h.ns[1].name = xstrdup("ns0");
	pmem_conf_parse("A:ns0", &c, &p);
	is_u64(pool_build(&c, &h, "/dev", &pool, &p), 1, "a name carried by two namespaces");
	ok(contains(&p, "2 namespaces on the host carry this name"), "is reported as ambiguous");
	pool_free(&pool);
	pmem_conf_free(&c);
	findings_clear(&p);
	host_free(&h);
}

/* DIMM dev of that health under host namespace k; its index. */
static size_t on_dimm(struct host *h, size_t k, const char *dev, enum dimm_health health)
{
	size_t d = host_dimm_index(h, dev);

	h->dimms[d].health = health;
	host_ns_add_dimm(&h->ns[k], d);
	return d;
}

static void bad_blocks(struct host_ns *ns, uint64_t offset, uint64_t length)
{
	ns->badblocks_known = true;
	host_ns_add_bb(ns, &(struct host_bb){ .offset = offset, .length = length });
}

static void test_media(void)
{
	struct host h = make_host();
	struct pmem_conf c;
	struct findings p = { 0 };
	struct pool pool;
	const struct pool_rc *rc;

	bad_blocks(&h.ns[0], 8, 1);
	bad_blocks(&h.ns[0], 100, 2);
	on_dimm(&h, 1, "nmem1", DIMM_HEALTH_CRITICAL);
	on_dimm(&h, 2, "nmem2", DIMM_HEALTH_FATAL);
	on_dimm(&h, 3, "nmem3", DIMM_HEALTH_NON_CRITICAL);
	on_dimm(&h, 3, "nmem0", DIMM_HEALTH_OK);
	on_dimm(&h, 7, "nmem3", DIMM_HEALTH_NON_CRITICAL);
	h.ns[7].badblocks = 5; /* the host could not say: not used */
	host_link_health(&h);
	free(h.ns[7].name);
	h.ns[7].name = xstrdup("ns7");

	pmem_conf_parse("A:ns0|ns1|ns2|ns3|ns7", &c, &p);
	is_u64(pool_build(&c, &h, "/dev", &pool, &p), 3, "bad blocks and two failing DIMMs: "
	       "three findings");
	is_str(pool.ns[0].media, "bad-blocks", "a namespace with bad blocks: media bad-blocks");
	ok(pool.ns[0].host == &h.ns[0] && pool.ns[0].problem == NULL,
	   "its host namespace is kept, and it is no host problem");
	is_str(pool.ns[0].devpath, "/dev/dax0.0", "and its device path");
	is_str(ns_state_name(&pool.ns[0]), "bad-blocks", "inventory shows it as bad-blocks");
	ok(findings_contains(&p, "media-bad-blocks",
			     "label 'A', namespace 'ns0' (namespace0.0): 3 known bad blocks "
			     "(512-byte sectors), the first at byte 4096"),
	   "media-bad-blocks: how many, where the first is");
	ok(findings_contains(&p, "media-bad-blocks", "ndctl clear-errors namespace0.0"),
	   "and the remedy");
	is_str(pool.ns[1].media, "dimm-failing", "a critical DIMM: dimm-failing");
	is_str(pool.ns[2].media, "dimm-failing", "a fatal DIMM: dimm-failing");
	ok(findings_contains(&p, "media-dimm-failing", "namespace 'ns1' (namespace0.1) is on a "
			     "failing DIMM (nmem1 in critical health)"),
	   "media-dimm-failing names the DIMM and its health");
	ok(findings_contains(&p, "media-dimm-failing", "(nmem2 in fatal health)"),
	   "fatal too");
	ok(pool.ns[3].media == NULL, "a non-critical DIMM is no media problem");
	ok(pool.ns[4].media == NULL, "bad blocks the host could not vouch for are not one");
	is_str(ns_state_name(&pool.ns[1]), "dimm-failing", "inventory shows dimm-failing");
	rc = pool_find_rc(&pool, "A");
	ok(rc->total == 5 && rc->reserved == 3 && rc->free == 2 && rc->used == 0,
	   "free ones on bad media count as reserved");

	pool.ns[0].state = NS_CLAIMED;
	pool.ns[0].instance = "vm1";
	pool.ns[1].state = NS_QUARANTINED;
	pool_count(&pool);
	ok(rc->used == 1 && rc->reserved == 2 && rc->free == 2,
	   "a claimed one with bad blocks counts as used");
	is_str(ns_state_name(&pool.ns[0]), "claimed", "and shows claimed: its guest keeps it");
	is_str(ns_state_name(&pool.ns[1]), "quarantined", "a quarantined one stays quarantined");
	pool_free(&pool);
	pmem_conf_free(&c);
	findings_clear(&p);
	host_free(&h);
}

static void test_record_shutdown(void)
{
	struct host h = make_host();
	struct pmem_conf c;
	struct findings p = { 0 };
	struct pool pool;
	const char *names[] = { "ns0", "ns3", "nosuch" }, *uuids[] = { NULL, NULL, NULL };
	const char *labels[] = { "A", "A", "A" };
	struct claim cl = claim_new("vm1", NULL, 3, names, uuids, labels);
	size_t d;

	d = on_dimm(&h, 0, "nmem0", DIMM_HEALTH_OK);
	h.dimms[d].id = xstrdup("8089-a2-1837-00000bb3");
	h.dimms[d].has_shutdown_count = true;
	h.dimms[d].shutdown_count = 3;
	d = on_dimm(&h, 0, "nmem1", DIMM_HEALTH_OK);
	h.dimms[d].has_shutdown_count = true;
	h.dimms[d].shutdown_count = 0;
	d = on_dimm(&h, 0, "nmem2", DIMM_HEALTH_OK);
	h.dimms[d].shutdown_count = 7; /* not known: has_shutdown_count false */
	on_dimm(&h, 3, "nmem2", DIMM_HEALTH_OK);
	host_link_health(&h);

	pmem_conf_parse("A:ns0|ns3|nosuch", &c, &p);
	pool_build(&c, &h, "/dev", &pool, &p);
	pool_record_shutdown(&cl, &pool, &h);
	is_u64(cl.ns[0].n_shutdown, 2, "counts recorded for the DIMMs that have one");
	ok(claim_ns_shutdown(&cl.ns[0], "8089-a2-1837-00000bb3") &&
	   claim_ns_shutdown(&cl.ns[0], "8089-a2-1837-00000bb3")->count == 3,
	   "keyed by the DIMM's id when it has one");
	ok(claim_ns_shutdown(&cl.ns[0], "nmem0") == NULL, "not by its name then");
	ok(claim_ns_shutdown(&cl.ns[0], "nmem1") && claim_ns_shutdown(&cl.ns[0], "nmem1")->count == 0,
	   "by its name without an id, a count of 0 kept");
	ok(claim_ns_shutdown(&cl.ns[0], "nmem2") == NULL, "none for a DIMM without a count");
	is_u64(cl.ns[1].n_shutdown, 0, "none for a namespace only on such a DIMM");
	is_u64(cl.ns[2].n_shutdown, 0, "none for a namespace the host does not have");

	h.dimms[0].shutdown_count = 4;
	pool_record_shutdown(&cl, &pool, &h);
	ok(cl.ns[0].n_shutdown == 2 &&
	   claim_ns_shutdown(&cl.ns[0], "8089-a2-1837-00000bb3")->count == 4,
	   "recording again updates the count, adds no entry");
	claim_clear(&cl);
	pool_free(&pool);
	pmem_conf_free(&c);
	findings_clear(&p);
	host_free(&h);
}

int main(void)
{
	test_nova_example();
	test_problems();
	test_media();
	test_record_shutdown();
	return tap_done();
}
