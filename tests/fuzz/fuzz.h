/* SPDX-License-Identifier: MIT */
/* What every harness shares: the input as a NUL-terminated string (the
 * parsers take C strings; a NUL inside the input simply ends it), and a
 * check that aborts, so that a broken invariant is a crash libFuzzer keeps. */
#ifndef VPM_FUZZ_H
#define VPM_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static inline char *fuzz_string(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#define FUZZ_CHECK(cond)                                                          \
	do {                                                                      \
		if (!(cond)) {                                                    \
			fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, \
				__LINE__, #cond);                                  \
			abort();                                                  \
		}                                                                 \
	} while (0)

#endif
