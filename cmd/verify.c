/* SPDX-License-Identifier: MIT */
/* vpmemctl verify: do configuration, host and state (and libvirt's domains)
 * agree? A health check in the Nagios plugin convention. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "checks.h"
#include "cmd.h"
#include "log.h"
#include "names.h"
#include "repair.h"
#include "report.h"

struct verify_args {
	struct common_opts *co;
	const char *libvirt_dir;
	bool repair;
	struct strv acknowledge; /* instances whose dirty shutdowns are acknowledged */
	unsigned timeout;       /* seconds, 0: none */
	struct thresholds th;
	enum out_format format;
};

enum {
	OPT_LIBVIRT_DIR = 0x200, OPT_REPAIR, OPT_TIMEOUT, OPT_WARNING_FREE, OPT_CRITICAL_FREE,
	OPT_ACKNOWLEDGE_SHUTDOWN,
};

static const struct argp_option options[] = {
	{ "libvirt-dir", OPT_LIBVIRT_DIR, "DIR", 0,
	  "Also cross-check the domain XML files in DIR (e.g. /etc/libvirt/qemu)", 0 },
	{ "repair", OPT_REPAIR, NULL, 0,
	  "Retry the scrub of quarantined namespaces; drop entries of those gone from the "
	  "host and the configuration (nothing else is changed)", 0 },
	{ "acknowledge-shutdown", OPT_ACKNOWLEDGE_SHUTDOWN, "INSTANCE", 0,
	  "The guest's data was checked after a dirty shutdown: record its DIMMs' counts as "
	  "they are now (clears media-dirty-shutdown); repeatable", 0 },
	{ "timeout", OPT_TIMEOUT, "SECONDS", 0,
	  "UNKNOWN when the check takes longer than SECONDS (the lock wait included)", 0 },
	{ "warning-free", OPT_WARNING_FREE, "[LABEL:]N", 0,
	  "WARNING when fewer than N namespaces are free (of LABEL, or in all); repeatable", 0 },
	{ "critical-free", OPT_CRITICAL_FREE, "[LABEL:]N", 0,
	  "CRITICAL when fewer than N namespaces are free (of LABEL, or in all); repeatable", 0 },
	{ 0 }
};

/* A usage error of a monitoring plugin is UNKNOWN, with a status line on
 * stdout. While the options are parsed, stderr (where getopt and argp write)
 * is a stream that passes everything on and keeps the first line that is
 * not argp's "Try ..." hint; if parsing exits, that line is the status. */
static struct {
	FILE *real;
	char line[512];
	size_t len;
	bool done, parsed;
} usage;

static ssize_t usage_write(void *cookie, const char *buf, size_t size)
{
	(void)cookie;
	fwrite(buf, 1, size, usage.real);
	for (size_t i = 0; i < size && !usage.done; i++) {
		if (buf[i] != '\n') {
			if (usage.len < sizeof(usage.line) - 1)
				usage.line[usage.len++] = buf[i];
			continue;
		}
		usage.line[usage.len] = '\0';
		if (strncmp(usage.line, "Try `", 5) != 0)
			usage.done = true;
		else if (!usage.line[0] || !usage.done)
			usage.len = 0;
	}
	return (ssize_t)size;
}

static void usage_status(int status, void *arg)
{
	(void)arg;
	if (!usage.parsed && status != 0)
		printf("VPMEMCTL UNKNOWN - %s\n", usage.done ? usage.line : "usage error");
}

/* --warning-free/--critical-free [LABEL:]N */
static void parse_threshold(struct argp_state *state, const char *opt, const char *arg,
			    struct threshold *v, size_t *n)
{
	const char *colon = strrchr(arg, ':'), *num = colon ? colon + 1 : arg;
	int below;

	if (parse_int(num, 0, INT_MAX, &below) < 0 || *num == '-' || (colon && colon == arg))
		argp_error(state, "%s: '%s' is not [LABEL:]N with N a number of namespaces", opt,
			   arg);
	else if (*n == THRESHOLDS_MAX)
		argp_error(state, "%s: at most %d thresholds", opt, THRESHOLDS_MAX);
	else
		v[(*n)++] = (struct threshold){ colon ? xstrndup(arg, (size_t)(colon - arg)) : NULL,
						(unsigned long)below };
}

static error_t parse(int key, char *arg, struct argp_state *state)
{
	struct verify_args *a = state->input;

	switch (key) {
	case ARGP_KEY_INIT:
		common_child_init(state, a->co);
		break;
	case OPT_LIBVIRT_DIR: a->libvirt_dir = arg; break;
	case OPT_REPAIR: a->repair = true; break;
	case OPT_ACKNOWLEDGE_SHUTDOWN:
		if (!instance_valid(arg))
			argp_error(state, "--acknowledge-shutdown: '%s' is not an instance name", arg);
		strv_push(&a->acknowledge, xstrdup(arg));
		break;
	case OPT_TIMEOUT: {
		int t;

		if (parse_int(arg, 1, 86400, &t) < 0 || *arg == '-')
			argp_error(state, "--timeout: '%s' is not a number of seconds from 1 to 86400",
				   arg);
		a->timeout = (unsigned)t;
		break;
	}
	case OPT_WARNING_FREE:
		parse_threshold(state, "--warning-free", arg, a->th.warn, &a->th.n_warn);
		break;
	case OPT_CRITICAL_FREE:
		parse_threshold(state, "--critical-free", arg, a->th.crit, &a->th.n_crit);
		break;
	case ARGP_KEY_ARG:
		argp_error(state, "unexpected argument '%s'", arg);
		break;
	case ARGP_KEY_END:
		a->format = common_check(state, a->co, FMT_TABLE | FMT_JSON);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp argp = {
	options, parse, NULL,
	"Check configuration, host and state against each other and report every finding "
	"with a severity. Exit status as a Nagios plugin: 0 OK, 1 WARNING, 2 CRITICAL, "
	"3 UNKNOWN.",
	common_children, NULL, NULL
};

/* --timeout: what is printed when the time is up, made before it starts. */
static char *timeout_text;
static size_t timeout_len;

static void timed_out(int sig)
{
	(void)sig;
	(void)!write(STDOUT_FILENO, timeout_text, timeout_len);
	_exit(PLUGIN_UNKNOWN);
}

/* Anything not yet committed stays as it was: the state is replaced
 * atomically, and a quarantined namespace whose repair is cut short stays
 * quarantined. */
static void arm_timeout(const struct verify_args *a)
{
	struct sigaction sa = { .sa_handler = timed_out };
	_cleanup_free_ char *why = xasprintf("timed out after %u s (--timeout)", a->timeout);

	timeout_text = report_unknown_text(a->format, why);
	timeout_len = strlen(timeout_text);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	alarm(a->timeout);
}

/* Before the checks: the acknowledgements (all refused when one cannot be
 * made, repairs included), the repair. NULL, or why verify cannot tell. */
static const char *changes(const struct verify_args *a, struct vpm_ctx *ctx,
			   struct strv *repaired, struct strv *dropped)
{
	bool readable = ctx->state_ok && ctx->host_ok;

	if (a->acknowledge.n && !readable)
		return "the shutdown counts cannot be acknowledged: the host or the state cannot "
		       "be read";
	if (a->acknowledge.n && acknowledge_check(ctx, &a->acknowledge) != EXIT_OK)
		return "the shutdown counts could not be acknowledged";
	if (a->repair && readable && repair_quarantined(ctx, repaired, dropped) != EXIT_OK)
		return "the repaired state could not be written";
	if (a->acknowledge.n && acknowledge(ctx, &a->acknowledge) != EXIT_OK)
		return "the shutdown counts could not be acknowledged";
	return NULL;
}

/* Every check the context allows; NULL, or why verify cannot tell
 * (malloc'd in *buf). */
static const char *checks(const struct verify_args *a, const struct vpm_ctx *ctx,
			  struct findings *f, char **buf)
{
	bool readable = ctx->state_ok && ctx->host_ok;

	check_context(ctx, f);
	if (ctx->host_ok) {
		check_sizes(&ctx->pool, f);
		check_devices(&ctx->pool, f);
		check_dimms(ctx, f);
	}
	if (readable)
		check_claims(ctx, f);
	log_debug("checks done at %.1f ms", log_elapsed_ms());
	if (a->libvirt_dir && readable && check_libvirt(ctx, a->libvirt_dir, f) < 0)
		return *buf = xasprintf("cannot read %s", a->libvirt_dir);
	if (readable && check_thresholds(&a->th, ctx, f, buf) != EXIT_OK)
		return *buf;
	return NULL;
}

int cmd_verify(int argc, char **argv, struct common_opts *co)
{
	struct verify_args a = { .co = co };
	struct findings f = { 0 };
	struct strv repaired = { 0 }, dropped = { 0 };
	struct vpm_ctx ctx;
	_cleanup_free_ char *buf = NULL;
	const char *why;
	int r, status;

	argp_err_exit_status = PLUGIN_UNKNOWN;
	usage.real = stderr;
	stderr = fopencookie(NULL, "w", (cookie_io_functions_t){ .write = usage_write });
	if (!stderr)
		stderr = usage.real;
	setvbuf(stderr, NULL, _IONBF, 0);
	on_exit(usage_status, NULL);
	argp_parse(&argp, argc, argv, 0, NULL, &a);
	usage.parsed = true;
	if (stderr != usage.real) {
		fclose(stderr);
		stderr = usage.real;
	}
	if (a.timeout)
		arm_timeout(&a);
	r = ctx_load(&ctx, co, a.repair || a.acknowledge.n ? CTX_CHANGE : CTX_READ, &f);
	if (r != EXIT_OK) {
		status = report_unknown(a.format, r == EXIT_LOCKED ? "the state lock was not taken in "
					"time" : "the settings cannot be read");
		goto out;
	}
	why = changes(&a, &ctx, &repaired, &dropped);
	if (!why)
		why = checks(&a, &ctx, &f, &buf);
	if (why) {
		status = report_unknown(a.format, why);
		goto out;
	}
	status = report_status(&f);
	alarm(0); /* from here on, one status line */
	if (report_emit(&(struct report){ .format = a.format, .quiet = co->verbosity < 0,
					  .th = &a.th, .ctx = &ctx, .f = &f,
					  .repaired = &repaired, .dropped = &dropped }, status) < 0)
		status = PLUGIN_UNKNOWN;
out:
	alarm(0);
	free(timeout_text);
	for (size_t i = 0; i < a.th.n_warn; i++)
		free((char *)a.th.warn[i].label);
	for (size_t i = 0; i < a.th.n_crit; i++)
		free((char *)a.th.crit[i].label);
	strv_clear(&repaired);
	strv_clear(&dropped);
	strv_clear(&a.acknowledge);
	findings_clear(&f);
	ctx_close(&ctx);
	return status;
}
