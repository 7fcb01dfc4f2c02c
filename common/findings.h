/* SPDX-License-Identifier: MIT */
/* Problems found in configuration, host and state, each with a severity, a
 * stable code and its subject: commands log them, verify reports them. */
#ifndef VPM_FINDINGS_H
#define VPM_FINDINGS_H

#include <stdbool.h>
#include <stddef.h>

enum severity { SEV_WARNING, SEV_ERROR };

struct finding {
	enum severity severity;
	const char *code;       /* e.g. "host-missing"; static */
	char *subject;          /* what it is about: "6GB/ns0", "claim vm1", a file */
	char *message;          /* a whole sentence naming the subject, and what to do */
};

struct findings {
	struct finding *v;
	size_t n;
};

void findings_add(struct findings *f, enum severity sev, const char *code, const char *subject,
		  const char *fmt, ...) __attribute__((format(printf, 5, 6)));
size_t findings_count(const struct findings *f, enum severity sev);
bool findings_contains(const struct findings *f, const char *code, const char *needle);
const char *severity_name(enum severity sev);
void findings_clear(struct findings *f);

#endif
