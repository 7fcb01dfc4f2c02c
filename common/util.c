/* SPDX-License-Identifier: MIT */
#include "util.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>

#include "log.h"

void oom(void)
{
	fputs("vpmemctl: out of memory\n", stderr);
	exit(1);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *xreallocarray(void *p, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		oom();
	return xrealloc(p, n * size);
}

char *xstrdup(const char *s)
{
	char *p = strdup(s);
	if (!p)
		oom();
	return p;
}

char *xstrndup(const char *s, size_t n)
{
	char *p = strndup(s, n);
	if (!p)
		oom();
	return p;
}

char *xvasprintf(const char *fmt, va_list ap)
{
	char *p;

	if (vasprintf(&p, fmt, ap) < 0)
		oom();
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = xvasprintf(fmt, ap);
	va_end(ap);
	return p;
}

char *path_join(const char *dir, const char *name)
{
	size_t a = strlen(dir), b = strlen(name);
	char *p = xmalloc(a + b + 2);

	memcpy(p, dir, a);
	p[a] = '/';
	memcpy(p + a + 1, name, b);
	p[a + 1 + b] = '\0';
	return p;
}

int read_first_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	int r = 0;

	if (!f)
		return -errno;
	if (!fgets(buf, (int)len, f))
		r = -EIO;
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return r;
}

const char *scan_u64(const char *s, int base, uint64_t *out)
{
	char *end;
	unsigned long long v;

	while (*s == ' ' || *s == '\t')
		s++;
	if (!isxdigit((unsigned char)*s))
		return NULL;
	errno = 0;
	v = strtoull(s, &end, base);
	if (errno || end == s)
		return NULL;
	*out = v;
	return end;
}

void strv_push(struct strv *sv, char *s)
{
	if (sv->n + 1 >= sv->cap) {
		sv->cap = sv->cap ? sv->cap * 2 : 8;
		sv->v = xreallocarray(sv->v, sv->cap, sizeof(*sv->v));
	}
	sv->v[sv->n++] = s;
	sv->v[sv->n] = NULL;
}

void strv_clear(struct strv *sv)
{
	for (size_t i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	*sv = (struct strv){ 0 };
}

char *strv_join(char *const *v, size_t n, const char *sep)
{
	size_t len = 1, seplen = strlen(sep);
	char *s, *p;

	for (size_t i = 0; i < n; i++)
		len += strlen(v[i]) + (i ? seplen : 0);
	p = s = xmalloc(len);
	for (size_t i = 0; i < n; i++) {
		if (i)
			p = stpcpy(p, sep);
		p = stpcpy(p, v[i]);
	}
	*p = '\0';
	return s;
}

char *strtrim(char *s)
{
	size_t len;

	while (isspace((unsigned char)*s))
		s++;
	len = strlen(s);
	while (len && isspace((unsigned char)s[len - 1]))
		s[--len] = '\0';
	return s;
}

bool streq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

bool str_is_blank(const char *s)
{
	for (; *s; s++)
		if (!isspace((unsigned char)*s))
			return false;
	return true;
}

int parse_u64(const char *s, uint64_t *out)
{
	char *end;
	uintmax_t v;

	if (!s || !isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoumax(s, &end, 10);
	if (errno || *end || v > UINT64_MAX)
		return -EINVAL;
	*out = v;
	return 0;
}

int parse_int(const char *s, int min, int max, int *out)
{
	uint64_t v;
	bool neg = s && *s == '-';

	if (parse_u64(neg ? s + 1 : s, &v) < 0 || v > (uint64_t)INT64_MAX)
		return -EINVAL;
	int64_t sv = neg ? -(int64_t)v : (int64_t)v;
	if (sv < min || sv > max)
		return -ERANGE;
	*out = (int)sv;
	return 0;
}

const char *format_size(uint64_t bytes, char *buf, size_t len)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	double v = (double)bytes;
	size_t u = 0;

	while (v >= 1024.0 && u + 1 < ARRAY_SIZE(unit)) {
		v /= 1024.0;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%" PRIu64 " B", bytes);
	else
		snprintf(buf, len, "%.2f %s", v, unit[u]);
	return buf;
}

int read_file(const char *path, size_t max, char **out, size_t *len)
{
	/* O_NONBLOCK: opening a FIFO must not wait for a writer. Reads of a
	 * regular file ignore it. */
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

	if (fd < 0)
		return -errno;
	return read_fd(fd, max, out, len);
}

int read_stream(int fd, size_t max, size_t cap, char **out, size_t *len)
{
	char *buf = xmalloc(cap), *nul;
	size_t have = 0;

	for (;;) {
		ssize_t r;

		if (have + 1 >= cap) {
			if (cap > max) {
				free(buf);
				return -EFBIG;
			}
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		r = read(fd, buf + have, cap - have - 1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			int e = -errno;
			free(buf);
			return e;
		}
		if (r == 0)
			break;
		have += (size_t)r;
	}
	if (have > max) {
		free(buf);
		return -EFBIG;
	}
	/* Text read whole would silently end at a NUL byte. */
	nul = memchr(buf, '\0', have);
	if (nul) {
		if (len)
			*len = (size_t)(nul - buf);
		free(buf);
		return -EILSEQ;
	}
	buf[have] = '\0';
	*out = buf;
	if (len)
		*len = have;
	return 0;
}

int read_fd(int fd, size_t max, char **out, size_t *len)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	/* A FIFO or a socket could keep us waiting; a character device
	 * (/dev/null) is read as it is. */
	if (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode))
		return -ENOTREGULAR;
	if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > max)
		return -EFBIG;
	/* Room for the NUL and one byte more, so that the read that finds the
	 * end of a regular file does not first double (and copy) the buffer. */
	return read_stream(fd, max, S_ISREG(st.st_mode) ? (size_t)st.st_size + 2 : 4096, out,
			   len);
}

int log_read_error(int r, size_t at, const char *what, const char *path)
{
	if (r == -EILSEQ)
		log_error("%s %s has a NUL byte at offset %zu; it is not text, nothing was read "
			  "from it", what, path, at);
	else if (r == -ENOTREGULAR)
		log_error("%s %s is not a regular file (a FIFO or a socket?); refusing to read it",
			  what, path);
	else if (r == -EFBIG)
		log_error("%s %s is too large to be one", what, path);
	else
		log_error_errno(-r, "cannot read %s %s", what, path);
	return r;
}

int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* ".NAME.PID.tmp": the pid of a temporary of name, or 0. */
static pid_t temporary_pid(const char *entry, const char *name)
{
	size_t n = strlen(name);
	uint64_t pid;
	const char *end;

	if (entry[0] != '.' || strncmp(entry + 1, name, n) != 0 || entry[n + 1] != '.' ||
	    !isdigit((unsigned char)entry[n + 2]))
		return 0;
	end = scan_u64(entry + n + 2, 10, &pid);
	if (!end || strcmp(end, ".tmp") != 0 || pid == 0 || pid > INT32_MAX)
		return 0;
	return (pid_t)pid;
}

/* Temporaries of name left by writers that were killed before their rename:
 * their process is gone, so nothing will ever finish or remove them. One of
 * a live process may be a write under way and is left alone. */
static void remove_stale_temporaries(int dirfd, const char *name)
{
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *e;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((e = readdir(d))) {
		pid_t pid = temporary_pid(e->d_name, name);

		if (pid && pid != getpid() && kill(pid, 0) < 0 && errno == ESRCH)
			(void)unlinkat(dirfd, e->d_name, 0);
	}
	closedir(d);
}

int replace_file_at(int dirfd, const char *name, const char *shown, const void *data,
		    size_t len, const struct stat *like)
{
	char tmp[320];
	int fd, r = 0;

	remove_stale_temporaries(dirfd, name);
	snprintf(tmp, sizeof(tmp), ".%.250s.%d.tmp", name, (int)getpid());
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if (like && (fchmod(fd, like->st_mode & 07777) < 0 ||
		     (geteuid() == 0 && fchown(fd, like->st_uid, like->st_gid) < 0)))
		r = -errno;
	if (r == 0)
		r = write_all(fd, data, len);
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && renameat(dirfd, tmp, dirfd, name) < 0)
		r = -errno;
	if (r < 0) {
		(void)unlinkat(dirfd, tmp, 0);
		return r;
	}
	/* The rename is durable only once the directory is. It has happened,
	 * though: the change is made, and reporting a failure would have the
	 * caller act on a file that is not the one on disk. */
	if (fsync(dirfd) < 0)
		log_warn("%s was replaced, but its directory could not be synced (%s): the change "
			 "may not survive a crash of the machine", shown, strerror(errno));
	return 0;
}

int fail_with(char **err, char *msg)
{
	*err = msg;
	return -EINVAL;
}
