/* SPDX-License-Identifier: MIT */
/* A preload library that makes chosen calls fail, for tests/faults/run.
 *
 *   VPM_FAULT=fsync:3:EIO[,write:2+:ENOSPC...]
 *       fail the 3rd call of fsync with EIO ("2+": the 2nd and every later one)
 *   VPM_FAULT=mmap:1+:SIGBUS
 *       mmap and mmap64 only: succeed, but with a mapping of an empty file,
 *       so that the first access raises SIGBUS, as a store to a bad block
 *       of persistent memory does
 *   VPM_FAULT_COUNT=/path
 *       at exit, append one "name count" line per function called, and a
 *       "fired name N errno what" line per injected failure
 *
 * Each exported name counts on its own (open and open64 are two functions).
 * Counters are atomic: the program under test reads the host in a thread.
 * Counting starts when this library's constructor runs.
 *
 *   cc -shared -fPIC -o faultinject.so faultinject.c -ldl
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <unistd.h>

/* Not an errno: the mapping succeeds and its first access raises SIGBUS. */
#define FAULT_SIGBUS 100000

enum fn {
	FN_OPEN, FN_OPEN64, FN_OPENAT, FN_OPENAT64, FN_WRITE, FN_FSYNC, FN_RENAME,
	FN_RENAMEAT, FN_MMAP, FN_MMAP64, FN_FLOCK, FN_COUNT
};

static const char *const fn_names[FN_COUNT] = {
	"open", "open64", "openat", "openat64", "write", "fsync", "rename",
	"renameat", "mmap", "mmap64", "flock",
};

static const struct {
	const char *name;
	int value;
} errnos[] = {
	{ "EIO", EIO }, { "ENOSPC", ENOSPC }, { "EACCES", EACCES }, { "EINTR", EINTR },
	{ "EPERM", EPERM }, { "EROFS", EROFS }, { "EDQUOT", EDQUOT }, { "ENOMEM", ENOMEM },
	{ "EAGAIN", EAGAIN }, { "ENOLCK", ENOLCK }, { "EMFILE", EMFILE }, { "ENFILE", ENFILE },
	{ "EBADF", EBADF }, { "EFBIG", EFBIG }, { "ENODEV", ENODEV }, { "EEXIST", EEXIST },
	{ "ENOENT", ENOENT }, { "EXDEV", EXDEV }, { "EBUSY", EBUSY },
	{ "SIGBUS", FAULT_SIGBUS },
};

#define MAX_FAULTS 8

struct fault {
	enum fn fn;
	unsigned long nth;
	bool onward;            /* "N+": every call from the Nth on */
	int err;
	const char *err_name;
};

static struct fault faults[MAX_FAULTS];
static int n_faults;
static _Atomic unsigned long counts[FN_COUNT];
static void *real[FN_COUNT];

/* What fired, kept for the report at exit (written with the real calls). */
#define MAX_FIRED 64
static struct {
	enum fn fn;
	unsigned long nth;
	const char *err_name;
	char what[160];
} fired[MAX_FIRED];
static _Atomic int n_fired;

static void die(const char *msg, const char *arg)
{
	fprintf(stderr, "faultinject: %s%s\n", msg, arg ? arg : "");
	_exit(99);
}

static int errno_value(const char *name, const char **canon)
{
	for (size_t i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
		if (strcmp(errnos[i].name, name) == 0) {
			*canon = errnos[i].name;
			return errnos[i].value;
		}
	return 0;
}

/* "name:N[+]:ERRNO[,...]"; a bad specification is a broken test, so exit. */
static void parse_spec(const char *spec)
{
	static char copy[1024];
	char *save = NULL;

	if (strlen(spec) >= sizeof(copy))
		die("VPM_FAULT is too long: ", spec);
	strcpy(copy, spec);
	for (char *item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		char *name = item, *nth = strchr(name, ':'), *err, *end;
		struct fault *f;
		int k;

		if (n_faults == MAX_FAULTS)
			die("too many faults in VPM_FAULT=", spec);
		if (!nth || !(err = strchr(nth + 1, ':')))
			die("expected NAME:N:ERRNO in VPM_FAULT=", spec);
		*nth++ = '\0';
		*err++ = '\0';
		f = &faults[n_faults];
		for (k = 0; k < FN_COUNT && strcmp(fn_names[k], name) != 0; k++)
			;
		if (k == FN_COUNT)
			die("unknown function in VPM_FAULT: ", name);
		f->fn = (enum fn)k;
		errno = 0;
		f->nth = strtoul(nth, &end, 10);
		f->onward = *end == '+';
		if (errno || f->nth == 0 || end == nth || (*end && strcmp(end, "+") != 0))
			die("bad call number in VPM_FAULT: ", nth);
		if (!(f->err = errno_value(err, &f->err_name)))
			die("unknown errno name in VPM_FAULT: ", err);
		n_faults++;
	}
}

/* Calls made before this runs (a sanitizer runtime loaded ahead of this
 * library maps memory for itself) are neither counted nor failed: they are
 * not the program's. */
static _Atomic bool armed;

__attribute__((constructor)) static void setup(void)
{
	const char *spec = getenv("VPM_FAULT");

	if (spec && *spec)
		parse_spec(spec);
	atomic_store(&armed, true);
}

static void *resolve(enum fn fn)
{
	void *p = __atomic_load_n(&real[fn], __ATOMIC_ACQUIRE);

	if (!p) {
		p = dlsym(RTLD_NEXT, fn_names[fn]);
		if (!p)
			die("cannot find the real ", fn_names[fn]);
		__atomic_store_n(&real[fn], p, __ATOMIC_RELEASE);
	}
	return p;
}

/* Count this call; the errno to fail it with, or 0 to let it through. */
static int should_fail(enum fn fn, const char *what_fmt, ...)
{
	unsigned long n;

	if (!atomic_load(&armed))
		return 0;
	n = atomic_fetch_add(&counts[fn], 1) + 1;
	for (int i = 0; i < n_faults; i++) {
		const struct fault *f = &faults[i];

		if (f->fn != fn || !(n == f->nth || (f->onward && n > f->nth)))
			continue;
		int slot = atomic_fetch_add(&n_fired, 1);

		if (slot < MAX_FIRED) {
			va_list ap;

			fired[slot].fn = fn;
			fired[slot].nth = n;
			fired[slot].err_name = f->err_name;
			va_start(ap, what_fmt);
			vsnprintf(fired[slot].what, sizeof(fired[slot].what), what_fmt, ap);
			va_end(ap);
			/* one line: spaces are fine, newlines are not */
			for (char *c = fired[slot].what; *c; c++)
				if (*c == '\n')
					*c = ' ';
		}
		return f->err;
	}
	return 0;
}

__attribute__((destructor)) static void report(void)
{
	const char *path = getenv("VPM_FAULT_COUNT");
	int (*real_open)(const char *, int, ...) = resolve(FN_OPEN);
	ssize_t (*real_write)(int, const void *, size_t) = resolve(FN_WRITE);
	char buf[8192];
	size_t len = 0;
	int fd, nf = atomic_load(&n_fired);

	if (!path || !*path)
		return;
	for (int i = 0; i < FN_COUNT; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s %lu\n", fn_names[i],
					atomic_load(&counts[i]));
	for (int i = 0; i < nf && i < MAX_FIRED && len < sizeof(buf); i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "fired %s %lu %s %s\n",
					fn_names[fired[i].fn], fired[i].nth, fired[i].err_name,
					fired[i].what);
	if (len > sizeof(buf))
		len = sizeof(buf);
	/* one write of the whole report: reports of processes never interleave */
	fd = real_open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd >= 0) {
		(void)real_write(fd, buf, len);
		close(fd);
	}
}

static mode_t mode_arg(int flags, va_list ap)
{
	return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? va_arg(ap, mode_t) : 0;
}

#define FAIL_IF(fn, ...)                                   \
	do {                                               \
		int e_ = should_fail(fn, __VA_ARGS__);     \
		if (e_) {                                  \
			errno = e_;                        \
			return -1;                         \
		}                                          \
	} while (0)

int open(const char *path, int flags, ...)
{
	int (*f)(const char *, int, ...) = resolve(FN_OPEN);
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	FAIL_IF(FN_OPEN, "%s", path);
	return f(path, flags, mode);
}

int open64(const char *path, int flags, ...)
{
	int (*f)(const char *, int, ...) = resolve(FN_OPEN64);
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	FAIL_IF(FN_OPEN64, "%s", path);
	return f(path, flags, mode);
}

int openat(int dirfd, const char *path, int flags, ...)
{
	int (*f)(int, const char *, int, ...) = resolve(FN_OPENAT);
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	FAIL_IF(FN_OPENAT, "%s", path);
	return f(dirfd, path, flags, mode);
}

int openat64(int dirfd, const char *path, int flags, ...)
{
	int (*f)(int, const char *, int, ...) = resolve(FN_OPENAT64);
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	FAIL_IF(FN_OPENAT64, "%s", path);
	return f(dirfd, path, flags, mode);
}

ssize_t write(int fd, const void *buf, size_t len)
{
	ssize_t (*f)(int, const void *, size_t) = resolve(FN_WRITE);

	FAIL_IF(FN_WRITE, "fd %d, %zu bytes", fd, len);
	return f(fd, buf, len);
}

int fsync(int fd)
{
	int (*f)(int) = resolve(FN_FSYNC);

	FAIL_IF(FN_FSYNC, "fd %d", fd);
	return f(fd);
}

int rename(const char *from, const char *to)
{
	int (*f)(const char *, const char *) = resolve(FN_RENAME);

	FAIL_IF(FN_RENAME, "%s -> %s", from, to);
	return f(from, to);
}

int renameat(int fromfd, const char *from, int tofd, const char *to)
{
	int (*f)(int, const char *, int, const char *) = resolve(FN_RENAMEAT);

	FAIL_IF(FN_RENAMEAT, "%s -> %s", from, to);
	return f(fromfd, from, tofd, to);
}

/* A shared mapping of an empty memfd: every page lies past its end. */
static void *map_bad(void *addr, size_t len, int prot, int flags)
{
	void *(*f)(void *, size_t, int, int, int, off_t) = resolve(FN_MMAP);
	int fd = memfd_create("faultinject-sigbus", MFD_CLOEXEC);
	void *p;

	if (fd < 0)
		die("memfd_create failed", NULL);
	p = f(addr, len, prot, (flags & ~(MAP_POPULATE | MAP_PRIVATE)) | MAP_SHARED, fd, 0);
	close(fd);
	return p;
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	void *(*f)(void *, size_t, int, int, int, off_t) = resolve(FN_MMAP);
	int e = should_fail(FN_MMAP, "fd %d, %zu bytes at %lld", fd, len, (long long)off);

	if (e == FAULT_SIGBUS)
		return map_bad(addr, len, prot, flags);
	if (e) {
		errno = e;
		return MAP_FAILED;
	}
	return f(addr, len, prot, flags, fd, off);
}

void *mmap64(void *addr, size_t len, int prot, int flags, int fd, off64_t off)
{
	void *(*f)(void *, size_t, int, int, int, off64_t) = resolve(FN_MMAP64);
	int e = should_fail(FN_MMAP64, "fd %d, %zu bytes at %lld", fd, len, (long long)off);

	if (e == FAULT_SIGBUS)
		return map_bad(addr, len, prot, flags);
	if (e) {
		errno = e;
		return MAP_FAILED;
	}
	return f(addr, len, prot, flags, fd, off);
}

int flock(int fd, int op)
{
	int (*f)(int, int) = resolve(FN_FLOCK);

	FAIL_IF(FN_FLOCK, "fd %d, op %d", fd, op);
	return f(fd, op);
}
