/* SPDX-License-Identifier: MIT */
#include "scrub.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("avx")))
static void zero_nt_avx(void *dst, size_t len)
{
	__m256i z = _mm256_setzero_si256();
	char *p = dst, *end = p + len;

	for (; p < end; p += 64) {
		_mm256_stream_si256((__m256i *)p, z);
		_mm256_stream_si256((__m256i *)(p + 32), z);
	}
	_mm_sfence();
}

static void zero_nt_sse2(void *dst, size_t len)
{
	__m128i z = _mm_setzero_si128();
	char *p = dst, *end = p + len;

	for (; p < end; p += 64) {
		_mm_stream_si128((__m128i *)p, z);
		_mm_stream_si128((__m128i *)(p + 16), z);
		_mm_stream_si128((__m128i *)(p + 32), z);
		_mm_stream_si128((__m128i *)(p + 48), z);
	}
	_mm_sfence();
}

void zero_nt(void *dst, size_t len)
{
	if (__builtin_cpu_supports("avx"))
		zero_nt_avx(dst, len);
	else
		zero_nt_sse2(dst, len);
}
#else
void zero_nt(void *dst, size_t len)
{
	/* Without x86 streaming stores: plain stores; msync() after each chunk
	 * writes a file back, and a device-dax mapping has no page cache. */
	memset(dst, 0, len);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}
#endif

/* A media error (poisoned line) in a mapping of persistent memory arrives as
 * SIGBUS on the store; turn it into an error instead of a crash. */
static sigjmp_buf bus_jump;
static volatile sig_atomic_t bus_armed;

static void on_sigbus(int sig)
{
	(void)sig;
	if (bus_armed)
		siglongjmp(bus_jump, 1);
	signal(SIGBUS, SIG_DFL);
	raise(SIGBUS);
}

/* Zero one mapping; -EIO when the media failed under a store. Kept apart
 * so that nothing live across sigsetjmp changes. */
static int zero_mapping(void *map, size_t len)
{
	if (sigsetjmp(bus_jump, 1)) {
		bus_armed = 0;
		return -EIO;
	}
	bus_armed = 1;
	zero_nt(map, len - len % 64);
	if (len % 64)
		memset((char *)map + len - len % 64, 0, len % 64);
	bus_armed = 0;
	return 0;
}

static double elapsed(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

#define CHUNK (256ull << 20)

int scrub_path(const char *path, uint64_t size, uint64_t align, scrub_progress_fn progress,
	       void *arg, struct scrub_result *res)
{
	_cleanup_close_ int fd = -1;
	struct sigaction sa = { .sa_handler = on_sigbus }, old;
	struct timespec t0;
	struct stat st;
	uint64_t chunk, off = 0, tail = 0;
	bool is_file;
	int r = 0;

	*res = (struct scrub_result){ 0 };
	clock_gettime(CLOCK_MONOTONIC, &t0);
	fd = open(path, O_RDWR | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
	if (fd < 0 || fstat(fd, &st) < 0) {
		r = -errno;
		snprintf(res->error, sizeof(res->error), "cannot open %s: %s", path, strerror(-r));
		return r;
	}
	is_file = S_ISREG(st.st_mode);
	if (!is_file && !S_ISCHR(st.st_mode)) {
		snprintf(res->error, sizeof(res->error), "%s is neither a character device nor a "
			 "regular file", path);
		return -EINVAL;
	}
	if (is_file && (size == 0 || size > (uint64_t)st.st_size))
		size = (uint64_t)st.st_size; /* a stand-in may be smaller than the namespace */
	/* A file maps at page granularity; a device-dax at its region's. */
	if (is_file || align < (uint64_t)sysconf(_SC_PAGESIZE))
		align = (uint64_t)sysconf(_SC_PAGESIZE);
	if (is_file && size % align) {
		tail = size % align; /* past the last whole page: zeroed with pwrite */
		size -= tail;
	}
	if (size % align) {
		snprintf(res->error, sizeof(res->error), "%s: size %llu is not a multiple of the "
			 "alignment %llu", path, (unsigned long long)size, (unsigned long long)align);
		return -EINVAL;
	}
	/* Map in chunks that are whole multiples of the device alignment, so
	 * page tables stay small and progress can be shown. */
	chunk = CHUNK < align ? align : CHUNK - CHUNK % align;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, &old);
	while (off < size) {
		uint64_t len = size - off < chunk ? size - off : chunk;
		void *map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd,
					  (off_t)off);

		if (map == MAP_FAILED) {
			r = -errno;
			snprintf(res->error, sizeof(res->error), "cannot map %s at offset %llu: %s",
				 path, (unsigned long long)off, strerror(-r));
			break;
		}
		if (zero_mapping(map, (size_t)len) < 0) {
			munmap(map, len);
			r = -EIO;
			snprintf(res->error, sizeof(res->error), "media error (SIGBUS) writing %s "
				 "within offset %llu..%llu", path, (unsigned long long)off,
				 (unsigned long long)(off + len));
			break;
		}
		if (is_file && msync(map, len, MS_SYNC) < 0) {
			r = -errno;
			snprintf(res->error, sizeof(res->error), "cannot write back %s: %s", path,
				 strerror(-r));
			munmap(map, len);
			break;
		}
		munmap(map, len);
		off += len;
		res->bytes = off;
		if (progress)
			progress(off, size, arg);
	}
	sigaction(SIGBUS, &old, NULL);
	if (r == 0 && tail) {
		_cleanup_free_ char *zeros = xcalloc(1, (size_t)tail);

		if (pwrite(fd, zeros, (size_t)tail, (off_t)size) != (ssize_t)tail) {
			r = errno ? -errno : -EIO;
			snprintf(res->error, sizeof(res->error), "cannot write %s: %s", path,
				 strerror(-r));
		} else {
			res->bytes += tail;
		}
	}
	if (r == 0 && is_file && fsync(fd) < 0) {
		r = -errno;
		snprintf(res->error, sizeof(res->error), "cannot sync %s: %s", path, strerror(-r));
	}
	res->seconds = elapsed(&t0);
	return r;
}

struct progress {
	const char *name;
	struct timespec start;
	bool shown;
};

static void show_progress(uint64_t done, uint64_t total, void *arg)
{
	struct progress *p = arg;
	double secs = elapsed(&p->start);
	char d[32], t[32];

	if (secs < 1.0 && !p->shown)
		return;
	p->shown = true;
	fprintf(stderr, "\rvpmemctl: scrubbing %s: %3.0f%% (%s of %s, %.1f GiB/s)", p->name,
		100.0 * (double)done / (double)total, format_size(done, d, sizeof(d)),
		format_size(total, t, sizeof(t)), (double)done / secs / (1 << 30));
	if (done == total)
		fputc('\n', stderr);
}

int scrub_namespace(const char *name, const char *devpath, uint64_t size, uint64_t align,
		    struct scrub_result *result)
{
	struct progress p = { .name = name };
	bool tty = isatty(STDERR_FILENO) && log_get_level() >= LOG_LEVEL_INFO;

	clock_gettime(CLOCK_MONOTONIC, &p.start);
	return scrub_path(devpath, size, align, tty ? show_progress : NULL, &p, result);
}
