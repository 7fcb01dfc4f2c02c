/* SPDX-License-Identifier: MIT */
/* Bad blocks clipped to a namespace, and DIMM health: host_bb_clip at every
 * edge, against ndctl's own formula, and the health a namespace takes from
 * its DIMMs. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "host.h"
#include "tap.h"
#include "util.h"

#define MiB (1024ull * 1024)
#define R 0x100000000ull     /* the region's start */
#define D (R + 2 * MiB)      /* the device's data */
#define S (16 * MiB)         /* its size */
#define D_SEC ((D - R) >> 9) /* where the device starts, sectors from the region */
#define S_SEC (S >> 9)       /* its size in sectors */

/* host_bb_clip(R, off, len, D, S) gives offset and length. */
static void clip_is(uint64_t off, uint64_t len, uint64_t want_off, uint64_t want_len,
		    const char *name)
{
	struct host_bb bb = { 0 };
	bool met = host_bb_clip(R, off, len, D, S, &bb);

	if (!ok(met && bb.offset == want_off && bb.length == want_len, "%s", name))
		printf("#   met=%d offset=%llu length=%llu, want offset=%llu length=%llu\n", met,
		       (unsigned long long)bb.offset, (unsigned long long)bb.length,
		       (unsigned long long)want_off, (unsigned long long)want_len);
}

static void clip_misses(uint64_t region, uint64_t off, uint64_t len, uint64_t dev_start,
			uint64_t dev_size, const char *name)
{
	struct host_bb bb = { 0 };
	bool met = host_bb_clip(region, off, len, dev_start, dev_size, &bb);

	if (!ok(!met, "%s", name))
		printf("#   met: offset=%llu length=%llu\n", (unsigned long long)bb.offset,
		       (unsigned long long)bb.length);
}

static void test_edges(void)
{
	clip_is(D_SEC + 100, 8, 100, 8, "a run inside the device, relative to its start");
	clip_is(D_SEC, 1, 0, 1, "the device's first sector");
	clip_is(D_SEC + S_SEC - 1, 1, S_SEC - 1, 1, "the device's last sector");
	clip_misses(R, D_SEC - 8, 8, D, S, "a run ending exactly where the device starts is outside");
	clip_misses(R, D_SEC - 1, 1, D, S, "the sector just before the device is outside");
	clip_misses(R, D_SEC + S_SEC, 4, D, S, "a run starting exactly at its end is outside");
	clip_is(D_SEC - 6, 10, 0, 4, "a run straddling the start is clipped to offset 0");
	clip_is(D_SEC + S_SEC - 8, 20, S_SEC - 8, 8, "a run straddling the end is clipped to it");
	clip_is(0, D_SEC + S_SEC + 1000, 0, S_SEC, "a run covering the device and more: all of it");
	clip_is(D_SEC, S_SEC, 0, S_SEC, "a run exactly the device");
	clip_misses(R, D_SEC + 100, 0, D, S, "a run of length 0 is nothing");
	clip_misses(R, 0, 1, R, 0, "a device of size 0 meets nothing");
	clip_misses(R, 10, 4, R + 5 * 512, 5 * 512, "a run starting right after a device");
}

/* Inputs past 2^64: nothing wraps round onto the device. */
static void test_overflow(void)
{
	const uint64_t top = UINT64_MAX - MiB + 1; /* the last MiB of the address space */
	struct host_bb bb = { 0 };
	bool met;

	clip_misses(R, UINT64_MAX >> 9, 8, D, S, "offset UINT64_MAX>>9: past 2^64, not wrapped");
	clip_misses(R, UINT64_MAX, 8, D, S, "offset UINT64_MAX");
	/* R + off*512 is D again modulo 2^64 */
	clip_misses(R, (1ull << 55) + D_SEC, 8, D, S,
		    "an offset that wraps round to the device's start does not reach it");
	clip_misses(R, (UINT64_MAX - R) >> 9, UINT64_MAX, D, S,
		    "the last offset that fits, any length: beyond the device");
	clip_is(D_SEC + 10, UINT64_MAX, 10, S_SEC - 10, "length UINT64_MAX runs to the device's end");
	clip_is(D_SEC + 10, 1ull << 55, 10, S_SEC - 10,
		"length 2^55 (2^64 bytes, 0 if wrapped) runs to the device's end");
	clip_is(D_SEC - 1, (UINT64_MAX >> 9) + 1, 0, S_SEC, "length 2^55 from before the device");

	/* a device whose end wraps past 2^64 */
	met = host_bb_clip(0, top >> 9, 4, top, 2 * MiB, &bb);
	ok(met && bb.offset == 0 && bb.length == 4,
	   "a device at the top whose start+size wraps still holds a run at its start");
	met = host_bb_clip(0, (top >> 9) + 8, UINT64_MAX, top, UINT64_MAX, &bb);
	ok(met && bb.offset == 8 && bb.length > 0 && bb.length <= (MiB >> 9) - 8,
	   "a huge run on a huge device at the top: clipped below 2^64, not wrapped");
	clip_misses(0, 0, 8, top, 2 * MiB, "a run at 0 is not on a device at the top");
	clip_misses(UINT64_MAX, 1, 1, 0, UINT64_MAX, "region start UINT64_MAX, offset 1");
	met = host_bb_clip(UINT64_MAX - 511, 0, 1, 0, UINT64_MAX, &bb);
	ok(!met || (bb.offset == (UINT64_MAX - 511) >> 9 && bb.length <= 1),
	   "the last sector of the address space: no wrap");
}

static void test_sum(void)
{
	struct host_ns ns = { .numa_node = -1 };
	static const uint64_t runs[][2] = {
		{ D_SEC - 2, 4 },        /* 2 in it */
		{ D_SEC + 100, 8 },      /* 8 */
		{ D_SEC + 1000, 1 },     /* 1 */
		{ D_SEC + S_SEC, 50 },   /* outside */
		{ D_SEC + S_SEC - 3, 9 } /* 3 */
	};

	for (size_t i = 0; i < ARRAY_SIZE(runs); i++) {
		struct host_bb bb;

		if (host_bb_clip(R, runs[i][0], runs[i][1], D, S, &bb))
			host_ns_add_bb(&ns, &bb);
	}
	is_u64(ns.n_bb, 4, "the runs that meet the device are kept");
	is_u64(ns.badblocks, 14, "and their sectors summed");
	ok(ns.bb[0].offset == 0 && ns.bb[0].length == 2 && ns.bb[1].offset == 100 &&
	   ns.bb[3].offset == S_SEC - 3 && ns.bb[3].length == 3, "each kept as clipped, in order");
	host_ns_clear(&ns);
	ok(ns.bb == NULL && ns.n_bb == 0 && ns.badblocks == 0, "host_ns_clear forgets them");

	host_ns_add_bb(&ns, &(struct host_bb){ .offset = 0, .length = UINT64_MAX - 1 });
	host_ns_add_bb(&ns, &(struct host_bb){ .offset = 5, .length = 7 });
	is_u64(ns.badblocks, UINT64_MAX, "a sum past 2^64 stops at UINT64_MAX, not wrapped to a few");
	host_ns_clear(&ns);
}

/* ndctl's dev_badblocks_to_json (ndctl/json.c), inclusive ends, as it is. */
static bool ndctl_clip(uint64_t rb, uint64_t off, uint64_t len, uint64_t d0, uint64_t size,
		       struct host_bb *out)
{
	uint64_t b0 = rb + (off << 9);
	uint64_t b1 = b0 + (len << 9) - 1;
	uint64_t d1 = d0 + size - 1;
	uint64_t begin, end;

	if (b1 <= d0 || b0 >= d1)
		return false;
	begin = b0 > d0 ? b0 : d0;
	end = b1 < d1 ? b1 : d1;
	out->offset = (begin - d0) >> 9;
	out->length = (end - begin + 1) >> 9;
	return out->length > 0; /* ndctl would print an empty run; none here */
}

static uint64_t lcg_state = 0x2545f4914f6cdd1dull;

static uint64_t lcg(void)
{
	lcg_state = lcg_state * 6364136223846793005ull + 1442695040888963407ull;
	return lcg_state >> 33; /* the high bits: 31 of them */
}

/* Sector-aligned regions, devices and runs where ndctl's arithmetic does not
 * wrap, the runs mostly near the device's edges: both must agree. */
static void test_oracle(void)
{
	size_t n = 1000, agree = 0, met = 0, missed = 0, clipped = 0, shown = 0;

	for (size_t i = 0; i < n; i++) {
		uint64_t rb = R + (lcg() % (1u << 20)) * 512;
		uint64_t dsec = lcg() % 4096;            /* device start, sectors into the region */
		uint64_t ssec = 1 + lcg() % 8192;        /* device size, sectors */
		uint64_t off, len;
		struct host_bb a = { 0 }, b = { 0 };
		bool ma, mb;

		switch (lcg() % 4) {
		case 0:  off = lcg() % (dsec + ssec + 64); break;             /* anywhere */
		case 1:  off = dsec + lcg() % 17; off = off >= 8 ? off - 8 : 0; break; /* its start */
		case 2:  off = dsec + ssec + lcg() % 17; off = off >= 8 ? off - 8 : 0; break; /* its end */
		default: off = dsec + lcg() % ssec; break;                    /* inside */
		}
		len = lcg() % 3 ? 1 + lcg() % 16 : 1 + lcg() % (2 * ssec + 64);
		ma = host_bb_clip(rb, off, len, rb + dsec * 512, ssec * 512, &a);
		mb = ndctl_clip(rb, off, len, rb + dsec * 512, ssec * 512, &b);
		if (ma == mb && (!ma || (a.offset == b.offset && a.length == b.length)))
			agree++;
		else if (shown++ < 5)
			printf("# differ: region %#llx off %llu len %llu dev +%llu size %llu: "
			       "%d %llu+%llu, ndctl %d %llu+%llu\n", (unsigned long long)rb,
			       (unsigned long long)off, (unsigned long long)len,
			       (unsigned long long)dsec, (unsigned long long)ssec, ma,
			       (unsigned long long)a.offset, (unsigned long long)a.length, mb,
			       (unsigned long long)b.offset, (unsigned long long)b.length);
		if (!mb)
			missed++;
		else if (b.length < len)
			clipped++;
		else
			met++;
	}
	is_u64(agree, n, "host_bb_clip agrees with ndctl's formula on 1000 random runs");
	ok(met > 100 && missed > 100 && clipped > 100,
	   "of which some inside (%zu), some outside (%zu), some clipped (%zu)", met, missed,
	   clipped);
}

static void test_health_order(void)
{
#define U DIMM_HEALTH_UNKNOWN
#define O DIMM_HEALTH_OK
#define N DIMM_HEALTH_NON_CRITICAL
#define C DIMM_HEALTH_CRITICAL
#define F DIMM_HEALTH_FATAL
	static const enum dimm_health all[] = { U, O, N, C, F };
	/* worst[a][b], indexed by the enum's values */
	static const enum dimm_health worst[5][5] = {
		[U] = { [U] = U, [O] = U, [N] = N, [C] = C, [F] = F },
		[O] = { [U] = U, [O] = O, [N] = N, [C] = C, [F] = F },
		[N] = { [U] = N, [O] = N, [N] = N, [C] = C, [F] = F },
		[C] = { [U] = C, [O] = C, [N] = C, [C] = C, [F] = F },
		[F] = { [U] = F, [O] = F, [N] = F, [C] = F, [F] = F },
	};
#undef U
#undef O
#undef N
#undef C
#undef F
	bool same = true;

	for (size_t i = 0; i < ARRAY_SIZE(all); i++)
		for (size_t k = 0; k < ARRAY_SIZE(all); k++)
			if (dimm_health_worst(all[i], all[k]) != worst[all[i]][all[k]]) {
				printf("# worst(%s, %s) = %s\n", dimm_health_name(all[i]),
				       dimm_health_name(all[k]),
				       dimm_health_name(dimm_health_worst(all[i], all[k])));
				same = false;
			}
	ok(same, "dimm_health_worst: ok < unknown < non-critical < critical < fatal, both ways");
	is_str(dimm_health_name(DIMM_HEALTH_UNKNOWN), "unknown", "name of unknown");
	is_str(dimm_health_name(DIMM_HEALTH_OK), "ok", "name of ok");
	is_str(dimm_health_name(DIMM_HEALTH_NON_CRITICAL), "non-critical", "name of non-critical");
	is_str(dimm_health_name(DIMM_HEALTH_CRITICAL), "critical", "name of critical");
	is_str(dimm_health_name(DIMM_HEALTH_FATAL), "fatal", "name of fatal");
	is_str(dimm_health_name((enum dimm_health)42), "unknown", "a value out of range: unknown");
}

static void test_link_health(void)
{
	struct host h = { 0 };
	size_t d0, d1, d2, again;

	h.ns = xcalloc(4, sizeof(*h.ns));
	for (size_t i = 0; i < 4; i++)
		h.ns[i] = (struct host_ns){ .dev = xasprintf("namespace0.%zu", i), .numa_node = -1 };
	h.n = 4;
	d0 = host_dimm_index(&h, "nmem0");
	d1 = host_dimm_index(&h, "nmem1");
	d2 = host_dimm_index(&h, "nmem2");
	again = host_dimm_index(&h, "nmem1");
	ok(d0 == 0 && d1 == 1 && d2 == 2 && again == 1 && h.n_dimms == 3,
	   "host_dimm_index adds a DIMM once, and finds it again");
	ok(h.dimms[2].health == DIMM_HEALTH_UNKNOWN && h.dimms[2].id == NULL,
	   "a DIMM added by name has unknown health and no id");
	h.dimms[d0].health = DIMM_HEALTH_OK;
	h.dimms[d1].health = DIMM_HEALTH_CRITICAL;
	host_ns_add_dimm(&h.ns[0], d0);
	host_ns_add_dimm(&h.ns[0], d1);
	host_ns_add_dimm(&h.ns[0], d0);
	is_u64(h.ns[0].n_dimm, 2, "host_ns_add_dimm keeps each DIMM once");
	host_ns_add_dimm(&h.ns[1], d0);
	host_ns_add_dimm(&h.ns[1], d2);
	host_ns_add_dimm(&h.ns[2], d0);
	h.ns[3].health = DIMM_HEALTH_FATAL; /* stale: recomputed */
	host_link_health(&h);
	is_str(dimm_health_name(h.ns[0].health), "critical", "ok + critical: critical");
	is_str(dimm_health_name(h.ns[1].health), "unknown", "ok + unknown: unknown");
	is_str(dimm_health_name(h.ns[2].health), "ok", "ok alone: ok");
	is_str(dimm_health_name(h.ns[3].health), "unknown", "no DIMMs: unknown");

	h.dimms[d1].id = xstrdup("8089-a2-1837-00000bb3");
	is_str(host_dimm_key(&h.dimms[d1]), "8089-a2-1837-00000bb3", "a DIMM's key is its id");
	is_str(host_dimm_key(&h.dimms[d0]), "nmem0", "else its name");
	host_free(&h);
	ok(h.n_dimms == 0 && h.dimms == NULL, "host_free forgets the DIMMs");
}

int main(void)
{
	test_edges();
	test_overflow();
	test_sum();
	test_oracle();
	test_health_order();
	test_link_health();
	return tap_done();
}
