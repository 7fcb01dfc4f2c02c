/* SPDX-License-Identifier: MIT */
#include "report.h"

#include <errno.h>
#include <stdio.h>

#include "jsonout.h"

static const char *const status_name[] = { "OK", "WARNING", "CRITICAL", "UNKNOWN" };

/* The finding a one-line status should quote: the first error, else the
 * first warning. */
static const struct finding *worst(const struct findings *f)
{
	for (size_t i = 0; i < f->n; i++)
		if (f->v[i].severity == SEV_ERROR)
			return &f->v[i];
	return f->n ? &f->v[0] : NULL;
}

/* What the Monitoring Plugins guidelines call a threshold range: "N:"
 * alerts when the value is below N. Empty without a threshold. */
static const char *range(const struct threshold *v, size_t n, const char *label, char *buf,
			 size_t size)
{
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++)
		if ((!label && !v[i].label) || (label && v[i].label && streq(label, v[i].label)))
			snprintf(buf, size, "%lu:", v[i].below);
	return buf;
}

/* A perfdata label as the guidelines write it: in single quotes unless
 * plain (a space, '=' or a quote must be), a quote inside doubled. */
static char *perf_label(const char *prefix, const char *label)
{
	char *buf = NULL;
	size_t len = 0;
	bool plain = true;
	FILE *f;

	for (const char *c = label; *c && plain; c++)
		plain = (*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') ||
			(*c >= '0' && *c <= '9') || *c == '_' || *c == '.' || *c == '-';
	if (plain)
		return xasprintf("%s%s", prefix, label);
	f = open_memstream(&buf, &len);
	if (!f)
		oom();
	fprintf(f, "'%s", prefix);
	for (const char *c = label; *c; c++) {
		if (*c == '\'')
			fputc('\'', f);
		fputc(*c, f);
	}
	fputc('\'', f);
	if (fclose(f) != 0)
		oom();
	return buf;
}

/* 'label'=value;warn;crit;min;max for what could be read, never a zero for
 * what could not: the claims need the state, the free and quarantined
 * counts the host as well. */
static char *perfdata(const struct thresholds *th, const struct vpm_ctx *ctx)
{
	char *buf = NULL, w[32], c[32];
	size_t len = 0, free_all = 0, quarantined = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		oom();
	fprintf(f, "namespaces=%zu;;;0", ctx->pool.n);
	if (ctx->state_ok)
		fprintf(f, " claims=%zu;;;0", ctx->state.n_claims);
	if (ctx->state_ok && ctx->host_ok) {
		for (size_t i = 0; i < ctx->pool.n_rc; i++)
			free_all += ctx->pool.rc[i].free;
		for (size_t i = 0; i < ctx->pool.n; i++)
			quarantined += ctx->pool.ns[i].state == NS_QUARANTINED;
		fprintf(f, " free=%zu;%s;%s;0;%zu", free_all,
			range(th->warn, th->n_warn, NULL, w, sizeof(w)),
			range(th->crit, th->n_crit, NULL, c, sizeof(c)), ctx->pool.n);
		for (size_t i = 0; i < ctx->pool.n_rc; i++) {
			const struct pool_rc *rc = &ctx->pool.rc[i];
			_cleanup_free_ char *name = perf_label("free_", rc->label->label);

			fprintf(f, " %s=%zu;%s;%s;0;%zu", name, rc->free,
				range(th->warn, th->n_warn, rc->label->label, w, sizeof(w)),
				range(th->crit, th->n_crit, rc->label->label, c, sizeof(c)), rc->total);
		}
		fprintf(f, " quarantined=%zu;;;0;%zu", quarantined, ctx->pool.n);
	}
	if (fclose(f) != 0)
		oom();
	return buf;
}

static char *summary(enum plugin_status status, const struct thresholds *th,
		     const struct vpm_ctx *ctx, const struct findings *f)
{
	const struct finding *w = worst(f);
	_cleanup_free_ char *quoted = xstrdup(w ? w->message : "");
	_cleanup_free_ char *perf = perfdata(th, ctx);
	size_t errors = findings_count(f, SEV_ERROR), warnings = findings_count(f, SEV_WARNING);

	/* Nagios takes everything after the first '|' for performance data. */
	for (char *p = quoted; *p; p++)
		if (*p == '|')
			*p = '/';
	if (status == PLUGIN_OK)
		return xasprintf("VPMEMCTL OK - %zu namespace%s, %zu claim%s | %s", ctx->pool.n,
				 ctx->pool.n == 1 ? "" : "s", ctx->state.n_claims,
				 ctx->state.n_claims == 1 ? "" : "s", perf);
	return xasprintf("VPMEMCTL %s - %zu error%s, %zu warning%s: %s | %s",
			 status_name[status], errors, errors == 1 ? "" : "s", warnings,
			 warnings == 1 ? "" : "s", quoted, perf);
}

enum plugin_status report_status(const struct findings *f)
{
	return findings_count(f, SEV_ERROR) ? PLUGIN_CRITICAL
	       : findings_count(f, SEV_WARNING) ? PLUGIN_WARNING : PLUGIN_OK;
}

/* The JSON document: the status and its line, then (ctx NULL: verify could
 * not tell) nothing known, or the counts, findings and what was repaired
 * and dropped. Text and a newline, malloc'd. */
static char *document(enum plugin_status status, const char *line, const struct report *r)
{
	static const char *const lower[] = { "ok", "warning", "critical", "unknown" };
	const struct findings *f = r ? r->f : NULL;
	struct jw w;
	char *text, *doc;

	jw_init(&w, json_pretty(), 1024 + (f ? 512 * f->n : 0));
	jw_object(&w, NULL);
	jw_str(&w, "status", lower[status]);
	jw_str(&w, "summary", line);
	if (r) {
		jw_u64(&w, "namespaces", r->ctx->pool.n);
		if (r->ctx->state_ok)
			jw_u64(&w, "claims", r->ctx->state.n_claims);
		else
			jw_null(&w, "claims");
	}
	jw_array(&w, "findings");
	for (size_t i = 0; f && i < f->n; i++) {
		jw_object(&w, NULL);
		jw_str(&w, "severity", severity_name(f->v[i].severity));
		jw_str(&w, "code", f->v[i].code);
		jw_str(&w, "subject", f->v[i].subject);
		jw_str(&w, "message", f->v[i].message);
		jw_end(&w);
	}
	jw_end(&w);
	jw_array(&w, "repaired");
	for (size_t i = 0; r && i < r->repaired->n; i++)
		jw_str(&w, NULL, r->repaired->v[i]);
	jw_end(&w);
	jw_array(&w, "dropped");
	for (size_t i = 0; r && i < r->dropped->n; i++)
		jw_str(&w, NULL, r->dropped->v[i]);
	jw_end(&w);
	jw_end(&w);
	text = jw_take(&w);
	doc = xasprintf("%s\n", text);
	free(text);
	return doc;
}

static int print(const char *text)
{
	return fputs(text, stdout) == EOF || fflush(stdout) == EOF ? -EIO : 0;
}

int report_emit(const struct report *r, enum plugin_status status)
{
	_cleanup_free_ char *line = summary(status, r->th, r->ctx, r->f);
	const struct findings *f = r->f;

	if (r->format == FMT_JSON) {
		_cleanup_free_ char *doc = document(status, line, r);

		return print(doc);
	}
	/* -q: nothing at all when all is well, for cron. */
	if (status == PLUGIN_OK && r->quiet && !r->repaired->n && !r->dropped->n)
		return 0;
	puts(line);
	for (size_t i = 0; i < r->repaired->n; i++)
		printf("repaired: %s scrubbed and back in service\n", r->repaired->v[i]);
	for (size_t i = 0; i < r->dropped->n; i++)
		printf("dropped: %s quarantine entry (neither on the host nor configured)\n",
		       r->dropped->v[i]);
	if (f->n) {
		static const char *const headers[] = { "SEVERITY", "CODE", "SUBJECT", "MESSAGE" };
		struct table *t = table_new(ARRAY_SIZE(headers), headers);

		for (size_t i = 0; i < f->n; i++)
			table_add(t, severity_name(f->v[i].severity), f->v[i].code, f->v[i].subject,
				  f->v[i].message);
		table_print(t, stdout);
		table_free(t);
	}
	return fflush(stdout) == EOF ? -EIO : 0;
}

char *report_unknown_text(enum out_format format, const char *why)
{
	_cleanup_free_ char *line = xasprintf("VPMEMCTL UNKNOWN - %s", why);

	return format == FMT_JSON ? document(PLUGIN_UNKNOWN, line, NULL)
	       : xasprintf("%s\n", line);
}

enum plugin_status report_unknown(enum out_format format, const char *why)
{
	_cleanup_free_ char *text = report_unknown_text(format, why);

	(void)print(text);
	return PLUGIN_UNKNOWN;
}
