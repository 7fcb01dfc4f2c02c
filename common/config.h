/* SPDX-License-Identifier: MIT */
/* Settings from options, environment and the INI configuration file, in that
 * order of precedence. The file is nova.conf-compatible: [libvirt]
 * pmem_namespaces, plus an optional [vpmemctl] section of our own. */
#ifndef VPM_CONFIG_H
#define VPM_CONFIG_H

#include <stdbool.h>

#include "util.h"

#define DEFAULT_CONFIG "/etc/vpmemctl/vpmemctl.conf"
#define DEFAULT_STATE_DIR "/var/lib/vpmemctl"
#define DEFAULT_DEV_DIR "/dev"
#define DEFAULT_LOCK_TIMEOUT 10.0
#define DEFAULT_LIBVIRT_DIR "/etc/libvirt/qemu"

/* What the command line said; NULL where it said nothing. */
struct common_opts {
	const char *config;
	const char *namespaces;
	const char *state_dir;
	const char *host_snapshot;
	const char *dev_dir;
	const char *format;
	const char *lock_timeout;
	int verbosity;          /* -v adds one, -q takes one away */
};

struct settings {
	char *config_path;      /* NULL when the default file is absent */
	char *namespaces;       /* NULL when set nowhere */
	const char *namespaces_from; /* "--namespaces", "VPMEMCTL_NAMESPACES" or the file */
	char *state_dir;
	char *host_snapshot;    /* NULL: read the host through libndctl */
	char *dev_dir;
	double lock_timeout;
	char *libvirt_dir;      /* libvirt's domain XML files; NULL: none to look at */
};

/* Find the last value of key in section of an INI text. Returns 1 when found
 * (value malloc'd), 0 when absent, -EINVAL with *errline set on a line that
 * is not INI. */
int ini_get(const char *text, const char *section, const char *key, char **value,
	    int *errline);

/* Reads the environment and the configuration file. Logs and returns a
 * negative errno on a file that is named but unreadable or not INI. */
int settings_load(const struct common_opts *o, struct settings *s);

int parse_seconds(const char *s, double *out);

void settings_free(struct settings *s);

#endif
