/* SPDX-License-Identifier: MIT */
/* Scrub throughput side by side with the baseline it must stay close to: a
 * plain single-thread loop of non-temporal 32-byte stores (and memset) over
 * a fresh shared mapping of the same file, alternated so that both see the
 * same machine. Prints one CSV line per method: method,reps,median_s,GiB_s.
 *
 *   bench_scrub FILE SIZE_MIB REPS */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "scrub.h"

#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("avx")))
static void nt_loop(void *dst, size_t len)
{
	__m256i z = _mm256_setzero_si256();

	for (char *p = dst; p < (char *)dst + len; p += 32)
		_mm256_stream_si256((__m256i *)p, z);
	_mm_sfence();
}
#else
static void nt_loop(void *dst, size_t len)
{
	memset(dst, 0, len);
}
#endif

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double mapped(const char *path, size_t len, void (*fn)(void *, size_t))
{
	int fd = open(path, O_RDWR);
	double t0 = now();
	void *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, 0);

	if (fd < 0 || m == MAP_FAILED) {
		perror(path);
		exit(1);
	}
	fn(m, len);
	msync(m, len, MS_SYNC);
	munmap(m, len);
	close(fd);
	return now() - t0;
}

static void do_memset(void *p, size_t len)
{
	memset(p, 0, len);
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	const char *path;
	size_t len;
	int reps;
	double *t[4];
	char jobs_name[32];
	const char *names[] = { "nt_loop", "memset", "vpmemctl_scrub", jobs_name };
	unsigned jobs = (unsigned)sysconf(_SC_NPROCESSORS_ONLN);

	if (argc != 4) {
		fprintf(stderr, "usage: bench_scrub FILE SIZE_MIB REPS\n");
		return 2;
	}
	path = argv[1];
	len = (size_t)atol(argv[2]) << 20;
	reps = atoi(argv[3]);
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || ftruncate(fd, (off_t)len) < 0) {
		perror(path);
		return 1;
	}
	close(fd);
	if (jobs > 8)
		jobs = 8;
	snprintf(jobs_name, sizeof(jobs_name), "vpmemctl_scrub_%ujobs", jobs);
	for (int m = 0; m < 4; m++)
		t[m] = calloc((size_t)reps, sizeof(double));
	mapped(path, len, nt_loop); /* allocate the file's pages once */
	for (int i = 0; i < reps; i++) {
		struct scrub_result res;

		t[0][i] = mapped(path, len, nt_loop);
		t[1][i] = mapped(path, len, do_memset);
		struct scrub_opts one = { .jobs = 1, .numa_node = -1 };

		if (scrub_path(path, len, 0, &one, &res) < 0) {
			fprintf(stderr, "scrub: %s\n", res.error);
			return 1;
		}
		t[2][i] = res.seconds;
		struct scrub_opts many = { .jobs = jobs, .numa_node = -1 };

		if (scrub_path(path, len, 0, &many, &res) < 0) {
			fprintf(stderr, "scrub: %s\n", res.error);
			return 1;
		}
		t[3][i] = res.seconds;
	}
	printf("method,reps,median_s,min_s,max_s,GiB_s\n");
	for (int m = 0; m < 4; m++) {
		qsort(t[m], (size_t)reps, sizeof(double), cmp);
		double med = t[m][reps / 2];

		printf("%s,%d,%.6f,%.6f,%.6f,%.3f\n", names[m], reps, med, t[m][0], t[m][reps - 1],
		       (double)len / med / (1 << 30));
	}
	return 0;
}
