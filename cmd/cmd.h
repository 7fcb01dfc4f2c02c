/* SPDX-License-Identifier: MIT */
/* The subcommands and the options they all share. */
#ifndef VPM_CMD_H
#define VPM_CMD_H

#include <argp.h>

#include "config.h"
#include "context.h"
#include "output.h"

/* Every subcommand: argv[0] is its display name ("vpmemctl inventory"),
 * co holds the common options already seen before the subcommand. */
int cmd_inventory(int argc, char **argv, struct common_opts *co);
int cmd_claim(int argc, char **argv, struct common_opts *co);
int cmd_release(int argc, char **argv, struct common_opts *co);
int cmd_render_xml(int argc, char **argv, struct common_opts *co);
int cmd_verify(int argc, char **argv, struct common_opts *co);

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
