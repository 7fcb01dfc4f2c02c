/* SPDX-License-Identifier: MIT */
/* The zeroing loops: each length a scrub can give them (a multiple of 64,
 * here from none to 64 lines) is zeroed whole, and not a byte beyond it. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scrub.h"
#include "tap.h"

enum { GUARD = 256, MAX = 64 * 64 };

/* Fill dst with a pattern, zero len bytes after the first guard, then check
 * the guards kept the pattern and the zeroed part holds nothing else. */
static bool zeroes_exactly(void (*zero)(void *, size_t), unsigned char *buf, size_t len)
{
	memset(buf, 0xa5, GUARD + MAX + GUARD);
	zero(buf + GUARD, len);
	for (size_t i = 0; i < GUARD + MAX + GUARD; i++) {
		bool inside = i >= GUARD && i < GUARD + len;

		if (buf[i] != (inside ? 0 : 0xa5))
			return false;
	}
	return true;
}

static void test_loop(const char *name, void (*zero)(void *, size_t))
{
	unsigned char *buf = aligned_alloc(64, GUARD + MAX + GUARD);
	unsigned bad = 0, first_bad = 0;

	if (!ok(buf != NULL, "room for the test of %s", name))
		return;
	for (size_t len = 0; len <= MAX; len += 64)
		if (!zeroes_exactly(zero, buf, len) && bad++ == 0)
			first_bad = (unsigned)len;
	ok(bad == 0, "%s zeroes each length 0..%d in steps of 64, nothing beyond "
	   "(%u wrong, the first at %u bytes)", name, MAX, bad, first_bad);
	free(buf);
}

int main(void)
{
	test_loop("zero_nt", zero_nt);
#if defined(__x86_64__)
	test_loop("the SSE2 loop", zero_nt_sse2);
	if (__builtin_cpu_supports("avx"))
		test_loop("the AVX loop", zero_nt_avx);
	else
		ok(true, "# SKIP the AVX loop: this CPU has no AVX");
#endif
	return tap_done();
}
