/* run.h - run other programs from an argument vector, never through a shell */
#ifndef RUN_H
#define RUN_H

#include <stdio.h>
#include <sys/types.h>

/* Start argv[0] (looked up in PATH) with its stdin, stdout and stderr on
 * fds in, out and err (-1 leaves ours), SIGPIPE back at its default even
 * when we ignore it. Returns the child's pid once the exec has happened, or
 * -1 with errno set when it could not be started: ENOENT when the program
 * is not installed. A started program exits 127 only when it chose to. */
pid_t run_spawn(char *const argv[], int in, int out, int err);

/* Wait for a child from run_spawn. Returns its exit status, 128+signal when
 * killed, or -1 with errno when waitpid fails. */
int run_reap(pid_t pid);

/* As run_reap, for *pid, or for any child when *pid is -1; *pid is set
 * to the child that ended. */
int run_reap_any(pid_t *pid);

/* Run argv and wait for it. Returns its exit status, 128+signal when
 * killed, or -1 (errno set, ENOENT for a missing program) when it could not
 * be started. */
int run_wait(char *const argv[]);

/* Start argv with its stdin (mode "w") or stdout (mode "r") connected to the
 * returned stream; *pid receives the child's pid. NULL with errno set when
 * it could not be started (ENOENT: not installed). */
FILE *run_pipe(char *const argv[], const char *mode, pid_t *pid);

/* Close a stream from run_pipe and wait for its child; result as run_wait. */
int run_pipe_close(FILE *f, pid_t pid);

/* Die with EXIT_SYS for a program run_wait, run_pipe or run_log could not
 * start (errno as they left it), saying how to install a missing one:
 * "ffprobe: not installed: run 'make deps'". */
void run_die_unstarted(const char *prog) __attribute__((noreturn));

#endif
