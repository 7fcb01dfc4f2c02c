/* SPDX-License-Identifier: MIT */
/* The common options, declared once and shared by every command as an argp
 * child, so that they are accepted before or after the subcommand; and what
 * every program does with them at start. */

#include "names.h"
#include "cmd.h"
#include "log.h"

#ifndef VPM_VERSION
#define VPM_VERSION "0"
#endif

const char *argp_program_version = "vpmemctl " VPM_VERSION;
const char *argp_program_bug_address = NULL;

enum {
	OPT_HOST_SNAPSHOT = 0x100,
	OPT_DEV_DIR,
	OPT_LOCK_TIMEOUT,
};

static const struct argp_option options[] = {
	{ "config", 'c', "FILE", 0,
	  "Configuration file (default " DEFAULT_CONFIG "; env VPMEMCTL_CONFIG)", 0 },
	{ "namespaces", 'N', "SPEC", 0,
	  "pmem_namespaces value, e.g. '6GB:ns0|ns1,LARGE:ns3'; overrides the file "
	  "(env VPMEMCTL_NAMESPACES)", 0 },
	{ "state-dir", 's', "DIR", 0,
	  "Where the state lives (default " DEFAULT_STATE_DIR "; env VPMEMCTL_STATE_DIR)", 0 },
	{ "host-snapshot", OPT_HOST_SNAPSHOT, "FILE", 0,
	  "Read the host from saved `ndctl list -X` JSON instead of libndctl "
	  "(env VPMEMCTL_HOST_SNAPSHOT)", 0 },
	{ "dev-dir", OPT_DEV_DIR, "DIR", 0,
	  "Where the character devices are (default " DEFAULT_DEV_DIR "; env VPMEMCTL_DEV_DIR)", 0 },
	{ "format", 'f', "FORMAT", 0,
	  "Output format: table (default), json, or what the command adds (inventory: placement)", 0 },
	{ "lock-timeout", OPT_LOCK_TIMEOUT, "SECONDS", 0,
	  "How long to wait for the state lock (default 10)", 0 },
	{ "quiet", 'q', NULL, 0, "Print only errors", 0 },
	{ "verbose", 'v', NULL, 0, "Print more; twice for debugging", 0 },
	{ NULL, 'h', NULL, 0, "Give this help list (as --help)", 0 },
	{ 0 }
};

static error_t parse(int key, char *arg, struct argp_state *state)
{
	struct common_opts *co = state->input;
	double secs;

	switch (key) {
	case 'c': co->config = arg; break;
	case 'N': co->namespaces = arg; break;
	case 's': co->state_dir = arg; break;
	case OPT_HOST_SNAPSHOT: co->host_snapshot = arg; break;
	case OPT_DEV_DIR: co->dev_dir = arg; break;
	case 'f': co->format = arg; break;
	case OPT_LOCK_TIMEOUT:
		if (parse_seconds(arg, &secs) < 0)
			argp_error(state, "--lock-timeout: '%s' is not a number of seconds", arg);
		co->lock_timeout = arg;
		break;
	case 'q': co->verbosity--; break;
	case 'v': co->verbosity++; break;
	/* what administrators type first; argp itself has only --help and -? */
	case 'h': argp_state_help(state, state->out_stream, ARGP_HELP_STD_HELP); break;
	default: return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

const struct argp common_argp = { options, parse, NULL, NULL, NULL, NULL, NULL };

const struct argp_child common_children[] = {
	{ &common_argp, 0, "Common options:", 1 },
	{ 0 }
};

void check_instance(struct argp_state *state, const char *instance)
{
	if (!instance)
		argp_error(state, "expected INSTANCE");
	if (!instance_valid(instance))
		argp_error(state, "invalid instance '%.300s': 1 to %d characters of "
			   "A-Z a-z 0-9 . _ : -", instance, INSTANCE_MAX);
}

void common_child_init(struct argp_state *state, struct common_opts *co)
{
	state->child_inputs[0] = co;
}

enum out_format common_check(struct argp_state *state, const struct common_opts *co,
			     unsigned allowed)
{
	enum out_format f = format_parse(co->format ? co->format : "table", allowed);

	if (!f)
		argp_error(state, "--format: '%s' is not one of: %s%s%s", co->format,
			   allowed & FMT_TABLE ? "table" : "", allowed & FMT_JSON ? ", json" : "",
			   allowed & FMT_PLACEMENT ? ", placement" : "");
	/* -q: errors only; -v: more; -vv: debugging. */
	log_set_level(co->verbosity < 0 ? LOG_LEVEL_ERROR : LOG_LEVEL_INFO + co->verbosity);
	return f;
}

int command_main(const char *name, int (*fn)(int argc, char **argv, struct common_opts *co),
		 int argc, char **argv)
{
	_cleanup_free_ char *display = xasprintf("vpmemctl %s", name);
	struct common_opts co = { 0 };

	log_elapsed_ms(); /* start the clock of -vv timings */
	argp_err_exit_status = EXIT_USAGE;
	/* The same messages whichever way the program was started: "vpmemctl
	 * claim: ...", as from vpmemctl claim. */
	argv[0] = display;
	return fn(argc, argv, &co);
}

char **command_argv(const char *path, const struct common_opts *co, char **args, int n)
{
	const struct {
		const char *option, *value;
	} given[] = {
		{ "--config", co->config },
		{ "--namespaces", co->namespaces },
		{ "--state-dir", co->state_dir },
		{ "--host-snapshot", co->host_snapshot },
		{ "--dev-dir", co->dev_dir },
		{ "--format", co->format },
		{ "--lock-timeout", co->lock_timeout },
	};
	int verbosity = co->verbosity < 0 ? -co->verbosity : co->verbosity;
	char **v = xreallocarray(NULL, 2 * ARRAY_SIZE(given) + (size_t)verbosity + (size_t)n + 2,
				 sizeof(*v));
	size_t k = 0;

	v[k++] = (char *)path;
	for (size_t i = 0; i < ARRAY_SIZE(given); i++) {
		if (given[i].value) {
			v[k++] = (char *)given[i].option;
			v[k++] = (char *)given[i].value;
		}
	}
	for (int i = 0; i < verbosity; i++)
		v[k++] = (char *)(co->verbosity < 0 ? "--quiet" : "--verbose");
	for (int i = 0; i < n; i++)
		v[k++] = args[i];
	v[k] = NULL;
	return v;
}
