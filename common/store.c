/* SPDX-License-Identifier: MIT */
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

/* Far more than any host's claims take. */
#define STATE_MAX (256u << 20)

/* A directory that can hold the state directory's name: changed only by
 * root or the state's owner (or sticky, where no one renames what is not
 * theirs). Else that user can rename the state away and put a fresh empty
 * one in its place. path is an ancestor of dir, for the message. */
static int ancestor_safe(const char *dir, const char *path, uid_t owner)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return log_error_errno(errno, "cannot check %s, an ancestor of the state directory "
				       "%s", path, dir);
	if ((st.st_uid == 0 || st.st_uid == owner) &&
	    (!(st.st_mode & 0022) || (st.st_mode & S_ISVTX)))
		return 0;
	log_error("state directory %s is unsafe: its ancestor %s is owned by uid %u with mode "
		  "%04o, so another user can rename the state away; make %s owned by root (or uid "
		  "%u) and not writable by group or others (or sticky, as /tmp is), or use another "
		  "state directory", dir, path, (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777),
		  path, (unsigned)owner);
	return -EPERM;
}

/* real (a real path, changed here) and every directory above it. */
static int real_path_safe(const char *dir, char *real, uid_t owner)
{
	for (;;) {
		char *slash = strrchr(real, '/');
		int r = ancestor_safe(dir, real, owner);

		if (r < 0 || streq(real, "/"))
			return r;
		if (slash == real)
			slash[1] = '\0';
		else
			*slash = '\0';
	}
}

/* Every directory a lookup of dir passes through, those symbolic links on
 * the way lead to included: for each leading part of dir (taken against the
 * working directory), its real path and each directory above that. */
static int ancestors_safe(const char *dir, uid_t owner)
{
	_cleanup_free_ char *abs = NULL;
	int r = 0;

	if (dir[0] == '/') {
		abs = xstrdup(dir);
	} else {
		_cleanup_free_ char *cwd = getcwd(NULL, 0);

		if (!cwd)
			return log_error_errno(errno, "cannot find the working directory, against "
					       "which the state directory %s is taken", dir);
		abs = xasprintf("%s/%s", cwd, dir);
	}
	/* up to each '/': "/", "/a", "/a/b" of "/a/b/state" */
	for (char *p = strchr(abs, '/'); r == 0 && p; p = strchr(p + 1, '/')) {
		_cleanup_free_ char *real = NULL;
		char *cut = p == abs ? p + 1 : p;
		char saved = *cut;

		*cut = '\0';
		real = realpath(abs, NULL);
		if (!real)
			r = log_error_errno(errno, "cannot check %s, an ancestor of the state "
					    "directory %s", abs, dir);
		*cut = saved;
		if (real)
			r = real_path_safe(dir, real, owner);
	}
	return r;
}

int store_open(struct store *s, const char *dir)
{
	struct stat st;
	int r;

	*s = (struct store){ .dir = xstrdup(dir), .dirfd = -1, .lockfd = -1 };
	s->path = xasprintf("%s/%s", dir, STATE_FILE);
	s->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (s->dirfd < 0) {
		r = -errno;
		/* Never made here: a mistyped one would start an empty state
		 * and hand out namespaces the real one gives to others. */
		if (r == -ENOENT)
			log_error("state directory %s does not exist; create it (install -d -m 0700 "
				  "%s) or give the right one (--state-dir, VPMEMCTL_STATE_DIR, "
				  "state_dir in the configuration)", dir, dir);
		else if (r == -ELOOP || r == -ENOTDIR)
			log_error("state directory %s is not a directory (or is a symbolic link); "
				  "refusing to use it", dir);
		else
			log_error_errno(-r, "cannot open state directory %s", dir);
		return r;
	}
	if (fstat(s->dirfd, &st) < 0)
		return -errno;
	/* Fail closed: whoever can write here can hand out namespaces. */
	if (st.st_uid != geteuid() || (st.st_mode & 0022)) {
		log_error("state directory %s must be owned by uid %u and not writable by "
			  "group or others (it is uid %u, mode %04o)", dir, (unsigned)geteuid(),
			  (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777));
		return -EPERM;
	}
	/* and so, whoever can rename it */
	return ancestors_safe(dir, st.st_uid);
}

/* flock op (LOCK_EX or LOCK_SH) on the lock file, waiting up to timeout. */
static int lock_wait(struct store *s, int op, double timeout)
{
	struct timespec start, now;
	long delay_us = 1000;

	struct stat st;

	/* O_NONBLOCK: a FIFO planted here must not keep us waiting. */
	s->lockfd = openat(s->dirfd, LOCK_FILE,
			   O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY, 0600);
	if (s->lockfd < 0)
		return log_error_errno(errno, "cannot open lock file %s/%s", s->dir, LOCK_FILE);
	if (fstat(s->lockfd, &st) < 0 || !S_ISREG(st.st_mode)) {
		log_error("lock file %s/%s is not a regular file; refusing to use it (move it away)",
			  s->dir, LOCK_FILE);
		store_unlock(s);
		return -ENOTREGULAR;
	}
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		if (flock(s->lockfd, op | LOCK_NB) == 0)
			return 0;
		if (errno != EWOULDBLOCK && errno != EINTR)
			return log_error_errno(errno, "cannot lock %s/%s", s->dir, LOCK_FILE);
		clock_gettime(CLOCK_MONOTONIC, &now);
		double waited = (double)(now.tv_sec - start.tv_sec) +
				(double)(now.tv_nsec - start.tv_nsec) / 1e9;
		if (waited >= timeout) {
			log_error("the state lock %s/%s is held by another vpmemctl; gave up after "
				  "%g seconds (--lock-timeout)", s->dir, LOCK_FILE, timeout);
			return -ETIMEDOUT;
		}
		usleep((useconds_t)delay_us);
		if (delay_us < 20000)
			delay_us *= 2;
	}
}

int store_lock(struct store *s, double timeout)
{
	return lock_wait(s, LOCK_EX, timeout);
}

int store_lock_shared(struct store *s, double timeout)
{
	return lock_wait(s, LOCK_SH, timeout);
}

void store_unlock(struct store *s)
{
	if (s->lockfd >= 0) {
		close(s->lockfd); /* releases the flock */
		s->lockfd = -1;
	}
}

int store_load(struct store *s, struct state *st)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *text = NULL;
	_cleanup_free_ char *err = NULL;
	struct stat sb;
	size_t len = 0;
	int r;

	state_init(st);
	/* O_NONBLOCK: a FIFO must not keep us waiting (holding the lock). */
	fd = openat(s->dirfd, STATE_FILE, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		r = -errno;
		if (r == -ENOENT)
			return 0;
		if (r == -ELOOP)
			log_error("state file %s is a symbolic link; refusing to read it", s->path);
		else
			log_error_errno(-r, "cannot open state file %s", s->path);
		return r;
	}
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		log_error("state file %s is not a regular file; refusing to read it (move it away)",
			  s->path);
		return -ENOTREGULAR;
	}
	r = read_fd(fd, STATE_MAX, &text, &len);
	if (r < 0)
		return log_read_error(r, len, "state file", s->path);
	r = state_parse(text, st, &err);
	if (r < 0)
		log_error("state file %s: %s; it was left as it is, repair or move it away",
			  s->path, err);
	return r;
}

int store_commit(struct store *s, struct state *st)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	int r;

	st->generation++;
	text = state_format(st);
	log_debug("state formatted at %.1f ms", log_elapsed_ms());
	len = strlen(text);
	text = xrealloc(text, len + 2);
	text[len++] = '\n';
	text[len] = '\0';
	r = replace_file_at(s->dirfd, STATE_FILE, s->path, text, len, NULL);
	if (r < 0) {
		st->generation--;
		log_error("cannot write state file %s: %s; the previous state is unchanged",
			  s->path, strerror(-r));
		return r;
	}
	log_debug("state written at %.1f ms", log_elapsed_ms());
	return 0;
}

void store_close(struct store *s)
{
	store_unlock(s);
	if (s->dirfd >= 0)
		close(s->dirfd);
	free(s->dir);
	free(s->path);
	*s = (struct store){ .dirfd = -1, .lockfd = -1 };
}
