/* SPDX-License-Identifier: MIT */
/* vpmemctl: one binary, dispatched on its subcommand or on the name it was
 * called by (vpmemctl-inventory, ...). */
#include <errno.h>
#include <string.h>

#include "cmd.h"
#include "log.h"

#ifndef VPM_VERSION
#define VPM_VERSION "0"
#endif

const char *argp_program_version = "vpmemctl " VPM_VERSION;
const char *argp_program_bug_address = NULL;

struct command {
	const char *name;
	int (*fn)(int argc, char **argv, struct common_opts *co);
	const char *summary;
};

static const struct command commands[] = {
	{ "inventory", cmd_inventory, "show vPMEM resource classes and namespaces" },
	{ "claim", cmd_claim, "give a guest one free namespace per label" },
	{ "release", cmd_release, "zero a guest's namespaces and free them" },
	{ "render-xml", cmd_render_xml, "libvirt nvdimm devices of a claim, or a domain with them" },
	{ "verify", cmd_verify, "check configuration, host, state and domains (Nagios plugin)" },
};

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (streq(commands[i].name, name))
			return &commands[i];
	return NULL;
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
		char *n = xasprintf("%s\n'vpmemctl COMMAND --help' describes a command.", s);

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

static int run(const struct command *c, int argc, char **argv, struct common_opts *co)
{
	_cleanup_free_ char *name = xasprintf("vpmemctl %s", c->name);
	char *saved = argv[0];
	int r;

	argv[0] = name;
	r = c->fn(argc, argv, co);
	argv[0] = saved;
	return r;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

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

int main(int argc, char **argv)
{
	struct common_opts co = { 0 };
	struct top_args top = { .co = &co };
	const char *base = strrchr(argv[0], '/');
	const struct command *c;

	log_elapsed_ms(); /* start the clock of -vv timings */
	argp_err_exit_status = EXIT_USAGE;
	/* verify is a Nagios plugin: its usage errors are UNKNOWN (3), even
	 * those found in the options before the subcommand. */
	if (streq(base_name(argv[0]), "vpmemctl-verify") || streq(first_word(argc, argv), "verify"))
		argp_err_exit_status = 3;
	base = base ? base + 1 : argv[0];
	if (strncmp(base, "vpmemctl-", 9) == 0) {
		c = find_command(base + 9);
		if (!c) {
			log_error("unknown command '%s' (called as %s)", base + 9, base);
			return EXIT_USAGE;
		}
		return run(c, argc, argv, &co);
	}

	/* getopt names the program by argv[0] in its messages: "vpmemctl:",
	 * however it was called. */
	argv[0] = (char *)"vpmemctl";
	argp_parse(&top_argp, argc, argv, ARGP_IN_ORDER, NULL, &top);
	c = find_command(argv[top.cmd_index]);
	if (!c) {
		log_error("unknown command '%s'; try 'vpmemctl --help'", argv[top.cmd_index]);
		return EXIT_USAGE;
	}
	return run(c, argc - top.cmd_index, argv + top.cmd_index, &co);
}
