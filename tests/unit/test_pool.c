/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "pool.h"
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

int main(void)
{
	test_nova_example();
	test_problems();
	return tap_done();
}
