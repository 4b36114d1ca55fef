/* Unit tests: job ids, where the jobs folder is, the pending job record,
 * and which names are rclone remotes. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "file.h"
#include "jobs.h"
#include "rclone.h"
#include "util.h"

static char home[] = "/tmp/tour-unit.XXXXXX";

static char *under_home(const char *path)
{
	return estrfmt("%s/%s", home, path);
}

/* jobs_folder for backend with home as $HOME; returns whether it found want
 * (a path under home, or NULL for "none, with a reason"). */
static int finds(const char *backend, const char *drive, const char *want)
{
	char *why, *got = jobs_folder(backend, drive, home, &why), *expect;
	int ok;

	if (!want) {
		ok = !got && why && strstr(why, "mount Google Drive first");
		free(got);
		free(why);
		return ok;
	}
	expect = want[0] == '/' ? estrdup(want) : under_home(want);
	ok = got && strcmp(got, expect) == 0;
	if (!ok)
		printf("# got %s, want %s (%s)\n", got ? got : "none", expect, why ? why : "");
	free(got);
	free(why);
	free(expect);
	return ok;
}

int main(void)
{
	char a[JOB_ID_SIZE], b[JOB_ID_SIZE], *path, *dir;
	struct pending_job p = { .job = "20250115-103000-1-00ff00ff", .jobs = "gdrive:tts-jobs",
				 .request = "ab" }, q;
	size_t i;
	int shaped = 1;

	if (!mkdtemp(home))
		return 1;
	unsetenv("COLAB_TTS_DRIVE_PATH");
	unsetenv("COLAB_F5_TTS_DRIVE_PATH");

	job_new_id(a);
	job_new_id(b);
	CHECK(strcmp(a, b) != 0);
	CHECK(job_id_valid(a) && strlen(a) > 20);
	for (i = 0; a[i]; i++)
		shaped &= (a[i] >= '0' && a[i] <= '9') || (a[i] >= 'a' && a[i] <= 'f') || a[i] == '-';
	CHECK(shaped);
	CHECK(a[8] == '-' && a[15] == '-');
	CHECK(!job_id_valid("../x") && !job_id_valid("") && !job_id_valid(".hidden"));

	/* Nothing there: an error that says how to mount Drive. */
	CHECK(finds("colab", NULL, NULL));
	CHECK(finds("colab", "", NULL));
	CHECK(finds("colab", "/nonexistent/jobs", NULL));
	/* The seed's rclone mount place, per backend */
	dir = under_home("gdrive/autonomous-recording/tts-jobs");
	CHECK(mkdirs(dir) == 0);
	CHECK(finds("colab", NULL, "gdrive/autonomous-recording/tts-jobs"));
	CHECK(finds("colab-f5", NULL, NULL));
	free(dir);
	/* Drive for Desktop on macOS, account in the folder name */
	dir = under_home("Library/CloudStorage/GoogleDrive-a@b.c/My Drive/autonomous-recording/f5-tts-jobs");
	CHECK(mkdirs(dir) == 0);
	CHECK(finds("colab-f5", NULL,
		    "Library/CloudStorage/GoogleDrive-a@b.c/My Drive/autonomous-recording/f5-tts-jobs"));
	/* The environment wins over the defaults, DRIVE over both */
	setenv("COLAB_F5_TTS_DRIVE_PATH", home, 1);
	CHECK(finds("colab-f5", NULL, home));
	CHECK(finds("colab", NULL, "gdrive/autonomous-recording/tts-jobs"));
	CHECK(finds("colab-f5", dir, dir));
	setenv("COLAB_F5_TTS_DRIVE_PATH", "/nonexistent", 1);
	CHECK(finds("colab-f5", NULL, NULL));
	unsetenv("COLAB_F5_TTS_DRIVE_PATH");
	free(dir);

	path = under_home("colab-job.json");
	CHECK(pending_load(path, &q) < 0);
	CHECK(pending_save(path, &p) == 0);
	CHECK(pending_load(path, &q) == 0);
	CHECK(strcmp(q.job, p.job) == 0 && strcmp(q.jobs, p.jobs) == 0 && strcmp(q.request, "ab") == 0);
	pending_free(&q);
	write_file_atomic(path, "{\"job\": \"../x\", \"jobs\": \"j\", \"request_sha256\": \"ab\"}", 52);
	CHECK(pending_load(path, &q) < 0);
	free(path);

	CHECK(rclone_is_remote("gdrive:tts-jobs"));
	CHECK(rclone_is_remote("gdrive:"));
	CHECK(rclone_is_remote(":webdav,url='x':jobs"));
	CHECK(!rclone_is_remote("jobs/ID"));
	CHECK(!rclone_is_remote("./a:b"));
	CHECK(!rclone_is_remote("/mnt/x:y"));

	path = estrfmt("rm -rf %s", home);
	CHECK(system(path) == 0);
	free(path);
	/* Joining a job's path: a remote's "name:" and a trailing '/' are not doubled. */
	{
		char *local = jobs_join("jobs", "x"), *remote = jobs_join("gdrive:", "x");
		char *slash = jobs_join("d/", "x");

		CHECK(strcmp(local, "jobs/x") == 0);
		CHECK(strcmp(remote, "gdrive:x") == 0);
		CHECK(strcmp(slash, "d/x") == 0);
		free(local);
		free(remote);
		free(slash);
	}
	return check_done();
}
