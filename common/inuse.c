/* SPDX-License-Identifier: MIT */
#include "inuse.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

/* Another node for the same character device counts as the same. */
static bool same_file(const struct stat *st, const struct stat *t)
{
	if (st->st_dev == t->st_dev && st->st_ino == t->st_ino)
		return true;
	return S_ISCHR(st->st_mode) && S_ISCHR(t->st_mode) && st->st_rdev == t->st_rdev;
}

/* One hexadecimal or decimal field of a maps line, ending in stop. */
static const char *maps_field(const char *p, int base, char stop, uint64_t *v)
{
	char *end;

	if (!isxdigit((unsigned char)*p))
		return NULL;
	errno = 0;
	*v = strtoull(p, &end, base);
	if (errno || end == p || *end != stop)
		return NULL;
	return end + 1;
}

/* A whole line of /proc/PID/maps, "start-end perms offset maj:min inode
 * [path]", read from its start only: what follows the inode is the file's
 * path, which its owner chooses and which must never be taken for fields.
 * Returns false on a line of any other shape. */
static bool parse_maps_line(const char *line, dev_t *dev, ino_t *ino, bool *shared,
			    const char **path)
{
	uint64_t v, maj, min, inode;
	const char *p = line;
	char *end;

	if (!(p = maps_field(p, 16, '-', &v)) || !(p = maps_field(p, 16, ' ', &v)))
		return false;
	if (strlen(p) < 5 || p[4] != ' ')
		return false;
	*shared = p[3] == 's';
	p += 5;
	if (!(p = maps_field(p, 16, ' ', &v)) || !(p = maps_field(p, 16, ':', &maj)) ||
	    !(p = maps_field(p, 16, ' ', &min)))
		return false;
	/* the inode ends the line, or blanks lead to the path */
	if (!isdigit((unsigned char)*p))
		return false;
	errno = 0;
	inode = strtoull(p, &end, 10);
	if (errno || (*end && *end != ' ' && *end != '\n'))
		return false;
	*dev = makedev(maj, min);
	*ino = (ino_t)inode;
	*path = end + strspn(end, " ");
	return true;
}

/* Set how[t] to "mapped" for each target the process maps. Returns false
 * when it has no mapping (a kernel thread, or a process that has exited: it
 * holds no file open either), true otherwise, also when its maps cannot be
 * read. Lines are read whole, however long the path in them. */
static bool scan_maps(const char *proc, const char *pid, const struct stat *targets, size_t n,
		      bool any_chr, const char **how)
{
	char path[512];
	_cleanup_fclose_ FILE *f = NULL;
	_cleanup_free_ char *line = NULL;
	size_t size = 0;
	dev_t last_dev = 0;
	ino_t last_ino = 0;
	bool any = false;

	snprintf(path, sizeof(path), "%s/%s/maps", proc, pid);
	f = fopen(path, "re");
	if (!f)
		return true;
	while (getline(&line, &size, f) > 0) {
		struct stat mapped = { 0 }, node;
		const char *file;
		bool by_node, shared;

		any = true;
		if (!parse_maps_line(line, &mapped.st_dev, &mapped.st_ino, &shared, &file) ||
		    mapped.st_ino == 0)
			continue;
		/* the lines of one file follow each other: once is enough */
		if (mapped.st_dev == last_dev && mapped.st_ino == last_ino)
			continue;
		last_dev = mapped.st_dev;
		last_ino = mapped.st_ino;
		/* Another node of a target device maps the same memory; its path
		 * says which device it is. Device DAX refuses private mappings:
		 * only a shared one needs that look. */
		by_node = any_chr && shared && *file == '/';
		if (by_node) {
			line[strcspn(line, "\n")] = '\0';
			by_node = stat(file, &node) == 0;
		}
		for (size_t t = 0; t < n; t++)
			if (same_file(&mapped, &targets[t]) ||
			    (by_node && same_file(&node, &targets[t])))
				how[t] = "mapped";
	}
	return any;
}

/* Set how[t] to "open", unless it is "mapped" already, for each target the
 * process has open. */
static void scan_fds(const char *proc, const char *pid, const struct stat *targets, size_t n,
		     const char **how)
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
		for (size_t t = 0; t < n; t++)
			if (!how[t] && same_file(&st, &targets[t]))
				how[t] = "open";
	}
	closedir(d);
}

static void read_comm(const char *proc, const char *pid, char *comm, size_t size)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/comm", proc, pid);
	f = fopen(path, "re");
	if (!f || !fgets(comm, (int)size, f))
		snprintf(comm, size, "?");
	comm[strcspn(comm, "\n")] = '\0';
	if (f)
		fclose(f);
}

bool chardev_name_valid(const char *name)
{
	const char *p = name;
	size_t n;

	if (!name || strncmp(p, "dax", 3) != 0)
		return false;
	p += 3;
	n = strspn(p, "0123456789");
	if (!n || p[n] != '.')
		return false;
	p += n + 1;
	n = strspn(p, "0123456789");
	return n && !p[n];
}

int device_check(const struct stat *st, dev_t rdev, char *why, size_t size)
{
	char link[64], target[PATH_MAX];
	const char *sub;
	ssize_t n;

	if (rdev) {
		if (S_ISCHR(st->st_mode) && st->st_rdev == rdev)
			return 0;
		if (S_ISCHR(st->st_mode))
			snprintf(why, size, "character device %u:%u, not the namespace's %u:%u",
				 major(st->st_rdev), minor(st->st_rdev), major(rdev), minor(rdev));
		else
			snprintf(why, size, "not the namespace's character device %u:%u",
				 major(rdev), minor(rdev));
		return -EINVAL;
	}
	if (S_ISREG(st->st_mode))
		return 0;
	if (!S_ISCHR(st->st_mode)) {
		snprintf(why, size, "neither a character device nor a regular file");
		return -EINVAL;
	}
	/* A snapshot names the device; the kernel says which driver it is. */
	snprintf(link, sizeof(link), "/sys/dev/char/%u:%u/subsystem", major(st->st_rdev),
		 minor(st->st_rdev));
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0) {
		snprintf(why, size, "character device %u:%u of unknown kind (%s: %s)",
			 major(st->st_rdev), minor(st->st_rdev), link, strerror(errno));
		return -EINVAL;
	}
	target[n] = '\0';
	sub = strrchr(target, '/');
	sub = sub ? sub + 1 : target;
	if (streq(sub, "dax"))
		return 0;
	snprintf(why, size, "character device %u:%u of subsystem %s, not a dax device",
		 major(st->st_rdev), minor(st->st_rdev), sub);
	return -EINVAL;
}

/* Field 3 (state) of /proc/PID/stat into *state and field 22 (starttime)
 * into *start. */
static int read_proc_stat(pid_t pid, char *state, uint64_t *start)
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
	if (!p || p[1] != ' ' || !p[2])
		return -EIO;
	p++;
	*state = p[1];
	for (int field = 3; field < 22; field++) {
		p = strchr(p + 1, ' ');
		if (!p)
			return -EIO;
	}
	return scan_u64(p, 10, start) ? 0 : -EIO;
}

int process_start_time(pid_t pid, uint64_t *start)
{
	char state;

	return read_proc_stat(pid, &state, start);
}

bool process_running(pid_t pid, uint64_t start)
{
	uint64_t now = 0;
	char state = '?';

	/* Without a recorded start time the pid cannot be told from another
	 * process that got it later: not a live releaser. */
	if (pid <= 0 || start == 0)
		return false;
	if (read_proc_stat(pid, &state, &now) < 0)
		return false;
	/* A zombie (Z) or a dying process (X) scrubs nothing any more. */
	return now == start && state != 'Z' && state != 'X';
}

int inuse_scan_many(const char *proc, const struct stat *targets, size_t n,
		    struct inuse **users)
{
	_cleanup_free_ const char **how = xcalloc(n ? n : 1, sizeof(*how));
	pid_t self = getpid();
	bool any_chr = false;
	size_t found = 0;
	struct dirent *e;
	DIR *d;

	*users = NULL;
	for (size_t t = 0; t < n; t++)
		any_chr |= S_ISCHR(targets[t].st_mode);
	d = opendir(proc);
	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		char comm[32] = "";
		int pid;

		if (parse_int(e->d_name, 1, INT32_MAX, &pid) < 0 || pid == self)
			continue;
		memset(how, 0, n * sizeof(*how));
		if (scan_maps(proc, e->d_name, targets, n, any_chr, how))
			scan_fds(proc, e->d_name, targets, n, how);
		for (size_t t = 0; t < n; t++) {
			if (!how[t])
				continue;
			if (!comm[0])
				read_comm(proc, e->d_name, comm, sizeof(comm));
			*users = xreallocarray(*users, found + 1, sizeof(**users));
			(*users)[found] = (struct inuse){ .pid = pid, .target = t, .how = how[t] };
			memcpy((*users)[found].comm, comm, sizeof(comm));
			found++;
		}
	}
	closedir(d);
	return (int)found;
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
			log_error_errno(errno, "cannot tell whether %s is in use", devpaths[i]);
			busy++;
		}
	}
	if (!m)
		return busy;
	k = inuse_scan_many("/proc", targets, m, &users);
	if (k < 0) {
		for (size_t t = 0; t < m; t++)
			log_error_errno(-k, "cannot tell whether %s is in use", devpaths[which[t]]);
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
	return inuse_refuse_many(&name, &devpath, 1);
}

int inuse_check_unused(void *check)
{
	struct inuse_check *c = check;

	if (inuse_refuse(c->name, c->devpath) == 0)
		return 0;
	c->busy = true;
	return -EBUSY;
}
