/* SPDX-License-Identifier: MIT */
/* Small helpers shared by every module: cleanup attributes, checked
 * allocation, string vectors. */
#ifndef VPM_UTIL_H
#define VPM_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static inline void freep(void *p) { free(*(void **)p); }
static inline void closep(int *fd) { if (*fd >= 0) close(*fd); }
static inline void fclosep(FILE **f) { if (*f) fclose(*f); }
#define _cleanup_free_ __attribute__((cleanup(freep)))
#define _cleanup_close_ __attribute__((cleanup(closep)))
#define _cleanup_fclose_ __attribute__((cleanup(fclosep)))

/* Allocation failure is not recoverable in a short-lived command: oom()
 * says so and exits 1, and the x* functions call it. */
__attribute__((noreturn)) void oom(void);
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* A growable NULL-terminated vector of owned strings. */
struct strv {
	char **v;
	size_t n;
	size_t cap;
};
void strv_push(struct strv *sv, char *s);               /* takes ownership */
void strv_clear(struct strv *sv);
/* v[0..n) with sep between them, malloc'd; "" when n is 0. */
char *strv_join(char *const *v, size_t n, const char *sep);

/* "dir/name", malloc'd. */
char *path_join(const char *dir, const char *name);

/* Replace dirfd/name by data in one step: a temporary ".NAME.PID.tmp"
 * beside it (O_EXCL, O_NOFOLLOW) with mode and owner of like (mode 0600 when
 * like is NULL), written, fsynced, renamed over name, then the directory
 * fsynced. Returns 0, or -errno before the rename (name untouched, the
 * temporary removed). Once renamed the change is made: a failed sync of the
 * directory is logged as a warning, naming shown. Temporaries of name whose
 * process is gone (a writer killed mid-write) are removed first. */
int replace_file_at(int dirfd, const char *name, const char *shown, const void *data,
		    size_t len, const struct stat *like);

int write_all(int fd, const void *buf, size_t len);

/* The first line of a (small) file, without its newline. 0 or -errno. */
int read_first_line(const char *path, char *buf, size_t len);

/* A number at s (blanks skipped) in base; returns where it ends, or NULL
 * when there is none or it overflows. */
const char *scan_u64(const char *s, int base, uint64_t *out);

/* Trim ASCII whitespace at both ends, in place; returns s. */
char *strtrim(char *s);
bool streq(const char *a, const char *b);
bool str_is_blank(const char *s);

/* Parse a whole string as a non-negative decimal integer. */
/* *err = msg (malloc'd), and -EINVAL: a parser's refusal with its reason. */
int fail_with(char **err, char *msg);

int parse_u64(const char *s, uint64_t *out);
int parse_int(const char *s, int min, int max, int *out);

/* "6.00 GiB"; buf of at least 32 bytes. */
const char *format_size(uint64_t bytes, char *buf, size_t len);

/* A file that is neither regular nor a character device (a FIFO, a socket). */
#define ENOTREGULAR EBADFD

/* Read a whole text file into a NUL-terminated buffer, malloc'd. Returns 0
 * or -errno: -EFBIG for more than max bytes, -ENOTREGULAR for a FIFO or a
 * socket (never waited on), -EILSEQ for a NUL byte in it, with *len (when
 * given) its offset. */
int read_file(const char *path, size_t max, char **out, size_t *len);
/* The same, from an open file. */
int read_fd(int fd, size_t max, char **out, size_t *len);
/* The same from any descriptor, a pipe included (it may keep us waiting),
 * starting with a buffer of cap bytes. */
int read_stream(int fd, size_t max, size_t cap, char **out, size_t *len);
/* Log why read_file failed: "WHAT PATH has a NUL byte at offset AT", "...
 * is not a regular file", or "cannot read WHAT PATH: reason". Returns r. */
int log_read_error(int r, size_t at, const char *what, const char *path);

#endif
