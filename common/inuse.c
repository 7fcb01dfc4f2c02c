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

static bool has_open(const char *proc, const char *pid, const struct stat *target)
{
	char dir[512];
	DIR *d;
	struct dirent *e;
	bool found = false;

	snprintf(dir, sizeof(dir), "%s/%s/fd", proc, pid);
	d = opendir(dir);
	if (!d)
		return false; /* gone, or not ours to see */
	while (!found && (e = readdir(d))) {
		char link[800];
		struct stat st;

		if (e->d_name[0] == '.')
			continue;
		snprintf(link, sizeof(link), "%s/%s", dir, e->d_name);
		found = stat(link, &st) == 0 && same_target(&st, target);
	}
	closedir(d);
	return found;
}

static bool has_mapped(const char *proc, const char *pid, const struct stat *target)
{
	char path[512], line[4096];
	_cleanup_fclose_ FILE *f = NULL;

	snprintf(path, sizeof(path), "%s/%s/maps", proc, pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		uint64_t maj, min, ino;
		const char *p = line;

		/* start-end perms offset maj:min inode [path] */
		for (int field = 0; field < 3 && p; field++) {
			p = strchr(p, ' ');
			p = p ? p + 1 : NULL;
		}
		if (!p || !(p = scan_u64(p, 16, &maj)) || *p++ != ':' ||
		    !(p = scan_u64(p, 16, &min)) || !(p = scan_u64(p, 10, &ino)) || ino == 0)
			continue;
		if (makedev(maj, min) == target->st_dev && ino == target->st_ino)
			return true;
		p += strspn(p, " ");
		if (S_ISCHR(target->st_mode) && *p == '/') {
			struct stat st;
			char *path_at = line + (p - line);

			path_at[strcspn(path_at, "\n")] = '\0';
			if (stat(path_at, &st) == 0 && same_target(&st, target))
				return true;
		}
	}
	return false;
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

int inuse_scan(const char *proc, const char *path, struct inuse **users)
{
	struct stat target;
	DIR *d;
	struct dirent *e;
	size_t n = 0;
	pid_t self = getpid();

	*users = NULL;
	if (stat(path, &target) < 0)
		return -errno;
	d = opendir(proc);
	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		char comm_path[512];
		const char *how = NULL;
		int pid;

		if (parse_int(e->d_name, 1, INT32_MAX, &pid) < 0 || pid == self)
			continue;
		if (has_mapped(proc, e->d_name, &target))
			how = "mapped";
		else if (has_open(proc, e->d_name, &target))
			how = "open";
		if (!how)
			continue;
		*users = xreallocarray(*users, n + 1, sizeof(**users));
		(*users)[n] = (struct inuse){ .pid = pid, .how = how };
		snprintf(comm_path, sizeof(comm_path), "%s/%s/comm", proc, e->d_name);
		_cleanup_fclose_ FILE *f = fopen(comm_path, "re");
		if (!f || !fgets((*users)[n].comm, sizeof((*users)[n].comm), f))
			strcpy((*users)[n].comm, "?");
		(*users)[n].comm[strcspn((*users)[n].comm, "\n")] = '\0';
		n++;
	}
	closedir(d);
	return (int)n;
}

int inuse_refuse(const char *name, const char *devpath)
{
	struct inuse *users = NULL;
	int k = inuse_scan("/proc", devpath, &users);

	if (k == -ENOENT)
		return 0;
	if (k < 0) {
		log_error("cannot tell whether %s is in use: %s", devpath, strerror(-k));
		return 1;
	}
	for (int j = 0; users && j < k; j++)
		log_error("namespace %s (%s) is %s by pid %d (%s)", name, devpath, users[j].how,
			  (int)users[j].pid, users[j].comm);
	free(users);
	return k;
}
