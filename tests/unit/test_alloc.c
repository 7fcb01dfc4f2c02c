/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <string.h>

#include "alloc.h"
#include "tap.h"

static struct host host;
static struct pmem_conf conf;
static struct pool pool;

/* Six namespaces, ns0-2 on node 0, ns3-5 on node 1; bad (-1 for none) has
 * bad blocks. */
static void setup_bad(const char *spec, int bad)
{
	struct findings p = { 0 };

	host = (struct host){ .origin = xstrdup("t") };
	host.ns = xcalloc(6, sizeof(*host.ns));
	for (int i = 0; i < 6; i++) {
		host.ns[i] = (struct host_ns){
			.name = xasprintf("ns%d", i), .dev = xasprintf("namespace0.%d", i),
			.mode = xstrdup("devdax"), .chardev = xasprintf("dax0.%d", i),
			.size = 1 << 30, .align = 2 << 20, .numa_node = i >= 3, .enabled = true,
			.badblocks_known = true,
		};
	}
	host.n = 6;
	if (bad >= 0)
		host_ns_add_bb(&host.ns[bad], &(struct host_bb){ .offset = 0, .length = 1 });
	pmem_conf_parse(spec, &conf, &p);
	pool_build(&conf, &host, "/dev", &pool, &p);
	ok(p.n == (bad >= 0), bad >= 0 ? "set-up '%s': the one media finding" : "set-up '%s' is valid",
	   spec);
	findings_clear(&p);
}

static void setup(const char *spec)
{
	setup_bad(spec, -1);
}

static void teardown(void)
{
	pool_free(&pool);
	pmem_conf_free(&conf);
	host_free(&host);
}

static void test_alloc(void)
{
	struct pool_ns *picked[4];
	struct alloc_shortage s;
	char *req[] = { "A", "B", "A" };

	setup("A:ns0|ns1|ns3,B:ns2|ns4");
	ok(claim_alloc(&pool, req, 3, -1, picked, &s) == 0, "A,B,A can be had");
	ok(streq(picked[0]->name, "ns0") && streq(picked[1]->name, "ns2") &&
	   streq(picked[2]->name, "ns1"), "first free in configuration order, per label, in order");

	pool.ns[0].state = NS_CLAIMED;
	pool.ns[1].state = NS_QUARANTINED;
	pool_count(&pool);
	ok(claim_alloc(&pool, req, 1, -1, picked, &s) == 0 && streq(picked[0]->name, "ns3"),
	   "claimed and quarantined namespaces are skipped");
	ok(claim_alloc(&pool, req, 3, -1, picked, &s) == -ENOSPC, "A twice cannot be had now");
	ok(streq(s.label, "A") && s.wanted == 2 && s.total == 3 && s.free == 1,
	   "the shortage names the label, asked 2, has 3, 1 free");
	teardown();

	setup("A:ns0|ns1|ns3|ns4");
	ok(claim_alloc(&pool, req, 1, 1, picked, &s) == 0 && streq(picked[0]->name, "ns3"),
	   "--numa-node takes only namespaces on that node");
	char *two[] = { "A", "A", "A" };
	ok(claim_alloc(&pool, two, 3, 1, picked, &s) == -ENOSPC && s.free == 2 && s.wanted == 3,
	   "and counts only that node's free ones");
	teardown();
}

static void test_media(void)
{
	struct pool_ns *picked[2];
	struct alloc_shortage s;
	char *req[] = { "A", "A" };

	setup_bad("A:ns0|ns1|ns3", 0);
	ok(pool.ns[0].media != NULL, "ns0 has bad blocks");
	ok(claim_alloc(&pool, req, 2, -1, picked, &s) == 0 && streq(picked[0]->name, "ns1") &&
	   streq(picked[1]->name, "ns3"), "a namespace with bad blocks is passed by");
	ok(claim_alloc(&pool, req, 1, 0, picked, &s) == 0 && streq(picked[0]->name, "ns1"),
	   "on its NUMA node too");
	pool.ns[1].state = NS_CLAIMED;
	pool_count(&pool);
	ok(claim_alloc(&pool, req, 1, 0, picked, &s) == -ENOSPC && s.free == 0 && s.total == 3,
	   "and is not counted free when the node runs short");
	teardown();

	setup("A:ns0|ns1");
	pool.ns[0].media = "dimm-failing";
	pool_count(&pool);
	ok(claim_alloc(&pool, req, 1, -1, picked, &s) == 0 && streq(picked[0]->name, "ns1"),
	   "nor one on a failing DIMM");
	ok(claim_alloc(&pool, req, 2, -1, picked, &s) == -ENOSPC && s.free == 1 && s.wanted == 2,
	   "two cannot be had: one free");
	teardown();
}

int main(void)
{
	test_alloc();
	test_media();
	return tap_done();
}
