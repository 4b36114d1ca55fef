/* runlog.c - run a program, keeping its stderr: ffmpeg reports measurements
 * (loudnorm, silencedetect) only there */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run.h"
#include "runlog.h"
#include "util.h"

int run_log(char *const argv[], char **log)
{
	int fds[2], devnull, saved;
	size_t len = 0, cap = 8192;
	char *buf;
	ssize_t n;
	pid_t pid;

	*log = NULL;
	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (devnull < 0)
		return -1;
	if (pipe2(fds, O_CLOEXEC) < 0) {
		saved = errno;
		close(devnull);
		errno = saved;
		return -1;
	}
	pid = run_spawn(argv, devnull, devnull, fds[1]);
	saved = errno;
	close(devnull);
	close(fds[1]);
	if (pid < 0) {
		close(fds[0]);
		errno = saved;
		return -1;
	}
	buf = emalloc(cap);
	for (;;) {
		if (len + 1 >= cap)
			buf = erealloc(buf, cap *= 2);
		n = read(fds[0], buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	close(fds[0]);
	*log = buf;
	return run_reap(pid);
}
