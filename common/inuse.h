/* SPDX-License-Identifier: MIT */
/* Who has a device open or mapped, from /proc: a namespace in use by a guest
 * (or anything else) must not be scrubbed under it. */
#ifndef VPM_INUSE_H
#define VPM_INUSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct stat;

struct inuse {
	pid_t pid;
	char comm[32];
	const char *how;    /* "open" or "mapped" */
	size_t target;      /* which of the targets (inuse_scan_many) */
};

/* Processes other than this one that hold any of the targets (files as
 * stat(2) gives them; another node of the same character device counts)
 * open or mapped, in one pass over proc ("/proc" normally): a user per
 * process and target it holds, "mapped" rather than "open" when both.
 * Returns how many (users malloc'd), or a negative errno when proc cannot
 * be read. */
int inuse_scan_many(const char *proc, const struct stat *targets, size_t n,
		    struct inuse **users);

/* Log, for each process holding devpath, that namespace name is open or
 * mapped by it; returns how many (1 also when devpath cannot be examined:
 * refuse rather than guess). A missing device counts 0: the scrub says so.
 * inuse_refuse_many does it for n namespaces in one scan of /proc. */
int inuse_refuse(const char *name, const char *devpath);
int inuse_refuse_many(const char *const *names, const char *const *devpaths, size_t n);

/* A scrub's check (scrub_check_fn) for one namespace: 0 while nothing holds
 * the device, else -EBUSY with the holders logged and busy set. */
struct inuse_check {
	const char *name, *devpath;
	bool busy;
};
int inuse_check_unused(void *check);

/* Whether st, fstat(2) of an opened device path, can be a namespace's device:
 * when rdev is known (libdaxctl) exactly that character device; otherwise a
 * regular file standing in for one, or a character device of the dax
 * subsystem (/sys/dev/char/MAJ:MIN/subsystem). Returns 0, or -EINVAL with
 * why saying what it is instead. */
int device_check(const struct stat *st, dev_t rdev, char *why, size_t size);

/* A device-dax name as the kernel makes them: "daxR.N", digits only. */
bool chardev_name_valid(const char *name);

/* When a process started (clock ticks since boot, from /proc/PID/stat): with
 * the pid it names one process, which a pid alone does not once pids wrap. */
int process_start_time(pid_t pid, uint64_t *start);

/* Whether the process that had that pid and start time still runs. */
bool process_running(pid_t pid, uint64_t start);

#endif
