/* SPDX-License-Identifier: MIT */
/* The subcommands and the options they all share. */
#ifndef VPM_CMD_H
#define VPM_CMD_H

#include <argp.h>

#include "config.h"
#include "context.h"
#include "output.h"

/* Every subcommand, the body of its own program vpmemctl-COMMAND: argv[0]
 * is its display name ("vpmemctl inventory"), co receives the common
 * options. */
int cmd_inventory(int argc, char **argv, struct common_opts *co);
int cmd_claim(int argc, char **argv, struct common_opts *co);
int cmd_release(int argc, char **argv, struct common_opts *co);
int cmd_render_xml(int argc, char **argv, struct common_opts *co);
int cmd_verify(int argc, char **argv, struct common_opts *co);
int cmd_adopt(int argc, char **argv, struct common_opts *co);

/* main() of the program vpmemctl-NAME (cmd/main.c): fn, with the program
 * named "vpmemctl NAME" in argp's and getopt's messages. */
int command_main(const char *name, int (*fn)(int argc, char **argv, struct common_opts *co),
		 int argc, char **argv);

/* How vpmemctl runs vpmemctl-COMMAND: the argument vector path, the common
 * options set in co (those given before COMMAND), then args[0..n-1];
 * NULL-terminated, to be freed (its strings are borrowed). */
char **command_argv(const char *path, const struct common_opts *co, char **args, int n);

/* The argp child that parses the common options into a struct common_opts
 * handed to it as its input (see common_child()). */
extern const struct argp common_argp;

/* Every command's argp children: the common options under their heading. */
extern const struct argp_child common_children[];

/* For a command's ARGP_KEY_END: INSTANCE given and well formed, else a
 * usage error. */
void check_instance(struct argp_state *state, const char *instance);

/* For a command's ARGP_KEY_INIT: give the common options their input. */
void common_child_init(struct argp_state *state, struct common_opts *co);

/* For a command's ARGP_KEY_END: check the common option values that depend
 * on the command (formats it allows). Usage errors exit through argp. */
enum out_format common_check(struct argp_state *state, const struct common_opts *co,
			     unsigned allowed_formats);

#endif
