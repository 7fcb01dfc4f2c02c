/* SPDX-License-Identifier: MIT */
/* vpmemctl: the common options, then COMMAND, which runs as its own program
 * vpmemctl-COMMAND in this process's place, as git runs its dashed
 * commands. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "log.h"

/* Where the programs are installed, and where meson builds them. */
#ifndef VPM_EXEC_DIR
#define VPM_EXEC_DIR "/usr/sbin"
#endif
#ifndef VPM_BUILD_DIR
#define VPM_BUILD_DIR ""
#endif

struct command {
	const char *name;
	const char *summary;
};

static const struct command commands[] = {
	{ "inventory", "show vPMEM resource classes and namespaces" },
	{ "claim", "give a guest one free namespace per label" },
	{ "release", "zero a guest's namespaces and free them" },
	{ "render-xml", "libvirt nvdimm devices of a claim, or a domain with them" },
	{ "verify", "check configuration, host, state and domains (Nagios plugin)" },
	{ "adopt", "record the claim of a guest that already uses namespaces" },
};

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (streq(commands[i].name, name))
			return &commands[i];
	return NULL;
}

/* Edit distance (insertions, deletions, substitutions, and a swap of two
 * neighbours) between two short words; names longer than 63 are far. */
static size_t distance(const char *a, const char *b)
{
	size_t n = strlen(a), m = strlen(b), d[64][64];

	if (n > 63 || m > 63)
		return SIZE_MAX;
	for (size_t i = 0; i <= n; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= m; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= n; i++) {
		for (size_t j = 1; j <= m; j++) {
			size_t best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);

			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	}
	return d[n][m];
}

/* The command a mistyped name most likely meant: the closest within two
 * edits, or the only one it begins. NULL when none is close. */
static const struct command *closest_command(const char *name)
{
	const struct command *best = NULL, *prefixed = NULL;
	size_t best_d = 3, n_prefixed = 0;

	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		size_t d = distance(name, commands[i].name);

		if (d < best_d) {
			best_d = d;
			best = &commands[i];
		}
		if (*name && strncmp(commands[i].name, name, strlen(name)) == 0) {
			prefixed = &commands[i];
			n_prefixed++;
		}
	}
	return best ? best : n_prefixed == 1 ? prefixed : NULL;
}

struct top_args {
	struct common_opts *co;
	int cmd_index;
};

static error_t top_parse(int key, char *arg, struct argp_state *state)
{
	struct top_args *t = state->input;

	(void)arg;
	switch (key) {
	case ARGP_KEY_INIT:
		common_child_init(state, t->co);
		break;
	case ARGP_KEY_ARG:
		/* The subcommand: stop here and leave the rest to it, so that
		 * its own options after it are not taken for ours. */
		t->cmd_index = state->next - 1;
		state->next = state->argc;
		break;
	case ARGP_KEY_END:
		if (!t->cmd_index)
			argp_error(state, "no command given");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static char *top_help(int key, const char *text, void *input)
{
	(void)input;
	if (key == ARGP_KEY_HELP_POST_DOC) {
		char *s = xstrdup("Commands:\n");

		for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
			char *n = xasprintf("%s  %-12s %s\n", s, commands[i].name,
					    commands[i].summary);

			free(s);
			s = n;
		}
		char *n = xasprintf("%s\n'vpmemctl help COMMAND' (or 'vpmemctl COMMAND --help') "
				    "describes a command.", s);

		free(s);
		return n;
	}
	return (char *)text;
}

static const struct argp_child top_children[] = {
	{ &common_argp, 0, "Common options:", 1 },
	{ 0 }
};

static const struct argp top_argp = {
	NULL, top_parse, "COMMAND [ARG...]",
	"Manage virtual persistent memory (devdax namespaces) for libvirt/KVM guests.\v",
	top_children, top_help, NULL
};

/* The subcommand, found before parsing: the first word that is neither an
 * option nor the value of a common option that takes one. */
static const char *first_word(int argc, char **argv)
{
	static const char *const with_value[] = {
		"-c", "--config", "-N", "--namespaces", "-s", "--state-dir", "--host-snapshot",
		"--dev-dir", "-f", "--format", "--lock-timeout",
	};

	for (int i = 1; i < argc; i++) {
		bool takes = false;

		if (streq(argv[i], "--"))
			return i + 1 < argc ? argv[i + 1] : NULL;
		if (argv[i][0] != '-')
			return argv[i];
		for (size_t k = 0; k < ARRAY_SIZE(with_value); k++)
			takes |= streq(argv[i], with_value[k]);
		i += takes;
	}
	return NULL;
}

/* Whether this is the vpmemctl that meson built, which runs the programs
 * built beside it rather than the installed ones. The path, not a stat of
 * /proc/self/exe: under valgrind that is valgrind itself. */
static bool in_build_tree(void)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	struct stat self, built;

	if (n <= 0 || !VPM_BUILD_DIR[0])
		return false;
	exe[n] = '\0';
	return stat(exe, &self) == 0 && stat(VPM_BUILD_DIR "/vpmemctl", &built) == 0 &&
	       self.st_dev == built.st_dev && self.st_ino == built.st_ino;
}

static const char *exec_dir(void)
{
	const char *dir = getenv("VPMEMCTL_EXEC_PATH");

	if (dir && dir[0])
		return dir;
	return in_build_tree() ? VPM_BUILD_DIR : VPM_EXEC_DIR;
}

/* verify's monitoring system reads stdout: an error before the verify
 * program runs (in the options before it, or running it) is UNKNOWN there
 * too. Not called when execv succeeds. */
static void verify_unknown(int status, void *arg)
{
	(void)arg;
	if (status != 0)
		printf("VPMEMCTL UNKNOWN - vpmemctl could not run verify (see standard error)\n");
}

int main(int argc, char **argv)
{
	struct common_opts co = { 0 };
	struct top_args top = { .co = &co };
	const struct command *c;

	/* verify is a Nagios plugin: what keeps it from running is UNKNOWN
	 * (3), usage errors in the options before it included. */
	bool nagios = streq(first_word(argc, argv), "verify");

	argp_err_exit_status = nagios ? 3 : EXIT_USAGE;
	if (nagios)
		on_exit(verify_unknown, NULL);
	/* getopt names the program by argv[0] in its messages: "vpmemctl:",
	 * however it was called. */
	argv[0] = (char *)"vpmemctl";
	argp_parse(&top_argp, argc, argv, ARGP_IN_ORDER, NULL, &top);
	const char *name = argv[top.cmd_index];
	char **rest = argv + top.cmd_index + 1;
	int n_rest = argc - top.cmd_index - 1;
	char *help_args[] = { (char *)"--help", NULL };

	/* vpmemctl help [COMMAND]: the help of vpmemctl, or that of COMMAND */
	if (streq(name, "help")) {
		if (n_rest == 0 || streq(rest[0], "help")) {
			argp_help(&top_argp, stdout, ARGP_HELP_STD_HELP, argv[0]);
			return EXIT_OK;
		}
		if (n_rest > 1) {
			log_error("help takes one command, as in 'vpmemctl help claim'");
			return EXIT_USAGE;
		}
		name = rest[0];
		rest = help_args;
		n_rest = 1;
	}
	c = find_command(name);
	if (!c) {
		const struct command *near = closest_command(name);

		if (near)
			log_error("unknown command '%s'; did you mean '%s'? ('vpmemctl --help' lists "
				  "the commands)", name, near->name);
		else
			log_error("unknown command '%s'; try 'vpmemctl --help'", name);
		return nagios ? 3 : EXIT_USAGE;
	}

	_cleanup_free_ char *path = xasprintf("%s/vpmemctl-%s", exec_dir(), c->name);
	_cleanup_free_ char **args = command_argv(path, &co, rest, n_rest);

	execv(path, args);
	log_error("cannot run %s: %s (VPMEMCTL_EXEC_PATH names the directory of the "
		  "vpmemctl-COMMAND programs)", path, strerror(errno));
	return nagios ? 3 : EXIT_FAIL;
}
