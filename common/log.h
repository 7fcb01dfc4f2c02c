/* SPDX-License-Identifier: MIT */
/* The one way to report: "vpmemctl: message" on stderr. Commands log once,
 * with context, where they decide what to do about an error. */
#ifndef VPM_LOG_H
#define VPM_LOG_H

enum log_level { LOG_LEVEL_ERROR, LOG_LEVEL_WARN, LOG_LEVEL_INFO, LOG_LEVEL_DEBUG };

/* -q lowers, -v raises; errors are always shown. */
void log_set_level(int level);
int log_get_level(void);

void log_msg(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* One line to syslog (facility user) recording a change of who holds what:
 * claims and releases, with instance, namespaces and outcome. */
void log_audit(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Milliseconds since the program started, for -vv timings. */
double log_elapsed_ms(void);

/* Log fmt followed by ": " and the text of errno err (either sign), once, and
 * return -|err|: `return log_error_errno(r, "cannot open %s", path);`. */
int log_errno(enum log_level level, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define log_error(...) log_msg(LOG_LEVEL_ERROR, __VA_ARGS__)
#define log_error_errno(err, ...) log_errno(LOG_LEVEL_ERROR, (err), __VA_ARGS__)
#define log_warn_errno(err, ...) log_errno(LOG_LEVEL_WARN, (err), __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_LEVEL_WARN, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_LEVEL_DEBUG, __VA_ARGS__)

#endif
