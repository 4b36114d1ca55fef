/* rclone.c - rclone remotes through rclone's own commands, no mount */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "rclone.h"
#include "run.h"
#include "util.h"

int rclone_is_remote(const char *spec)
{
	const char *colon = strchr(spec, ':');

	/* A colon before any slash is rclone's own test for "remote:" */
	return colon && (colon == spec || !memchr(spec, '/', (size_t)(colon - spec)));
}

int rclone_copyto(const char *src, const char *dst)
{
	char *argv[] = { "rclone", "-q", "copyto", "--checksum", (char *)src, (char *)dst, NULL };

	return run_wait(argv);
}

int rclone_moveto(const char *src, const char *dst)
{
	char *argv[] = { "rclone", "-q", "moveto", (char *)src, (char *)dst, NULL };

	return run_wait(argv);
}

int rclone_copy(const char *src, const char *dst)
{
	char *argv[] = { "rclone", "-q", "copy", (char *)src, (char *)dst, NULL };

	return run_wait(argv);
}

int rclone_purge(const char *dir)
{
	char *argv[] = { "rclone", "-q", "purge", (char *)dir, NULL };

	return run_wait(argv);
}

/* Run argv and collect its stdout. */
static int capture(char *const argv[], char **data, size_t *len)
{
	size_t cap = 4096, used = 0, n;
	char *buf = emalloc(cap);
	pid_t pid;
	FILE *f = run_pipe(argv, "r", &pid);
	int status;

	*data = NULL;
	if (!f) {
		free(buf);
		return -1;
	}
	while ((n = fread(buf + used, 1, cap - used - 1, f)) > 0) {
		used += n;
		if (cap - used < 2)
			buf = erealloc(buf, cap *= 2);
	}
	status = run_pipe_close(f, pid);
	if (status != 0) {
		free(buf);
		return status;
	}
	buf[used] = '\0';
	*data = buf;
	*len = used;
	return 0;
}

int rclone_cat(const char *file, char **data, size_t *len)
{
	char *argv[] = { "rclone", "-q", "cat", (char *)file, NULL };

	return capture(argv, data, len);
}

int rclone_lsjson(const char *dir, cJSON **list)
{
	char *argv[] = { "rclone", "-q", "lsjson", "-R", "--files-only", (char *)dir, NULL };
	char *text;
	size_t len;
	int status = capture(argv, &text, &len);

	*list = NULL;
	if (status != 0)
		return status;
	*list = cJSON_Parse(text);
	free(text);
	if (!cJSON_IsArray(*list)) {
		cJSON_Delete(*list);
		*list = NULL;
		return RCLONE_BAD_OUTPUT;
	}
	return 0;
}

char *rclone_failure(const char *what, const char *args, int status)
{
	if (status == RCLONE_NOT_INSTALLED || (status < 0 && status != RCLONE_BAD_OUTPUT))
		die(EXIT_SYS, "cannot run rclone (is it installed? make deps)");
	if (status == RCLONE_BAD_OUTPUT)
		return estrfmt("rclone %s %s printed no JSON list", what, args);
	return estrfmt("rclone %s %s failed (exit %d)", what, args, status);
}
