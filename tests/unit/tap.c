/* SPDX-License-Identifier: MIT */
#include "tap.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int run, failed;

static bool report(bool cond, const char *file, int line, const char *name)
{
	run++;
	printf("%sok %d - %s\n", cond ? "" : "not ", run, name);
	if (!cond) {
		failed++;
		printf("#   at %s:%d\n", file, line);
	}
	return cond;
}

bool tap_ok(bool cond, const char *file, int line, const char *fmt, ...)
{
	char name[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	return report(cond, file, line, name);
}

bool tap_is_str(const char *got, const char *want, const char *file, int line,
		const char *name)
{
	bool cond = got && want ? strcmp(got, want) == 0 : got == want;

	if (!report(cond, file, line, name))
		printf("#   got:  '%s'\n#   want: '%s'\n", got ? got : "(null)",
		       want ? want : "(null)");
	return cond;
}

bool tap_is_u64(uint64_t got, uint64_t want, const char *file, int line, const char *name)
{
	bool cond = got == want;

	if (!report(cond, file, line, name))
		printf("#   got:  %" PRIu64 "\n#   want: %" PRIu64 "\n", got, want);
	return cond;
}

int tap_done(void)
{
	printf("1..%d\n", run);
	return failed ? 1 : 0;
}
