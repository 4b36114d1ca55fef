/* jobsend - send a prepared TTS job to the jobs folder, or re-attach to it.
 *
 * usage: jobsend [-v] [-b colab|colab-f5] [-d drive | -r remote] [-p pending.json] jobstage
 *
 * jobstage is a local folder holding request.json and the files it names
 * (the F5 reference voice), as spec2req -r leaves it. The job goes to a new
 * folder <jobs>/<job-id>/: every other file first, request.json last and
 * atomically, since a worker takes the job as soon as request.json is
 * there. <jobs> is -r remote (an rclone remote, "gdrive:tts-jobs", reached
 * with rclone copyto, no mount), else -d drive, else $COLAB_TTS_DRIVE_PATH
 * ($COLAB_F5_TTS_DRIVE_PATH for -b colab-f5), else the seed's Drive folders.
 * With -p, the job sent is recorded there; when the record names a job of
 * the same request in the same place, still there and not failed, no new
 * job is sent: that is how an interrupted build re-attaches. Prints the
 * job's location (folder or remote path) on stdout.
 * Exit 2 for a bad jobstage, 4 when the jobs folder is missing (the message
 * says how to mount Drive) or a write fails.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"
#include "jobs.h"
#include "json.h"
#include "rclone.h"
#include "sha256.h"
#include "util.h"

static int verbose;

static void usage(int code)
{
	fprintf(code ? stderr : stdout,
		"usage: %s [-v] [-b colab|colab-f5] [-d drive | -r remote] [-p pending.json] "
		"jobstage\n", argv0);
	exit(code);
}

/* "remote:path" + "/" + name, without doubling the separator after "remote:". */
static char *join(const char *base, const char *name)
{
	size_t len = strlen(base);

	if (len && (base[len - 1] == '/' || base[len - 1] == ':'))
		return estrfmt("%s%s", base, name);
	return estrfmt("%s/%s", base, name);
}

static int remote_has(const cJSON *list, const char *name)
{
	const cJSON *entry;

	cJSON_ArrayForEach(entry, list)
		if (strcmp(json_str(entry, "Path", ""), name) == 0)
			return 1;
	return 0;
}

/* Whether the job sent earlier is still waiting for us: its request is
 * there and its worker has not given up on it. */
static int still_pending(const char *job, int remote)
{
	int ok;

	if (remote) {
		cJSON *list;
		if (rclone_lsjson(job, &list) != 0)
			return 0;
		ok = remote_has(list, "request.json") && !remote_has(list, "error.marker");
		cJSON_Delete(list);
	} else {
		char *request = join(job, "request.json"), *error = join(job, "error.marker");
		ok = access(request, F_OK) == 0 && access(error, F_OK) != 0;
		free(request);
		free(error);
	}
	return ok;
}

/* The stage's files other than request.json, checked to be plain names. */
static char **stage_files(const char *stage, size_t *count)
{
	DIR *d = opendir(stage);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0;

	if (!d)
		die(errno == ENOENT ? EXIT_USAGE : EXIT_SYS, "%s:", stage);
	while ((e = readdir(d))) {
		char *path;
		struct stat st;

		if (e->d_name[0] == '.' || strcmp(e->d_name, "request.json") == 0)
			continue;
		path = join(stage, e->d_name);
		if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
			die(EXIT_USAGE, "%s: not a plain file: a job folder holds files only", path);
		free(path);
		names = erealloc(names, (n + 1) * sizeof *names);
		names[n++] = estrdup(e->d_name);
	}
	closedir(d);
	*count = n;
	return names;
}

static void rclone_or_die(const char *what, int status, const char *src, const char *dst)
{
	if (status == RCLONE_NOT_INSTALLED || status < 0)
		die(EXIT_SYS, "cannot run rclone (is it installed? make deps)");
	if (status != 0)
		die(EXIT_SYS, "rclone %s %s %s failed (exit %d)", what, src, dst, status);
}

/* Copy stage/name into the job. On a remote, rclone writes into the name
 * it is given while it transfers: the file goes up under a hidden name and
 * is then moved into place, so a worker never reads half of it. */
static void put(const char *stage, const char *job, const char *name, int remote)
{
	char *src = join(stage, name), *dst = join(job, name);

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
	free(src);
	free(dst);
}

/* A new folder for the job; a local one is made here, exclusively, so two
 * builds can never share one. Returns the job's location. */
static char *new_job(const char *jobs, int remote, char id[JOB_ID_SIZE])
{
	int tries;

	for (tries = 0; tries < 10; tries++) {
		char *job;

		job_new_id(id);
		job = join(jobs, id);
		if (remote || mkdir(job, 0777) == 0)
			return job;
		if (errno != EEXIST)
			die(EXIT_SYS, "%s:", job);
		free(job);
	}
	die(EXIT_SYS, "%s: cannot make a job folder with a new name", jobs);
}

int main(int argc, char *argv[])
{
	const char *backend = "colab", *drive = NULL, *remote = NULL, *pending_path = NULL;
	const char *stage;
	char hash[SHA256_HEX_SIZE], id[JOB_ID_SIZE], err[256], *jobs, *job, *request, *why;
	char **names;
	size_t count, i;
	struct pending_job pending;
	int c, sys_error;
	cJSON *req;

	argv0 = "jobsend";
	while ((c = getopt(argc, argv, "b:d:hp:r:v")) != -1) {
		switch (c) {
		case 'b': backend = optarg; break;
		case 'd': drive = optarg; break;
		case 'p': pending_path = optarg; break;
		case 'r': remote = optarg; break;
		case 'v': verbose = 1; break;
		case 'h': usage(EXIT_OK); break;
		default: usage(EXIT_USAGE);
		}
	}
	if (optind != argc - 1 || (drive && *drive && remote && *remote))
		usage(EXIT_USAGE);
	if (strcmp(backend, "colab") != 0 && strcmp(backend, "colab-f5") != 0)
		die(EXIT_USAGE, "-b %s: not a Colab backend: use colab or colab-f5", backend);
	if (remote && *remote && !rclone_is_remote(remote))
		die(EXIT_USAGE, "-r %s: not an rclone remote: write it as name:path", remote);
	stage = argv[optind];

	request = join(stage, "request.json");
	req = json_load(request, err, sizeof err, &sys_error);
	if (!req)
		die(sys_error && errno != ENOENT ? EXIT_SYS : EXIT_USAGE, "%s: %s", request, err);
	if (!cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(req, "steps")))
		die(EXIT_USAGE, "%s: steps: missing or not an array", request);
	if (sha256_file_hex(request, hash) < 0)
		die(EXIT_SYS, "%s:", request);
	names = stage_files(stage, &count);

	if (remote && *remote) {
		jobs = estrdup(remote);
	} else {
		jobs = jobs_folder(backend, drive, getenv("HOME"), &why);
		if (!jobs)
			die(EXIT_SYS, "%s", why);
	}

	if (pending_path && pending_load(pending_path, &pending) == 0) {
		if (strcmp(pending.jobs, jobs) == 0 && strcmp(pending.request, hash) == 0) {
			job = join(jobs, pending.job);
			if (still_pending(job, remote && *remote)) {
				warn("re-attaching to job %s, sent earlier and not collected yet",
				     pending.job);
				printf("%s\n", job);
				return fflush(stdout) ? EXIT_SYS : EXIT_OK;
			}
			free(job);
		}
		pending_free(&pending);
	}

	job = new_job(jobs, remote && *remote, id);
	for (i = 0; i < count; i++)
		put(stage, job, names[i], remote && *remote);
	put(stage, job, "request.json", remote && *remote);
	if (pending_path) {
		pending = (struct pending_job){ .job = id, .jobs = jobs, .request = hash };
		if (pending_save(pending_path, &pending) < 0)
			die(EXIT_SYS, "%s:", pending_path);
	}
	if (verbose)
		warn("job %s: %d step%s sent to %s", id,
		     cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(req, "steps")),
		     cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(req, "steps")) == 1 ? "" : "s",
		     jobs);
	printf("%s\n", job);
	for (i = 0; i < count; i++)
		free(names[i]);
	free(names);
	free(job);
	free(jobs);
	free(request);
	cJSON_Delete(req);
	return fflush(stdout) ? EXIT_SYS : EXIT_OK;
}
