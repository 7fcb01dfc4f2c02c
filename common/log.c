/* SPDX-License-Identifier: MIT */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
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

void log_msg(enum log_level level, const char *fmt, ...)
{
	static const char *const tag[] = { "", "warning: ", "", "debug: " };
	va_list ap;

	if ((int)level > current)
		return;
	va_start(ap, fmt);
	fprintf(stderr, "vpmemctl: %s", tag[level]);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
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
