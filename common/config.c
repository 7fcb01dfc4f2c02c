/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

#define CONFIG_MAX (4u << 20)

static char *unquote(char *v)
{
	size_t len = strlen(v);

	if (len >= 2 && (v[0] == '"' || v[0] == '\'') && v[len - 1] == v[0]) {
		v[len - 1] = '\0';
		return v + 1;
	}
	return v;
}

/* oslo.config's INI dialect: "[section]", "key = value" or "key: value"
 * (whichever separator comes first), whole-line comments with # or ;, and
 * indented lines continuing the previous value. */
int ini_get(const char *text, const char *section, const char *key, char **value,
	    int *errline)
{
	_cleanup_free_ char *copy = xstrdup(text);
	_cleanup_free_ char *cur_section = NULL;
	char *line, *next;
	bool in_value = false, matching = false;
	int lineno = 0, found = 0;

	*value = NULL;
	for (line = copy; line; line = next) {
		char *t, *sep;

		lineno++;
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		line[strcspn(line, "\r")] = '\0';
		t = strtrim(line);
		if (!*t) {
			in_value = false; /* a blank line ends a continued value */
			continue;
		}
		if (*t == '#' || *t == ';')
			continue;
		if (isspace((unsigned char)line[0]) && in_value) {
			if (matching) {
				char *joined = xasprintf("%s\n%s", *value, t);

				free(*value);
				*value = joined;
			}
			continue;
		}
		in_value = false;
		if (*t == '[') {
			size_t len = strlen(t);

			if (t[len - 1] != ']')
				goto bad;
			free(cur_section);
			cur_section = xstrndup(t + 1, len - 2);
			strtrim(cur_section);
			continue;
		}
		sep = t + strcspn(t, "=:");
		if (!*sep || !cur_section)
			goto bad;
		*sep = '\0';
		in_value = true;
		matching = streq(cur_section, section) && streq(strtrim(t), key);
		if (matching) {
			free(*value);
			*value = xstrdup(unquote(strtrim(sep + 1)));
			found = 1;
		}
	}
	return found;
bad:
	free(*value);
	*value = NULL;
	if (errline)
		*errline = lineno;
	return -EINVAL;
}

int parse_seconds(const char *s, double *out)
{
	char *end;
	double v;

	if (!s || !*s || isspace((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || !isfinite(v) || v < 0 || v > 86400.0 * 365)
		return -EINVAL;
	*out = v;
	return 0;
}

/* option > environment > file > default */
static char *pick(const char *opt, const char *env, char *file, const char *def)
{
	const char *e = env ? getenv(env) : NULL;

	if (opt) {
		free(file);
		return xstrdup(opt);
	}
	if (e && *e) {
		free(file);
		return xstrdup(e);
	}
	if (file)
		return file;
	return def ? xstrdup(def) : NULL;
}

static int file_value(const char *text, const char *path, const char *section,
		      const char *key, char **out)
{
	int errline = 0;
	int r;

	*out = NULL;
	if (!text)
		return 0;
	r = ini_get(text, section, key, out, &errline);
	if (r < 0) {
		log_error("configuration file %s, line %d: expected [section], "
			  "key = value, or a comment", path, errline);
		return r;
	}
	return 0;
}

int settings_load(const struct common_opts *o, struct settings *s)
{
	_cleanup_free_ char *text = NULL;
	char *f_ns, *f_state, *f_snap, *f_dev, *f_lock, *f_libvirt;
	const char *env_conf = getenv("VPMEMCTL_CONFIG");
	const char *path = o->config ? o->config : (env_conf && *env_conf) ? env_conf : NULL;
	const char *env_ns = getenv("VPMEMCTL_NAMESPACES");
	char *lock;
	size_t len = 0;
	int r;

	*s = (struct settings){ 0 };
	bool given = path != NULL;

	if (!given)
		path = DEFAULT_CONFIG;
	r = read_file(path, CONFIG_MAX, &text, &len);
	/* Only the default file may be missing. */
	if (r < 0 && (r != -ENOENT || given))
		return log_read_error(r, len, "configuration file", path);
	if (text)
		s->config_path = xstrdup(path);

	if ((r = file_value(text, path, "libvirt", "pmem_namespaces", &f_ns)) < 0)
		return r;
	file_value(text, path, "vpmemctl", "state_dir", &f_state);
	file_value(text, path, "vpmemctl", "host_snapshot", &f_snap);
	file_value(text, path, "vpmemctl", "dev_dir", &f_dev);
	file_value(text, path, "vpmemctl", "lock_timeout", &f_lock);
	file_value(text, path, "vpmemctl", "libvirt_dir", &f_libvirt);

	s->namespaces_from = o->namespaces ? "--namespaces"
			   : env_ns ? "VPMEMCTL_NAMESPACES" : s->config_path;
	/* An empty -N or variable is a deliberate "no namespaces", unlike the
	 * other settings where empty means unset. */
	s->namespaces = o->namespaces ? xstrdup(o->namespaces)
		      : env_ns ? xstrdup(env_ns) : f_ns;
	if (s->namespaces != f_ns)
		free(f_ns);
	s->state_dir = pick(o->state_dir, "VPMEMCTL_STATE_DIR", f_state, DEFAULT_STATE_DIR);
	s->host_snapshot = pick(o->host_snapshot, "VPMEMCTL_HOST_SNAPSHOT", f_snap, NULL);
	s->dev_dir = pick(o->dev_dir, "VPMEMCTL_DEV_DIR", f_dev, DEFAULT_DEV_DIR);
	/* Set but empty: look at no domains. Unset: libvirt's own, where it exists. */
	if (f_libvirt && !*f_libvirt)
		free(f_libvirt);
	else if (f_libvirt)
		s->libvirt_dir = f_libvirt;
	else if (access(DEFAULT_LIBVIRT_DIR, F_OK) == 0)
		s->libvirt_dir = xstrdup(DEFAULT_LIBVIRT_DIR);
	lock = pick(o->lock_timeout, NULL, f_lock, NULL);
	s->lock_timeout = DEFAULT_LOCK_TIMEOUT;
	r = lock ? parse_seconds(lock, &s->lock_timeout) : 0;
	if (r < 0)
		log_error("lock_timeout in %s: '%s' is not a number of seconds", path, lock);
	free(lock);
	return r;
}

void settings_free(struct settings *s)
{
	free(s->config_path);
	free(s->namespaces);
	free(s->state_dir);
	free(s->host_snapshot);
	free(s->dev_dir);
	free(s->libvirt_dir);
	*s = (struct settings){ 0 };
}
