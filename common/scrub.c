/* SPDX-License-Identifier: MIT */
#include "scrub.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "inuse.h"
#include "log.h"
#include "util.h"

#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("avx")))
void zero_nt_avx(void *dst, size_t len)
{
	__m256i z = _mm256_setzero_si256();
	char *p = dst, *end = p + len;

	for (; p < end; p += 64) {
		_mm256_stream_si256((__m256i *)p, z);
		_mm256_stream_si256((__m256i *)(p + 32), z);
	}
	_mm_sfence();
}

void zero_nt_sse2(void *dst, size_t len)
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
 * SIGBUS on the store, in the thread that made it; turn it into an error of
 * that thread's chunk instead of a crash. */
static _Thread_local sigjmp_buf bus_jump;
static _Thread_local volatile sig_atomic_t bus_armed;

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
#define MAX_JOBS 64

/* Shared by the threads of one scrub: they take chunks in turn. */
struct job {
	int fd;
	bool is_file;
	const char *path;
	uint64_t size, chunk, slice, n_slices;
	_Atomic uint64_t next, done;
	_Atomic bool stop;
	pthread_mutex_t lock;
	int r;                  /* the first error, under lock */
	char error[256];
	_Atomic bool media_error;
	const cpu_set_t *cpus;  /* the namespace's NUMA node, or NULL */
};

static void job_fail(struct job *j, int r, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void job_fail(struct job *j, int r, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&j->lock);
	if (!j->r) {
		j->r = r;
		va_start(ap, fmt);
		vsnprintf(j->error, sizeof(j->error), fmt, ap);
		va_end(ap);
	}
	pthread_mutex_unlock(&j->lock);
	j->stop = true;
}

/* Each thread maps its slice of the device once and zeroes it a chunk at a
 * time, so progress can be shown and a media error pinned to a chunk; one
 * mapping rather than one per chunk spares the unmapping's TLB shootdowns. */
static void work(struct job *j, const struct scrub_opts *o)
{
	scrub_progress_fn progress = o ? o->progress : NULL;

	for (;;) {
		uint64_t s = atomic_fetch_add(&j->next, 1), off, len;
		char *map;

		if (s >= j->n_slices || j->stop)
			return;
		off = s * j->slice;
		if (off >= j->size)
			return;
		len = j->size - off < j->slice ? j->size - off : j->slice;
		/* A file's pages are brought in by one call rather than a fault
		 * each. A device-dax mapping is not populated: that costs about
		 * as much again as zeroing it (43 ms per 512 MiB, measured in the
		 * guest of tests/kernel), while the stores fault it in at the
		 * region's alignment (2 MiB) for next to nothing. */
		map = mmap(NULL, len, PROT_READ | PROT_WRITE,
			   MAP_SHARED | (j->is_file ? MAP_POPULATE : 0), j->fd, (off_t)off);
		if (map == MAP_FAILED) {
			job_fail(j, -errno, "cannot map %s at offset %" PRIu64 ": %s", j->path, off,
				 strerror(errno));
			return;
		}
		for (uint64_t pos = 0; pos < len && !j->stop; pos += j->chunk) {
			uint64_t n = len - pos < j->chunk ? len - pos : j->chunk;

			if (zero_mapping(map + pos, (size_t)n) < 0) {
				j->media_error = true;
				job_fail(j, -EIO, "media error (SIGBUS) writing %s within offset "
					 "%" PRIu64 "..%" PRIu64, j->path, off + pos, off + pos + n);
				break;
			}
			if (j->is_file && msync(map + pos, n, MS_SYNC) < 0) {
				job_fail(j, -errno, "cannot write back %s: %s", j->path,
					 strerror(errno));
				break;
			}
			atomic_fetch_add(&j->done, n);
			if (progress)
				progress(j->done, j->size, o->arg);
			/* Stop the other threads too as soon as the device is found in use. */
			if (o && o->check && o->check(o->check_arg)) {
				job_fail(j, -EBUSY, "%s came into use during its scrub", j->path);
				break;
			}
		}
		munmap(map, len);
	}
}

static void *worker(void *arg)
{
	struct job *j = arg;

	if (j->cpus)
		pthread_setaffinity_np(pthread_self(), sizeof(*j->cpus), j->cpus);
	work(j, NULL);
	return NULL;
}

/* The CPUs of a NUMA node, when the host has more than one node: scrubbing
 * from the node the memory sits on keeps the stores off the interconnect. */
static bool node_cpus(int node, cpu_set_t *set)
{
	char path[96], buf[4096];

	if (node < 0)
		return false;
	/* One node online ("0") means nothing to choose. */
	if (read_first_line("/sys/devices/system/node/online", buf, sizeof(buf)) < 0 ||
	    !strpbrk(buf, ",-"))
		return false;
	snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/cpulist", node);
	if (read_first_line(path, buf, sizeof(buf)) < 0)
		return false;
	CPU_ZERO(set);
	/* "0-3,8-11" */
	for (const char *p = buf; *p;) {
		uint64_t lo, hi;

		if (!(p = scan_u64(p, 10, &lo)))
			break;
		hi = lo;
		if (*p == '-' && !(p = scan_u64(p + 1, 10, &hi)))
			break;
		for (uint64_t c = lo; c <= hi && c < CPU_SETSIZE; c++)
			CPU_SET((int)c, set);
		if (*p == ',')
			p++;
		else
			break;
	}
	return CPU_COUNT(set) > 0;
}

/* One thread below 1 GiB; else the CPUs of the node (node_cpus, when the
 * host has several nodes) or those online, at most 8. */
static unsigned default_jobs(uint64_t size, const cpu_set_t *node)
{
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned cpus = node ? (unsigned)CPU_COUNT(node) : online > 0 ? (unsigned)online : 1;

	/* Below a GiB a scrub takes a fraction of a second: one thread. */
	if (size < (1ull << 30))
		return 1;
	return cpus < 8 ? cpus : 8;
}

/* Open path for writing only once the file itself (O_PATH, no symlink
 * followed) has been seen to be the namespace's device: opened again through
 * its descriptor, it is the same file, whatever happened to the name. */
static int open_device(const char *path, dev_t rdev, struct stat *st, struct scrub_result *res)
{
	_cleanup_close_ int pfd = -1;
	char why[160], self[64];
	int fd;

	pfd = open(path, O_PATH | O_CLOEXEC | O_NOFOLLOW);
	if (pfd < 0 || fstat(pfd, st) < 0) {
		fd = errno ? -errno : -EIO;
		snprintf(res->error, sizeof(res->error), "cannot open %s: %s", path, strerror(-fd));
		return fd;
	}
	if (device_check(st, rdev, why, sizeof(why)) < 0) {
		snprintf(res->error, sizeof(res->error), "%s is not the namespace's device: %s",
			 path, why);
		return -EINVAL;
	}
	snprintf(self, sizeof(self), "/proc/self/fd/%d", pfd);
	do
		fd = open(self, O_RDWR | O_CLOEXEC | O_NOCTTY);
	while (fd < 0 && errno == EINTR);
	if (fd < 0) {
		fd = -errno;
		snprintf(res->error, sizeof(res->error), "cannot open %s: %s", path, strerror(-fd));
	}
	return fd;
}

int scrub_path(const char *path, uint64_t size, uint64_t align, const struct scrub_opts *o,
	       struct scrub_result *res)
{
	_cleanup_close_ int fd = -1;
	struct sigaction sa = { .sa_handler = on_sigbus }, old;
	struct timespec t0;
	struct stat st = { 0 };
	uint64_t tail = 0;
	pthread_t threads[MAX_JOBS];
	unsigned jobs, started = 0;
	cpu_set_t cpus, saved;
	bool pinned, is_file;
	struct job *j;
	int r = 0;

	*res = (struct scrub_result){ 0 };
	clock_gettime(CLOCK_MONOTONIC, &t0);
	r = open_device(path, o ? o->rdev : 0, &st, res);
	if (r < 0)
		return r;
	fd = r;
	is_file = S_ISREG(st.st_mode);
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
	/* Open first, then look for holders: one that opens or maps the device
	 * after this check is still seen by the checks between chunks. */
	if (o && o->check && o->check(o->check_arg)) {
		snprintf(res->error, sizeof(res->error), "%s is in use; it was not zeroed", path);
		res->seconds = elapsed(&t0);
		return -EBUSY;
	}

	j = xcalloc(1, sizeof(*j));
	j->fd = fd;
	j->is_file = is_file;
	j->path = path;
	j->size = size;
	/* Chunks are whole multiples of the device alignment, so each maps on
	 * its own; page tables stay small and progress can be shown. */
	j->chunk = CHUNK < align ? align : CHUNK - CHUNK % align;
	pthread_mutex_init(&j->lock, NULL);
	/* The node's CPUs, read once: they set the default and pin the threads. */
	pinned = node_cpus(o ? o->numa_node : -1, &cpus);
	jobs = o && o->jobs ? o->jobs : default_jobs(size, pinned ? &cpus : NULL);
	/* No more threads than chunks. Each thread gets one slice, as even as
	 * whole multiples of the alignment allow (a mapping starts on one):
	 * 1070 MiB on two threads is 536 and 534 MiB, not 768 and 302. */
	if (jobs > (size + j->chunk - 1) / j->chunk)
		jobs = (unsigned)((size + j->chunk - 1) / j->chunk);
	if (jobs > MAX_JOBS)
		jobs = MAX_JOBS;
	if (jobs == 0)
		jobs = 1;
	j->slice = ((size + jobs - 1) / jobs + align - 1) / align * align;
	if (!j->slice)
		j->slice = j->chunk;
	j->n_slices = (size + j->slice - 1) / j->slice;
	/* rounding the slices up to the alignment may leave fewer than threads */
	if (j->n_slices && jobs > j->n_slices)
		jobs = (unsigned)j->n_slices;
	if (pinned) {
		j->cpus = &cpus;
		pthread_getaffinity_np(pthread_self(), sizeof(saved), &saved);
		pthread_setaffinity_np(pthread_self(), sizeof(cpus), &cpus);
	}

	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, &old);
	for (unsigned i = 1; i < jobs; i++)
		if (pthread_create(&threads[started], NULL, worker, j) == 0)
			started++;
	work(j, o);
	for (unsigned i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	sigaction(SIGBUS, &old, NULL);
	if (pinned)
		pthread_setaffinity_np(pthread_self(), sizeof(saved), &saved);

	r = j->r;
	if (r < 0)
		snprintf(res->error, sizeof(res->error), "%s", j->error);
	res->media_error = j->media_error;
	res->bytes = j->done;
	res->jobs = started + 1;
	pthread_mutex_destroy(&j->lock);
	free(j);
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
	while (r == 0 && is_file && fsync(fd) < 0) {
		if (errno == EINTR)
			continue;
		r = -errno;
		snprintf(res->error, sizeof(res->error), "cannot sync %s: %s", path, strerror(-r));
	}
	res->seconds = elapsed(&t0);
	return r;
}

struct progress {
	const char *name;
	struct timespec start;
	double delay;           /* seconds before the line appears */
	bool shown;
};

static void show_progress(uint64_t done, uint64_t total, void *arg)
{
	struct progress *p = arg;
	double secs = elapsed(&p->start);
	char d[32], t[32];

	if (secs < p->delay && !p->shown)
		return;
	p->shown = true;
	fprintf(stderr, "\rvpmemctl: scrubbing %s: %3.0f%% (%s of %s, %.1f GiB/s)", p->name,
		100.0 * (double)done / (double)total, format_size(done, d, sizeof(d)),
		format_size(total, t, sizeof(t)), (double)done / secs / (1 << 30));
	if (done == total)
		fputc('\n', stderr);
}

int scrub_namespace(const char *name, const char *devpath, dev_t rdev, uint64_t size,
		    uint64_t align, int numa_node, unsigned jobs, scrub_check_fn check,
		    void *check_arg, struct scrub_result *result)
{
	/* A scrub shorter than a second needs no progress line; the delay can
	 * be changed (VPMEMCTL_PROGRESS_DELAY, seconds). */
	const char *delay = getenv("VPMEMCTL_PROGRESS_DELAY");
	struct progress p = { .name = name, .delay = 1.0 };
	bool tty = isatty(STDERR_FILENO) && log_get_level() >= LOG_LEVEL_INFO;

	if (delay && *delay) {
		char *end;
		double d = strtod(delay, &end);

		if (!*end && d >= 0)
			p.delay = d;
	}
	struct scrub_opts o = {
		.jobs = jobs, .numa_node = numa_node, .rdev = rdev,
		.progress = tty ? show_progress : NULL, .arg = &p,
		.check = check, .check_arg = check_arg,
	};

	clock_gettime(CLOCK_MONOTONIC, &p.start);
	return scrub_path(devpath, size, align, &o, result);
}
