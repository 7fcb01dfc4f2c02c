/* SPDX-License-Identifier: MIT */
#include "log.h"

#include <pwd.h>
#include <stdarg.h>
#include <stdlib.h>
#include <time.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

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

/* Who ran the command, for the audit trail: the user sudo was run by (as
 * root only: anyone may set SUDO_USER), else the login user, which the
 * kernel keeps across su, else the real user. */
static void invoker(char *buf, size_t size)
{
	const char *sudo = getenv("SUDO_USER");
	unsigned long uid = getuid();
	FILE *f;

	if (getuid() == 0 && sudo && *sudo) {
		snprintf(buf, size, "%s", sudo);
		return;
	}
	f = fopen("/proc/self/loginuid", "re");
	if (f) {
		char line[32], *end;
		unsigned long login;

		/* (uid_t)-1: no login user (a daemon, cron at boot) */
		if (fgets(line, sizeof(line), f)) {
			login = strtoul(line, &end, 10);
			if (end != line && login != 4294967295ul)
				uid = login;
		}
		fclose(f);
	}
	struct passwd *pw = getpwuid((uid_t)uid);

	if (pw)
		snprintf(buf, size, "%s", pw->pw_name);
	else
		snprintf(buf, size, "uid:%lu", uid);
}

void log_audit(const char *fmt, ...)
{
	char user[128], *text = NULL;
	va_list ap;
	int n;

	invoker(user, sizeof(user));
	va_start(ap, fmt);
	n = vasprintf(&text, fmt, ap);
	va_end(ap);
	openlog("vpmemctl", LOG_PID, LOG_USER);
	syslog(LOG_NOTICE, "%s user=%s", n < 0 ? fmt : text, user);
	closelog();
	free(text);
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
