/* Unit tests: running programs; a missing one is told apart from one that
 * exits 127, and children get SIGPIPE back at its default. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "run.h"
#include "runlog.h"

/* The SigIgn mask a child of ours reports, read from its /proc status. */
static unsigned long child_ignored(void)
{
	char *argv[] = { "sed", "-n", "s/^SigIgn:[[:space:]]*//p", "/proc/self/status", NULL };
	char line[64] = "";
	pid_t pid;
	FILE *f = run_pipe(argv, "r", &pid);

	if (!f)
		return ~0UL;
	if (!fgets(line, sizeof line, f))
		line[0] = '\0';
	run_pipe_close(f, pid);
	return strtoul(line, NULL, 16);
}

int main(void)
{
	char *missing[] = { "tour-no-such-program", NULL };
	char *exit127[] = { "sh", "-c", "exit 127", NULL };
	char *exit3[] = { "sh", "-c", "echo oops >&2; exit 3", NULL };
	char *log = "unset";
	pid_t pid;

	errno = 0;
	CHECK(run_wait(missing) == -1 && errno == ENOENT);
	CHECK(run_wait(exit127) == 127);
	errno = 0;
	CHECK(run_pipe(missing, "r", &pid) == NULL && errno == ENOENT);
	errno = 0;
	CHECK(run_pipe(missing, "w", &pid) == NULL && errno == ENOENT);
	errno = 0;
	CHECK(run_log(missing, &log) == -1 && errno == ENOENT && log == NULL);
	CHECK(run_log(exit3, &log) == 3 && log && strcmp(log, "oops\n") == 0);
	free(log);

	signal(SIGPIPE, SIG_IGN);
	CHECK((child_ignored() & (1UL << (SIGPIPE - 1))) == 0);
	return check_done();
}
