/* timeit -o FILE CMD [ARG...]: run CMD once (stdin, stdout and stderr are
 * passed through), append the wall time from fork to reaped exit, in
 * nanoseconds, as one line to FILE, and exit with CMD's exit status (128+N
 * when killed by signal N, 127 when it cannot run). Built on the host by
 * tests/kernel/run --bench and copied into the guest, whose busybox date has
 * no %N. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct timespec t0, t1;
	FILE *out;
	pid_t pid;
	int status;

	if (argc < 4 || strcmp(argv[1], "-o") != 0) {
		fprintf(stderr, "usage: timeit -o FILE CMD [ARG...]\n");
		return 127;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid < 0) {
		perror("timeit: fork");
		return 127;
	}
	if (pid == 0) {
		execvp(argv[3], argv + 3);
		fprintf(stderr, "timeit: cannot run %s\n", argv[3]);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			perror("timeit: waitpid");
			return 127;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	out = fopen(argv[2], "a");
	if (!out || fprintf(out, "%lld\n", (long long)(t1.tv_sec - t0.tv_sec) * 1000000000LL +
						  (t1.tv_nsec - t0.tv_nsec)) < 0 || fclose(out) != 0) {
		perror("timeit: cannot write the time");
		return 127;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
