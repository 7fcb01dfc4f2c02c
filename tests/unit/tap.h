/* SPDX-License-Identifier: MIT */
/* A minimal TAP producer for the unit tests, run by `meson test`. */
#ifndef VPM_TAP_H
#define VPM_TAP_H

#include <stdbool.h>
#include <stdint.h>

bool tap_ok(bool cond, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
bool tap_is_str(const char *got, const char *want, const char *file, int line,
		const char *name);
bool tap_is_u64(uint64_t got, uint64_t want, const char *file, int line, const char *name);
int tap_done(void);

#define ok(cond, ...) tap_ok((cond), __FILE__, __LINE__, __VA_ARGS__)
#define is_str(got, want, name) tap_is_str((got), (want), __FILE__, __LINE__, (name))
#define is_u64(got, want, name) tap_is_u64((got), (want), __FILE__, __LINE__, (name))

#endif
