/* SPDX-License-Identifier: MIT */
/* The common options, declared once and shared by every command as an argp
 * child, so that they are accepted before or after the subcommand. */
#include <string.h>

#include "alloc.h"
#include "cmd.h"
#include "log.h"

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
