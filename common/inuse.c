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

static bool same_target(const struct stat *a, const struct stat *b)
{
	/* Another node for the same character device counts as the same. */
	if (S_ISCHR(a->st_mode) && S_ISCHR(b->st_mode))
		return a->st_rdev == b->st_rdev;
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* What the files mapped by the processes are, by (dev, inode): the same
 * libraries are mapped by every process, and each is stat'ed once per scan
 * instead of once per mapping. Open addressing, grown at half full. */
struct mapped_file {
	dev_t dev;
	ino_t ino;
	bool used;
	struct stat st;
};

struct scan {
	const struct stat *targets;
	size_t n_targets;
	bool any_chr;                   /* a target is a character device */
	struct mapped_file *files;
	size_t n_files, cap_files;
};

static size_t file_slot(const struct scan *sc, dev_t dev, ino_t ino)
{
	size_t h = ((size_t)ino * 0x9E3779B97F4A7C15ull) ^ (size_t)dev;

	for (size_t i = h & (sc->cap_files - 1);; i = (i + 1) & (sc->cap_files - 1))
		if (!sc->files[i].used || (sc->files[i].dev == dev && sc->files[i].ino == ino))
			return i;
}

static void file_remember(struct scan *sc, dev_t dev, ino_t ino, const struct stat *st)
{
	if (2 * (sc->n_files + 1) > sc->cap_files) {
		struct mapped_file *old = sc->files;
		size_t old_cap = sc->cap_files;

		sc->cap_files = old_cap ? old_cap * 2 : 256;
		sc->files = xcalloc(sc->cap_files, sizeof(*sc->files));
		for (size_t i = 0; i < old_cap; i++)
			if (old[i].used)
				sc->files[file_slot(sc, old[i].dev, old[i].ino)] = old[i];
		free(old);
	}
	struct mapped_file *f = &sc->files[file_slot(sc, dev, ino)];

	if (!f->used)
		sc->n_files++;
	*f = (struct mapped_file){ .dev = dev, .ino = ino, .used = true, .st = *st };
}

static const struct stat *file_known(const struct scan *sc, dev_t dev, ino_t ino)
{
	const struct mapped_file *f;

	if (!sc->cap_files)
		return NULL;
	f = &sc->files[file_slot(sc, dev, ino)];
	return f->used ? &f->st : NULL;
}

/* Mark in held[] the targets one mapping (its dev and inode, and path as
 * the maps file shows it) is of. */
static void match_mapping(struct scan *sc, dev_t dev, ino_t ino, char *path, bool *held)
{
	const struct stat *st;
	struct stat now;

	for (size_t t = 0; t < sc->n_targets; t++)
		if (dev == sc->targets[t].st_dev && ino == sc->targets[t].st_ino)
			held[t] = true;
	/* Another node of a target device maps the same memory: what the
	 * mapped file is, known or looked up by its path. */
	if (!sc->any_chr || *path != '/')
		return;
	st = file_known(sc, dev, ino);
	if (!st) {
		path[strcspn(path, "\n")] = '\0';
		if (stat(path, &now) < 0)
			return;
		/* remembered only while the path still names the mapped file */
		if (now.st_dev == dev && now.st_ino == ino)
			file_remember(sc, dev, ino, &now);
		st = &now;
	}
	for (size_t t = 0; t < sc->n_targets; t++)
		if (same_target(st, &sc->targets[t]))
			held[t] = true;
}

/* Returns 1 when the process has mappings, 0 when it has none (a kernel
 * thread, or one that has exited: it holds no file open either), -1 when its
 * maps cannot be read. */
static int scan_maps(struct scan *sc, const char *proc, const char *pid, bool *mapped)
{
	char path[512], line[4096];
	_cleanup_fclose_ FILE *f = NULL;
	int any = 0;

	snprintf(path, sizeof(path), "%s/%s/maps", proc, pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		uint64_t maj, min, ino;
		const char *p = line;

		any = 1;
		/* start-end perms offset maj:min inode [path] */
		for (int field = 0; field < 3 && p; field++) {
			p = strchr(p, ' ');
			p = p ? p + 1 : NULL;
		}
		if (!p || !(p = scan_u64(p, 16, &maj)) || *p++ != ':' ||
		    !(p = scan_u64(p, 16, &min)) || !(p = scan_u64(p, 10, &ino)) || ino == 0)
			continue;
		p += strspn(p, " ");
		match_mapping(sc, makedev(maj, min), (ino_t)ino, line + (p - line), mapped);
	}
	return any;
}

static void scan_fds(const struct scan *sc, const char *proc, const char *pid, bool *open)
{
	char dir[512];
	struct dirent *e;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/%s/fd", proc, pid);
	d = opendir(dir);
	if (!d)
		return; /* gone, or not ours to see */
	while ((e = readdir(d))) {
		struct stat st;

		if (e->d_name[0] == '.' || fstatat(dirfd(d), e->d_name, &st, 0) < 0)
			continue;
		for (size_t t = 0; t < sc->n_targets; t++)
			if (same_target(&st, &sc->targets[t]))
				open[t] = true;
	}
	closedir(d);
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
	struct scan sc = { .targets = targets, .n_targets = n };
	_cleanup_free_ bool *mapped = xcalloc(n ? n : 1, sizeof(bool));
	_cleanup_free_ bool *open = xcalloc(n ? n : 1, sizeof(bool));
	struct dirent *e;
	size_t found = 0;
	pid_t self = getpid();
	DIR *d;

	*users = NULL;
	for (size_t t = 0; t < n; t++)
		sc.any_chr |= S_ISCHR(targets[t].st_mode);
	d = opendir(proc);
	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		char comm_path[512], comm[32] = "?";
		int pid;

		if (parse_int(e->d_name, 1, INT32_MAX, &pid) < 0 || pid == self)
			continue;
		memset(mapped, 0, n * sizeof(bool));
		memset(open, 0, n * sizeof(bool));
		if (scan_maps(&sc, proc, e->d_name, mapped) != 0)
			scan_fds(&sc, proc, e->d_name, open);
		for (size_t t = 0; t < n; t++) {
			if (!mapped[t] && !open[t])
				continue;
			if (comm[0] == '?') {
				snprintf(comm_path, sizeof(comm_path), "%s/%s/comm", proc, e->d_name);
				_cleanup_fclose_ FILE *f = fopen(comm_path, "re");

				if (f && fgets(comm, sizeof(comm), f))
					comm[strcspn(comm, "\n")] = '\0';
				else
					strcpy(comm, "?");
			}
			*users = xreallocarray(*users, found + 1, sizeof(**users));
			(*users)[found] = (struct inuse){ .pid = pid, .target = t,
							  .how = mapped[t] ? "mapped" : "open" };
			memcpy((*users)[found].comm, comm, sizeof(comm));
			found++;
		}
	}
	closedir(d);
	free(sc.files);
	return (int)found;
}

int inuse_scan(const char *proc, const char *path, struct inuse **users)
{
	struct stat target;

	*users = NULL;
	if (stat(path, &target) < 0)
		return -errno;
	return inuse_scan_many(proc, &target, 1, users);
}

int inuse_refuse_many(const char *const *names, const char *const *devpaths, size_t n)
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
	k = inuse_scan_many("/proc", targets, m, &users);
	if (k < 0) {
		log_error("cannot tell whether %s is in use: cannot read /proc: %s",
			  devpaths[which[0]], strerror(-k));
		return busy + 1;
	}
	for (int j = 0; j < k; j++) {
		size_t i = which[users[j].target];

		log_error("namespace %s (%s) is %s by pid %d (%s)", names[i], devpaths[i],
			  users[j].how, (int)users[j].pid, users[j].comm);
	}
	free(users);
	return busy + k;
}

int inuse_refuse(const char *name, const char *devpath)
{
	return inuse_refuse_many(&name, &devpath, 1);
}
