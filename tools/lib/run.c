/* run.c - fork/exec helpers: spec text reaches programs as argv, not a shell */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run.h"

static int wait_status(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

int run_wait(char *const argv[])
{
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		execvp(argv[0], argv);
		fprintf(stderr, "%s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	return wait_status(pid);
}

FILE *run_pipe(char *const argv[], const char *mode, pid_t *pid)
{
	int fds[2], child_end, parent_end, child_fd;
	int writing = mode[0] == 'w';
	FILE *f;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return NULL;
	child_end = writing ? fds[0] : fds[1];
	parent_end = writing ? fds[1] : fds[0];
	child_fd = writing ? STDIN_FILENO : STDOUT_FILENO;
	fflush(NULL);
	*pid = fork();
	if (*pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return NULL;
	}
	if (*pid == 0) {
		if (dup2(child_end, child_fd) < 0)
			_exit(127);
		execvp(argv[0], argv);
		fprintf(stderr, "%s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(child_end);
	f = fdopen(parent_end, mode);
	if (!f) {
		close(parent_end);
		kill(*pid, SIGTERM);
		wait_status(*pid);
		return NULL;
	}
	return f;
}

int run_pipe_close(FILE *f, pid_t pid)
{
	fclose(f);
	return wait_status(pid);
}
