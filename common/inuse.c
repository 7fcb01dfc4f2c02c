/* SPDX-License-Identifier: MIT */
#include "inuse.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

/* What the files mapped by the processes are, by (dev, inode): the same
 * libraries are mapped by every process, and each is stat'ed once per scan
 * instead of once per mapping. Open addressing, grown at half full. */
struct mapped_file {
	dev_t dev;
	ino_t ino;
	bool used;
	struct stat st;
};

struct file_cache {
	struct mapped_file *files;
	size_t n, cap;
};

static size_t file_slot(const struct file_cache *fc, dev_t dev, ino_t ino)
{
	size_t h = ((size_t)ino * 0x9E3779B97F4A7C15ull) ^ (size_t)dev;

	for (size_t i = h & (fc->cap - 1);; i = (i + 1) & (fc->cap - 1))
		if (!fc->files[i].used || (fc->files[i].dev == dev && fc->files[i].ino == ino))
			return i;
}

static void file_remember(struct file_cache *fc, dev_t dev, ino_t ino, const struct stat *st)
{
	struct mapped_file *f;

	if (2 * (fc->n + 1) > fc->cap) {
		struct mapped_file *old = fc->files;
		size_t old_cap = fc->cap;

		fc->cap = old_cap ? old_cap * 2 : 256;
		fc->files = xcalloc(fc->cap, sizeof(*fc->files));
		for (size_t i = 0; i < old_cap; i++)
			if (old[i].used)
				fc->files[file_slot(fc, old[i].dev, old[i].ino)] = old[i];
		free(old);
	}
	f = &fc->files[file_slot(fc, dev, ino)];
	if (!f->used)
		fc->n++;
	*f = (struct mapped_file){ .dev = dev, .ino = ino, .used = true, .st = *st };
}

static const struct stat *file_known(const struct file_cache *fc, dev_t dev, ino_t ino)
{
	const struct mapped_file *f;

	if (!fc->cap)
		return NULL;
	f = &fc->files[file_slot(fc, dev, ino)];
	return f->used ? &f->st : NULL;
}

/* One file a process holds: a mapping (its dev and inode as the maps file
 * gives them, and what its path is now) or an open descriptor. */
struct held {
	dev_t dev, rdev;
	ino_t ino;
	bool chr;       /* a character device: rdev says which */
	bool mapped;
};

struct holder {
	pid_t pid;
	size_t first, n;        /* its entries in held[] */
};

struct inuse_snapshot {
	char *proc;
	struct holder *procs;
	size_t n_procs;
	struct held *held;
	size_t n_held, cap_held;
	struct file_cache cache;
};

static void hold(struct inuse_snapshot *s, const struct held *h)
{
	if (s->n_held == s->cap_held) {
		s->cap_held = s->cap_held ? s->cap_held * 2 : 1024;
		s->held = xreallocarray(s->held, s->cap_held, sizeof(*s->held));
	}
	s->held[s->n_held++] = *h;
}

/* Returns 1 when the process has mappings, 0 when it has none (a kernel
 * thread, or one that has exited: it holds no file open either), -1 when its
 * maps cannot be read. */
static int snap_maps(struct inuse_snapshot *s, const char *pid)
{
	char path[512], line[4096];
	_cleanup_fclose_ FILE *f = NULL;
	dev_t last_dev = 0;
	ino_t last_ino = 0;
	int any = 0;

	snprintf(path, sizeof(path), "%s/%s/maps", s->proc, pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		struct held h = { .mapped = true };
		uint64_t maj, min, ino;
		const struct stat *st;
		struct stat now;
		char *p = line;

		any = 1;
		/* start-end perms offset maj:min inode [path] */
		for (int field = 0; field < 3 && p; field++) {
			p = strchr(p, ' ');
			p = p ? p + 1 : NULL;
		}
		if (!p || !(p = (char *)scan_u64(p, 16, &maj)) || *p++ != ':' ||
		    !(p = (char *)scan_u64(p, 16, &min)) || !(p = (char *)scan_u64(p, 10, &ino)) ||
		    ino == 0)
			continue;
		h.dev = makedev(maj, min);
		h.ino = (ino_t)ino;
		/* the lines of one file follow each other: once is enough */
		if (h.dev == last_dev && h.ino == last_ino)
			continue;
		last_dev = h.dev;
		last_ino = h.ino;
		/* Another node of a device maps the same memory: what the mapped
		 * file is, known or looked up by its path. */
		p += strspn(p, " ");
		st = *p == '/' ? file_known(&s->cache, h.dev, h.ino) : NULL;
		if (*p == '/' && !st) {
			p[strcspn(p, "\n")] = '\0';
			if (stat(p, &now) == 0) {
				/* remembered only while the path names the mapped file */
				if (now.st_dev == h.dev && now.st_ino == h.ino)
					file_remember(&s->cache, h.dev, h.ino, &now);
				st = &now;
			}
		}
		if (st && S_ISCHR(st->st_mode)) {
			h.chr = true;
			h.rdev = st->st_rdev;
		}
		hold(s, &h);
	}
	return any;
}

static void snap_fds(struct inuse_snapshot *s, const char *pid)
{
	char dir[512];
	struct dirent *e;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/%s/fd", s->proc, pid);
	d = opendir(dir);
	if (!d)
		return; /* gone, or not ours to see */
	while ((e = readdir(d))) {
		struct stat st;

		if (e->d_name[0] == '.' || fstatat(dirfd(d), e->d_name, &st, 0) < 0)
			continue;
		hold(s, &(struct held){ .dev = st.st_dev, .ino = st.st_ino, .rdev = st.st_rdev,
					 .chr = S_ISCHR(st.st_mode) });
	}
	closedir(d);
}

struct inuse_snapshot *inuse_snapshot_take(const char *proc)
{
	struct inuse_snapshot *s;
	pid_t self = getpid();
	struct dirent *e;
	DIR *d = opendir(proc);

	if (!d)
		return NULL;
	s = xcalloc(1, sizeof(*s));
	s->proc = xstrdup(proc);
	while ((e = readdir(d))) {
		size_t first = s->n_held;
		int pid;

		if (parse_int(e->d_name, 1, INT32_MAX, &pid) < 0 || pid == self)
			continue;
		if (snap_maps(s, e->d_name) != 0)
			snap_fds(s, e->d_name);
		if (s->n_held == first)
			continue;
		s->procs = xreallocarray(s->procs, s->n_procs + 1, sizeof(*s->procs));
		s->procs[s->n_procs++] = (struct holder){ .pid = pid, .first = first,
							   .n = s->n_held - first };
	}
	closedir(d);
	return s;
}

void inuse_snapshot_free(struct inuse_snapshot *s)
{
	if (!s)
		return;
	free(s->proc);
	free(s->procs);
	free(s->held);
	free(s->cache.files);
	free(s);
}

/* Another node for the same character device counts as the same. */
static bool holds(const struct held *h, const struct stat *t)
{
	if (h->dev == t->st_dev && h->ino == t->st_ino)
		return true;
	return h->chr && S_ISCHR(t->st_mode) && h->rdev == t->st_rdev;
}

int inuse_snapshot_match(const struct inuse_snapshot *s, const struct stat *targets, size_t n,
			 struct inuse **users)
{
	size_t found = 0;

	*users = NULL;
	for (size_t p = 0; p < s->n_procs; p++) {
		const struct holder *pr = &s->procs[p];
		char comm[32] = "";

		for (size_t t = 0; t < n; t++) {
			const char *how = NULL;

			for (size_t k = pr->first; k < pr->first + pr->n; k++) {
				if (!holds(&s->held[k], &targets[t]))
					continue;
				how = s->held[k].mapped ? "mapped" : how ? how : "open";
				if (s->held[k].mapped)
					break;
			}
			if (!how)
				continue;
			if (!comm[0]) {
				char path[512];
				_cleanup_fclose_ FILE *f = NULL;

				snprintf(path, sizeof(path), "%s/%d/comm", s->proc, (int)pr->pid);
				f = fopen(path, "re");
				if (f && fgets(comm, sizeof(comm), f))
					comm[strcspn(comm, "\n")] = '\0';
				else
					strcpy(comm, "?");
			}
			*users = xreallocarray(*users, found + 1, sizeof(**users));
			(*users)[found] = (struct inuse){ .pid = pr->pid, .target = t, .how = how };
			memcpy((*users)[found].comm, comm, sizeof(comm));
			found++;
		}
	}
	return (int)found;
}

int process_start_time(pid_t pid, uint64_t *start)
{
	char path[64], buf[1024];
	_cleanup_close_ int fd = -1;
	ssize_t n;
	char *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return -EIO;
	buf[n] = '\0';
	/* The command name may hold blanks and parentheses: skip past the last
	 * ')', then field 3 (state) on; starttime is field 22. */
	p = strrchr(buf, ')');
	if (!p)
		return -EIO;
	p++;
	for (int field = 3; field < 22; field++) {
		p = strchr(p + 1, ' ');
		if (!p)
			return -EIO;
	}
	return scan_u64(p, 10, start) ? 0 : -EIO;
}

bool process_running(pid_t pid, uint64_t start)
{
	uint64_t now = 0;

	if (pid <= 0)
		return false;
	/* Without a recorded start time, the pid alone must do. */
	if (start == 0)
		return kill(pid, 0) == 0 || errno == EPERM;
	return process_start_time(pid, &now) == 0 && now == start;
}

int inuse_scan_many(const char *proc, const struct stat *targets, size_t n,
		    struct inuse **users)
{
	struct inuse_snapshot *s = inuse_snapshot_take(proc);
	int k;

	*users = NULL;
	if (!s)
		return -errno;
	k = inuse_snapshot_match(s, targets, n, users);
	inuse_snapshot_free(s);
	return k;
}

int inuse_refuse_many(const struct inuse_snapshot *snap, const char *const *names,
		      const char *const *devpaths, size_t n)
{
	_cleanup_free_ struct stat *targets = xcalloc(n ? n : 1, sizeof(*targets));
	_cleanup_free_ size_t *which = xcalloc(n ? n : 1, sizeof(*which));
	struct inuse *users = NULL;
	size_t m = 0;
	int busy = 0, k;

	for (size_t i = 0; i < n; i++) {
		if (stat(devpaths[i], &targets[m]) == 0) {
			which[m++] = i;
		} else if (errno != ENOENT) {
			/* refuse rather than guess; a missing device: the scrub says so */
			log_error("cannot tell whether %s is in use: %s", devpaths[i],
				  strerror(errno));
			busy++;
		}
	}
	if (!m)
		return busy;
	k = snap ? inuse_snapshot_match(snap, targets, m, &users)
		 : inuse_scan_many("/proc", targets, m, &users);
	if (k < 0) {
		for (size_t t = 0; t < m; t++)
			log_error("cannot tell whether %s is in use: %s", devpaths[which[t]],
				  strerror(-k));
		return busy + (int)m;
	}
	/* device by device, in the order given */
	for (size_t t = 0; t < m; t++) {
		size_t i = which[t];

		for (int j = 0; users && j < k; j++)
			if (users[j].target == t)
				log_error("namespace %s (%s) is %s by pid %d (%s)", names[i],
					  devpaths[i], users[j].how, (int)users[j].pid,
					  users[j].comm);
	}
	free(users);
	return busy + k;
}

int inuse_refuse(const char *name, const char *devpath)
{
	return inuse_refuse_many(NULL, &name, &devpath, 1);
}
