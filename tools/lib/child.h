/* child.h - run a function in a child process whose stderr passes through
 * ours, keeping its last messages: a failed attempt's reason */
#ifndef CHILD_H
#define CHILD_H

#include <signal.h>
#include <stddef.h>
#include <sys/types.h>

/* The newest bytes of a stream, at most cap - 1 of them, NUL-terminated. */
struct tail {
	char *buf;
	size_t len, cap;
};

/* Append n bytes, dropping the oldest so that the newest fit. */
void tail_add(struct tail *t, const char *data, size_t n);

/* The running child, 0 when none: a signal handler forwards to it. */
extern volatile pid_t child_pid;

/* Run fn(arg) in a child, which exits 0 when fn returns. Its stderr is
 * copied to ours as it comes and kept in messages (emptied first). Returns
 * its exit status, 128 + the signal when one killed it. */
int child_run(void (*fn)(void *), void *arg, struct tail *messages);

#endif
