/* SPDX-License-Identifier: MIT */
/* main() of each program vpmemctl-COMMAND: meson builds this file into every
 * one of them, with COMMAND_NAME ("render-xml") and COMMAND_FN
 * (cmd_render_xml) defined. */
#include "cmd.h"

int main(int argc, char **argv)
{
	return command_main(COMMAND_NAME, COMMAND_FN, argc, argv);
}
