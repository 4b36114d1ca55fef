/* Unit tests: atomic and write-if-changed files, a log's last lines, JSON
 * errors with position. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "file.h"
#include "json.h"
#include "util.h"

static char dir[] = "/tmp/tour-unit.XXXXXX";

static char *in_dir(const char *name)
{
	return estrfmt("%s/%s", dir, name);
}

static int json_error_is(const char *text, const char *want)
{
	char *path = in_dir("t.json"), err[256];
	int sys = 0, ok;
	cJSON *v;

	write_file_atomic(path, text, strlen(text));
	v = json_load(path, err, sizeof err, &sys);
	ok = !v && !sys && strstr(err, want) != NULL;
	if (!ok)
		printf("# got \"%s\", want \"%s\"\n", v ? "(parsed)" : err, want);
	cJSON_Delete(v);
	free(path);
	return ok;
}

static int tail_is(const char *path, const char *text, int lines, const char *want)
{
	char *tail;
	int ok;

	write_file_atomic(path, text, strlen(text));
	tail = read_file_tail(path, lines);
	ok = want ? tail && !strcmp(tail, want) : !tail;
	if (!ok)
		printf("# got \"%s\", want \"%s\"\n", tail ? tail : "(none)", want ? want : "(none)");
	free(tail);
	return ok;
}

int main(void)
{
	char *a, *b, *text;
	struct stat st1, st2;
	size_t len;
	int sys = 0;
	char err[256];
	cJSON *v;

	if (!mkdtemp(dir))
		return 4;
	a = in_dir("sub/dir/a.txt");
	CHECK(mkdirs_for(a) == 0);
	CHECK(write_if_changed(a, "hello", 5) == 1);
	text = read_file(a, &len);
	CHECK(text && len == 5 && strcmp(text, "hello") == 0);
	free(text);
	stat(a, &st1);
	usleep(20000);
	CHECK(write_if_changed(a, "hello", 5) == 0);
	stat(a, &st2);
	CHECK(st1.st_mtim.tv_nsec == st2.st_mtim.tv_nsec && st1.st_mtime == st2.st_mtime);
	CHECK(write_if_changed(a, "hello!", 6) == 1);
	b = tmp_path_for(a);
	CHECK(strstr(b, "sub/dir/.a.txt.tmp.") != NULL);
	CHECK(access(b, F_OK) != 0);
	free(b);
	/* An empty path names no folder: an error, not a read past its end. */
	errno = 0;
	CHECK(mkdirs("") < 0 && errno == ENOENT);
	errno = 0;
	CHECK(mkdirs_for("") == 0);
	b = in_dir("missing");
	CHECK(read_file(b, &len) == NULL);
	CHECK(read_file_tail(b, 3) == NULL);
	free(b);

	/* a log's last lines, ended by a newline or not */
	b = in_dir("log");
	CHECK(tail_is(b, "a\nb\nc\nd\n", 2, "c\nd\n"));
	CHECK(tail_is(b, "a\nb\nc\nd", 2, "c\nd"));
	CHECK(tail_is(b, "a\nb\n", 5, "a\nb\n"));
	CHECK(tail_is(b, "only", 1, "only"));
	CHECK(tail_is(b, "", 3, NULL));
	free(b);

	CHECK(json_error_is("{\n  \"a\": 1,\n}\n", "line 3, column"));
	CHECK(json_error_is("{\"a\": [1, 2}", "line 1, column 12"));
	CHECK(json_error_is("{\"a\": 1", "unexpected end of file"));
	CHECK(json_error_is("{} x", "line 1, column 4"));
	write_file_atomic(a, "{\"n\": 2, \"s\": \"x\"}\n", 19);
	v = json_load(a, err, sizeof err, &sys);
	CHECK(v && json_num(v, "n", 0) == 2 && strcmp(json_str(v, "s", ""), "x") == 0);
	CHECK(json_num(v, "s", 7) == 7 && json_bool(v, "n", 1) == 1);
	cJSON_Delete(v);
	free(a);
	a = estrfmt("rm -rf %s", dir);
	CHECK(system(a) == 0);
	free(a);
	return check_done();
}
