/* run.h - run other programs from an argument vector, never through a shell */
#ifndef RUN_H
#define RUN_H

#include <stdio.h>
#include <sys/types.h>

/* Run argv[0] (looked up in PATH) and wait for it. Returns its exit status,
 * 128+signal when killed, or -1 (errno set) when it could not be started. */
int run_wait(char *const argv[]);

/* Start argv with its stdin (mode "w") or stdout (mode "r") connected to the
 * returned stream; *pid receives the child's pid. NULL on failure. */
FILE *run_pipe(char *const argv[], const char *mode, pid_t *pid);

/* Close a stream from run_pipe and wait for its child; result as run_wait. */
int run_pipe_close(FILE *f, pid_t pid);

#endif
