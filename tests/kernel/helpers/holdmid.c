/* SPDX-License-Identifier: MIT */
/* holdmid PID FIRST SECOND READY: catch process PID (a vpmemctl release) while
 * it has device FIRST open, stop it there, map device SECOND, write READY,
 * let PID go on, and keep the mapping until killed. A holder that comes while
 * an earlier device of a claim is being zeroed, without a race on when.
 *
 * Exit status: 2 when PID ended or never opened FIRST within 60 s, 3 when
 * FIRST was closed again by the time PID stopped (caught too late), 1 for
 * any other failure. Built and copied into the guest by tests/kernel/run. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

/* 1: PID has path open, 0: it has not, -1: PID is gone. */
static int has_open(pid_t pid, const char *path)
{
	char dir[64], link[PATH_MAX + 64], target[PATH_MAX];
	struct dirent *e;
	DIR *d;
	int found = 0;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)pid);
	d = opendir(dir);
	if (!d)
		return -1;
	while (!found && (e = readdir(d))) {
		ssize_t n;

		if (e->d_name[0] == '.')
			continue;
		snprintf(link, sizeof(link), "%s/%s", dir, e->d_name);
		n = readlink(link, target, sizeof(target) - 1);
		if (n < 0)
			continue;
		target[n] = '\0';
		found = strcmp(target, path) == 0;
	}
	closedir(d);
	return found;
}

int main(int argc, char **argv)
{
	const struct timespec tick = { 0, 1000000 };
	pid_t pid;
	int fd, r = 0;
	FILE *ready;
	void *m;

	if (argc != 5) {
		fprintf(stderr, "usage: holdmid PID FIRST SECOND READY\n");
		return 1;
	}
	pid = (pid_t)atoi(argv[1]);
	for (int i = 0; i < 60000 && (r = has_open(pid, argv[2])) == 0; i++)
		nanosleep(&tick, NULL);
	if (r != 1) {
		fprintf(stderr, "holdmid: pid %d %s %s\n", (int)pid,
			r < 0 ? "ended before it opened" : "never opened", argv[2]);
		return 2;
	}
	if (kill(pid, SIGSTOP) != 0) {
		perror("holdmid: SIGSTOP");
		return 2;
	}
	if (has_open(pid, argv[2]) != 1) {
		fprintf(stderr, "holdmid: pid %d closed %s before it stopped\n", (int)pid,
			argv[2]);
		kill(pid, SIGCONT);
		return 3;
	}
	fd = open(argv[3], O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "holdmid: %s: %s\n", argv[3], strerror(errno));
		kill(pid, SIGCONT);
		return 1;
	}
	/* 2 MiB: the alignment of the fixture's devdax namespaces */
	m = mmap(NULL, 2 << 20, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (m == MAP_FAILED) {
		fprintf(stderr, "holdmid: mmap %s: %s\n", argv[3], strerror(errno));
		kill(pid, SIGCONT);
		return 1;
	}
	ready = fopen(argv[4], "w");
	if (!ready || fprintf(ready, "%d\n", (int)getpid()) < 0 || fclose(ready) != 0) {
		fprintf(stderr, "holdmid: cannot write %s\n", argv[4]);
		kill(pid, SIGCONT);
		return 1;
	}
	kill(pid, SIGCONT);
	for (;;)
		pause();
}
