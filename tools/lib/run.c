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
#include "util.h"

/* The child reports a failed exec through a close-on-exec pipe: the parent
 * reads its errno, or end-of-file once the exec has happened. A plain exit
 * 127 could not be told apart from a program that exits 127 itself. */
pid_t run_spawn(char *const argv[], int in, int out, int err)
{
	int report[2], child_errno, saved;
	ssize_t n;
	pid_t pid;

	if (pipe2(report, O_CLOEXEC) < 0)
		return -1;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		saved = errno;
		close(report[0]);
		close(report[1]);
		errno = saved;
		return -1;
	}
	if (pid == 0) {
		close(report[0]);
		/* an ignored SIGPIPE is inherited through exec: ffmpeg and
		 * the browser must die of a closed pipe as they expect to */
		signal(SIGPIPE, SIG_DFL);
		if ((in < 0 || dup2(in, STDIN_FILENO) >= 0) &&
		    (out < 0 || dup2(out, STDOUT_FILENO) >= 0) &&
		    (err < 0 || dup2(err, STDERR_FILENO) >= 0))
			execvp(argv[0], argv);
		child_errno = errno;
		if (write(report[1], &child_errno, sizeof child_errno) < 0)
			_exit(127);
		_exit(127);
	}
	close(report[1]);
	do
		n = read(report[0], &child_errno, sizeof child_errno);
	while (n < 0 && errno == EINTR);
	close(report[0]);
	if (n == (ssize_t)sizeof child_errno) {
		run_reap(pid);
		errno = child_errno;
		return -1;
	}
	return pid;
}

int run_reap(pid_t pid)
{
	return run_reap_any(&pid);
}

int run_reap_any(pid_t *pid)
{
	int status;
	pid_t got;

	while ((got = waitpid(*pid, &status, 0)) < 0)
		if (errno != EINTR)
			return -1;
	*pid = got;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

int run_wait(char *const argv[])
{
	pid_t pid = run_spawn(argv, -1, -1, -1);

	return pid < 0 ? -1 : run_reap(pid);
}

FILE *run_pipe(char *const argv[], const char *mode, pid_t *pid)
{
	int fds[2], child_end, parent_end, saved;
	int writing = mode[0] == 'w';
	FILE *f;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return NULL;
	child_end = writing ? fds[0] : fds[1];
	parent_end = writing ? fds[1] : fds[0];
	*pid = run_spawn(argv, writing ? child_end : -1, writing ? -1 : child_end, -1);
	saved = errno;
	close(child_end);
	if (*pid < 0) {
		close(parent_end);
		errno = saved;
		return NULL;
	}
	f = fdopen(parent_end, mode);
	if (!f) {
		saved = errno;
		close(parent_end);
		kill(*pid, SIGTERM);
		run_reap(*pid);
		errno = saved;
		return NULL;
	}
	return f;
}

int run_pipe_close(FILE *f, pid_t pid)
{
	fclose(f);
	return run_reap(pid);
}

void run_die_unstarted(const char *prog)
{
	if (errno == ENOENT)
		die(EXIT_SYS, "%s: not installed: run 'make deps'", prog);
	die(EXIT_SYS, "cannot run %s:", prog);
}
