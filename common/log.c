/* SPDX-License-Identifier: MIT */
#include "log.h"

#include <stdarg.h>
#include <time.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

static int current = LOG_LEVEL_INFO;

void log_set_level(int level)
{
	current = level < LOG_LEVEL_ERROR ? LOG_LEVEL_ERROR : level;
}

int log_get_level(void)
{
	return current;
}

static void log_v(enum log_level level, int err, const char *fmt, va_list ap)
{
	static const char *const tag[] = { "", "warning: ", "", "debug: " };
	char msg[2048];
	int len;

	if ((int)level > current)
		return;
	/* One write per message: lines of processes running at once (a
	 * script starting many claims) do not interleave. */
	len = snprintf(msg, sizeof(msg), "vpmemctl: %s", tag[level]);
	vsnprintf(msg + len, sizeof(msg) - (size_t)len - 1, fmt, ap);
	len = (int)strlen(msg);
	if (err)
		snprintf(msg + len, sizeof(msg) - (size_t)len - 1, ": %s", strerror(err));
	len = (int)strlen(msg);
	msg[len++] = '\n';
	fwrite(msg, 1, (size_t)len, stderr);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_v(level, 0, fmt, ap);
	va_end(ap);
}

int log_errno(enum log_level level, int err, const char *fmt, ...)
{
	va_list ap;

	err = err < 0 ? -err : err;
	va_start(ap, fmt);
	log_v(level, err, fmt, ap);
	va_end(ap);
	return -err;
}

void log_audit(const char *fmt, ...)
{
	va_list ap;

	openlog("vpmemctl", LOG_PID, LOG_USER);
	va_start(ap, fmt);
	vsyslog(LOG_NOTICE, fmt, ap);
	va_end(ap);
	closelog();
}

double log_elapsed_ms(void)
{
	struct timespec now;

	/* CPU time of the process would hide waits; the clock since exec is
	 * what a user waits for. The boot-relative start of this process is
	 * not at hand, so measure from the first call (made early in main). */
	static struct timespec start;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!start.tv_sec && !start.tv_nsec)
		start = now;
	return (double)(now.tv_sec - start.tv_sec) * 1e3 +
	       (double)(now.tv_nsec - start.tv_nsec) / 1e6;
}
