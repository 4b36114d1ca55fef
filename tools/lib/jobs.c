/* jobs.c - job ids, the jobs folder, the pending job record */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "file.h"
#include "jobs.h"
#include "json.h"
#include "rclone.h"
#include "stepid.h"
#include "util.h"

void job_new_id(char id[JOB_ID_SIZE])
{
	time_t now = time(NULL);
	struct tm tm;
	unsigned random_bits = 0;
	char when[32];

	if (getrandom(&random_bits, sizeof random_bits, GRND_NONBLOCK) != sizeof random_bits)
		random_bits = (unsigned)clock() ^ (unsigned)now ^ ((unsigned)getpid() << 16);
	gmtime_r(&now, &tm);
	strftime(when, sizeof when, "%Y%m%d-%H%M%S", &tm);
	snprintf(id, JOB_ID_SIZE, "%s-%ld-%08x", when, (long)getpid(), random_bits);
}

int job_id_valid(const char *id)
{
	const char *why;

	return stepid_valid(id, &why);
}

static int is_folder(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The seed's Drive locations, relative to home; "*" is the account part of
 * Drive for Desktop's macOS folder. */
static const char *const drive_roots[] = {
	"gdrive/autonomous-recording",
	"Google Drive/My Drive/autonomous-recording",
	"GoogleDrive/My Drive/autonomous-recording",
	"My Drive/autonomous-recording",
	"Library/CloudStorage/GoogleDrive-*/My Drive/autonomous-recording",
};

static const char *mount_hint =
	"mount Google Drive first, e.g. rclone mount gdrive: ~/gdrive --vfs-cache-mode writes "
	"--dir-cache-time 5s --poll-interval 5s --daemon (or start Drive for Desktop), "
	"name the folder with DRIVE=path, or reach Drive without a mount with REMOTE=gdrive:path";

char *jobs_folder(const char *backend, const char *drive, const char *home, char **why)
{
	int f5 = strcmp(backend, "colab-f5") == 0;
	const char *env_name = f5 ? "COLAB_F5_TTS_DRIVE_PATH" : "COLAB_TTS_DRIVE_PATH";
	const char *leaf = f5 ? "f5-tts-jobs" : "tts-jobs";
	const char *env = getenv(env_name);
	char *tried = NULL, *next;
	size_t i;

	*why = NULL;
	if (drive && *drive) {
		if (is_folder(drive))
			return estrdup(drive);
		*why = estrfmt("DRIVE=%s: no such folder: %s", drive, mount_hint);
		return NULL;
	}
	if (env && *env) {
		if (is_folder(env))
			return estrdup(env);
		*why = estrfmt("%s=%s: no such folder: %s", env_name, env, mount_hint);
		return NULL;
	}
	for (i = 0; home && i < LEN(drive_roots); i++) {
		char *pattern = estrfmt("%s/%s/%s", home, drive_roots[i], leaf);
		glob_t g;
		size_t k;

		if (glob(pattern, 0, NULL, &g) == 0) {
			for (k = 0; k < g.gl_pathc; k++) {
				if (is_folder(g.gl_pathv[k])) {
					char *found = estrdup(g.gl_pathv[k]);
					globfree(&g);
					free(pattern);
					free(tried);
					return found;
				}
			}
			globfree(&g);
		}
		next = tried ? estrfmt("%s, %s", tried, pattern) : estrdup(pattern);
		free(tried);
		tried = next;
		free(pattern);
	}
	*why = estrfmt("no jobs folder: DRIVE is not set, nor is $%s, and none of %s exists: %s",
		       env_name, tried ? tried : "the default locations ($HOME is not set)",
		       mount_hint);
	free(tried);
	return NULL;
}

char *jobs_join(const char *base, const char *name)
{
	size_t len = strlen(base);

	if (len && (base[len - 1] == '/' || base[len - 1] == ':'))
		return estrfmt("%s%s", base, name);
	return estrfmt("%s/%s", base, name);
}

static void rclone_or_die(const char *what, int status, const char *src, const char *dst)
{
	char *args;

	if (status == 0)
		return;
	args = estrfmt("%s %s", src, dst);
	die(EXIT_SYS, "%s", rclone_failure(what, args, status));
}

void job_upload(const char *src, const char *job, const char *name, int remote)
{
	char *dst = jobs_join(job, name);

	if (remote) {
		char *hidden = estrfmt("%s/.%s.partial", job, name);
		rclone_or_die("copyto", rclone_copyto(src, hidden), src, hidden);
		rclone_or_die("moveto", rclone_moveto(hidden, dst), hidden, dst);
		free(hidden);
	} else {
		size_t len;
		char *data = read_file(src, &len);
		if (!data)
			die(EXIT_SYS, "%s:", src);
		if (write_file_atomic(dst, data, len) < 0)
			die(EXIT_SYS, "%s:", dst);
		free(data);
	}
	free(dst);
}

int pending_load(const char *path, struct pending_job *p)
{
	char err[256];
	int sys_error;
	cJSON *v = json_load(path, err, sizeof err, &sys_error);
	const char *job, *jobs, *request;

	memset(p, 0, sizeof *p);
	if (!v)
		return -1;
	job = json_str(v, "job", NULL);
	jobs = json_str(v, "jobs", NULL);
	request = json_str(v, "request_sha256", NULL);
	if (!job || !jobs || !request || !job_id_valid(job)) {
		cJSON_Delete(v);
		return -1;
	}
	p->job = estrdup(job);
	p->jobs = estrdup(jobs);
	p->request = estrdup(request);
	cJSON_Delete(v);
	return 0;
}

int pending_save(const char *path, const struct pending_job *p)
{
	cJSON *v = cJSON_CreateObject();
	char *text;
	int ret;

	cJSON_AddStringToObject(v, "job", p->job);
	cJSON_AddStringToObject(v, "jobs", p->jobs);
	cJSON_AddStringToObject(v, "request_sha256", p->request);
	text = cJSON_Print(v);
	cJSON_Delete(v);
	if (!text)
		die(EXIT_SYS, "cJSON_Print: out of memory");
	ret = write_file_atomic(path, text, strlen(text));
	free(text);
	return ret;
}

void pending_free(struct pending_job *p)
{
	free(p->job);
	free(p->jobs);
	free(p->request);
	memset(p, 0, sizeof *p);
}
