/* SPDX-License-Identifier: MIT */
#include "findings.h"

#include <stdarg.h>
#include <string.h>

#include "util.h"

void findings_add(struct findings *f, enum severity sev, const char *code, const char *subject,
		  const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	f->v = xreallocarray(f->v, f->n + 1, sizeof(*f->v));
	f->v[f->n++] = (struct finding){
		.severity = sev, .code = code, .subject = xstrdup(subject), .message = msg,
	};
}

size_t findings_count(const struct findings *f, enum severity sev)
{
	size_t n = 0;

	for (size_t i = 0; i < f->n; i++)
		n += f->v[i].severity == sev;
	return n;
}

bool findings_contains(const struct findings *f, const char *code, const char *needle)
{
	for (size_t i = 0; i < f->n; i++)
		if ((!code || streq(f->v[i].code, code)) && strstr(f->v[i].message, needle))
			return true;
	return false;
}

const char *severity_name(enum severity sev)
{
	return sev == SEV_ERROR ? "error" : "warning";
}

void findings_clear(struct findings *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->v[i].subject);
		free(f->v[i].message);
	}
	free(f->v);
	*f = (struct findings){ 0 };
}
