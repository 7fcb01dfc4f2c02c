/* SPDX-License-Identifier: MIT */
/* Zeroing a namespace in-process, through a shared mapping of its device (or
 * of a regular file standing in for it), with non-temporal stores and a fence
 * so that the zeroes reach the persistence domain rather than the cache. */
#ifndef VPM_SCRUB_H
#define VPM_SCRUB_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

typedef void (*scrub_progress_fn)(uint64_t done, uint64_t total, void *arg);

/* Whether the device may still be zeroed: 0 yes, else the scrub stops with
 * -EBUSY. Called once the device is open, before it is mapped, then between
 * the chunks of the calling thread. */
typedef int (*scrub_check_fn)(void *arg);

struct scrub_result {
	uint64_t bytes;       /* zeroed */
	double seconds;
	unsigned jobs;        /* threads that did it */
	char error[256];      /* empty on success */
	bool media_error;     /* a store met a bad block (SIGBUS) */
};

struct scrub_opts {
	unsigned jobs;        /* threads; 0: one below 1 GiB, else the node's CPUs, at most 8 */
	int numa_node;        /* the namespace's node, for the threads' CPUs; -1 */
	dev_t rdev;           /* the namespace's device number; 0 when unknown */
	scrub_progress_fn progress;
	void *arg;
	scrub_check_fn check;   /* NULL: none */
	void *check_arg;
};

/* Zero the first size bytes of path (for a regular file, size 0 means the
 * whole file). path must be what device_check() accepts (o->rdev), as the
 * opened file shows it: nothing else is ever opened for writing. align is the mapping alignment the device needs (0: page).
 * Chunks go to jobs threads, pinned to the CPUs of the namespace's NUMA node
 * when the host has more than one. o may be NULL (defaults). Returns 0 or a
 * negative errno with result->error saying what failed. */
int scrub_path(const char *path, uint64_t size, uint64_t align, const struct scrub_opts *o,
	       struct scrub_result *result);

/* scrub_path() for a namespace, with a progress line on a terminal when it
 * takes more than a second (and messages are not silenced). jobs 0: default.
 * rdev: its device number from libdaxctl, 0 when unknown. check (may be
 * NULL) as in struct scrub_opts. */
int scrub_namespace(const char *name, const char *devpath, dev_t rdev, uint64_t size,
		    uint64_t align, int numa_node, unsigned jobs, scrub_check_fn check,
		    void *check_arg, struct scrub_result *result);

/* The zeroing loop itself: len bytes at dst (64-byte aligned, len a multiple
 * of 64) with non-temporal stores, then a store fence. */
void zero_nt(void *dst, size_t len);
#if defined(__x86_64__)
/* Its two forms, which zero_nt picks by the CPU: the unit test runs both. */
void zero_nt_avx(void *dst, size_t len);
void zero_nt_sse2(void *dst, size_t len);
#endif

#endif
