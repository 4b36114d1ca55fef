/* runlog.h - run a program and keep what it says on stderr */
#ifndef RUNLOG_H
#define RUNLOG_H

/* Run argv (no shell) with its stderr collected; stdout and stdin are
 * /dev/null. Returns the exit status as run_wait does, or -1 with errno
 * (ENOENT: not installed) and *log NULL when it could not be started;
 * otherwise *log receives the stderr text (malloc'd, NUL-terminated). */
int run_log(char *const argv[], char **log);

#endif
