/* child.c - a child process, its stderr, its exit status */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child.h"
#include "util.h"

volatile pid_t child_pid;

void tail_add(struct tail *t, const char *data, size_t n)
{
	size_t room = t->cap - 1, drop;

	if (n >= room) {
		data += n - room;
		n = room;
	}
	if (t->len + n > room) {
		drop = t->len + n - room;
		memmove(t->buf, t->buf + drop, t->len - drop);
		t->len -= drop;
	}
	memcpy(t->buf + t->len, data, n);
	t->len += n;
	t->buf[t->len] = '\0';
}

int child_run(void (*fn)(void *), void *arg, struct tail *messages)
{
	char buf[4096];
	ssize_t got;
	int fds[2], status;
	pid_t pid;

	messages->len = 0;
	messages->buf[0] = '\0';
	if (pipe2(fds, O_CLOEXEC) < 0)
		die(EXIT_SYS, "pipe:");
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		die(EXIT_SYS, "fork:");
	if (pid == 0) {
		dup2(fds[1], STDERR_FILENO);
		fn(arg);
		exit(EXIT_OK);
	}
	child_pid = pid;
	close(fds[1]);
	/* until every writer is gone: the child and whatever it started */
	while ((got = read(fds[0], buf, sizeof buf)) != 0) {
		if (got < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (write(STDERR_FILENO, buf, (size_t)got) < 0)
			break;
		tail_add(messages, buf, (size_t)got);
	}
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			die(EXIT_SYS, "waitpid:");
	child_pid = 0;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
