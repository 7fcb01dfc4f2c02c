/* SPDX-License-Identifier: MIT */
#include "host.h"

#include <errno.h>
#include <string.h>

#include "log.h"
#include "util.h"

/* Far more than ndctl prints for any host. */
#define SNAPSHOT_MAX (64u << 20)

static int host_load_snapshot(const char *path, struct host *h)
{
	_cleanup_free_ char *text = NULL;
	_cleanup_free_ char *err = NULL;
	size_t len = 0;
	int r;

	r = read_file(path, SNAPSHOT_MAX, &text, &len);
	if (r < 0)
		return log_read_error(r, len, "host snapshot", path);
	r = host_parse_snapshot(text, h, &err);
	if (r < 0) {
		log_error("host snapshot %s: %s", path, err);
		return r;
	}
	h->origin = xstrdup(path);
	return 0;
}

int host_load(const char *snapshot_path, struct host *h)
{
	*h = (struct host){ 0 };
	if (snapshot_path)
		return host_load_snapshot(snapshot_path, h);
	return host_load_ndctl(h);
}

const struct host_ns *host_find(const struct host *h, const char *name, size_t *count)
{
	const struct host_ns *first = NULL;
	size_t c = 0;

	for (size_t i = 0; i < h->n; i++) {
		if (!streq(h->ns[i].name, name))
			continue;
		if (!first)
			first = &h->ns[i];
		c++;
	}
	if (count)
		*count = c;
	return first;
}

void host_ns_clear(struct host_ns *ns)
{
	free(ns->name);
	free(ns->dev);
	free(ns->mode);
	free(ns->uuid);
	free(ns->chardev);
	*ns = (struct host_ns){ .numa_node = -1 };
}

void host_free(struct host *h)
{
	for (size_t i = 0; i < h->n; i++)
		host_ns_clear(&h->ns[i]);
	free(h->ns);
	free(h->origin);
	*h = (struct host){ 0 };
}
