/* SPDX-License-Identifier: MIT */
/* verify's report, as the Monitoring Plugins guidelines want it: one status
 * line with performance data, then the findings as a table; or the same as
 * one JSON document. The UNKNOWN report (usage error, timeout, nothing
 * could be told) has the same shape, with nothing but the status line. */
#ifndef VPM_REPORT_H
#define VPM_REPORT_H

#include "checks.h"
#include "output.h"

/* The plugin statuses, which are verify's exit statuses. */
enum plugin_status { PLUGIN_OK, PLUGIN_WARNING, PLUGIN_CRITICAL, PLUGIN_UNKNOWN };

struct report {
	enum out_format format;         /* FMT_TABLE or FMT_JSON */
	bool quiet;                     /* table: nothing when OK and nothing changed */
	const struct thresholds *th;    /* their ranges in the performance data */
	const struct vpm_ctx *ctx;
	const struct findings *f;
	const struct strv *repaired, *dropped;
};

/* CRITICAL with an error, WARNING with a warning, else OK. */
enum plugin_status report_status(const struct findings *f);

/* Print the report of status on stdout: 0, or -EIO when stdout could not
 * take it. */
int report_emit(const struct report *r, enum plugin_status status);

/* The UNKNOWN report saying why, as it is printed (newline included),
 * malloc'd: made ahead when it is to be printed from a signal handler. */
char *report_unknown_text(enum out_format format, const char *why);

/* Print it: returns PLUGIN_UNKNOWN. */
enum plugin_status report_unknown(enum out_format format, const char *why);

#endif
