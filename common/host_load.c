/* SPDX-License-Identifier: MIT */
/* Where the host is read from: a snapshot or libndctl. Apart from host.c,
 * whose pure helpers programs that never read a host link too. */

#include "host.h"
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
