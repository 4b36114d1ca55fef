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
 * With -p, the job is recorded there before request.json is published, so
 * an interruption never leaves a job sent but unrecorded. When the record
 * names a job of the same request in the same place, no new job is sent:
 * one still pending (request.json there, no error.marker) is re-attached
 * to, one whose sending was cut short (its folder there, request.json not
 * yet) is finished. Prints the job's location (folder or remote path) on
 * stdout.
 * Exit 2 for a bad jobstage or usage, 4 when the jobs folder is missing (the
 * message says how to mount Drive), rclone cannot be run or fails, or a
 * write fails.
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

static int remote_has(const cJSON *list, const char *name)
{
	const cJSON *entry;

	cJSON_ArrayForEach(entry, list)
		if (strcmp(json_str(entry, "Path", ""), name) == 0)
			return 1;
	return 0;
}

/* What became of the job a record names. */
enum recorded { GONE, HALF_SENT, PENDING, FAILED };

static enum recorded recorded_state(const char *job, int remote)
{
	int request, error, there;

	if (remote) {
		cJSON *list;
		int status = rclone_lsjson(job, &list);

		if (status != 0 && status != RCLONE_DIR_NOT_FOUND)
			die(EXIT_SYS, "%s", rclone_failure("lsjson", job, status));
		there = status == 0 && cJSON_GetArraySize(list) > 0;
		request = there && remote_has(list, "request.json");
		error = there && remote_has(list, "error.marker");
		cJSON_Delete(list);
	} else {
		char *request_path = jobs_join(job, "request.json");
		char *error_path = jobs_join(job, "error.marker");
		struct stat st;

		there = stat(job, &st) == 0 && S_ISDIR(st.st_mode);
		request = access(request_path, F_OK) == 0;
		error = access(error_path, F_OK) == 0;
		free(request_path);
		free(error_path);
	}
	if (!there)
		return GONE;
	if (error)
		return FAILED;
	return request ? PENDING : HALF_SENT;
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
		path = jobs_join(stage, e->d_name);
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

/* A new folder for the job; a local one is made here, exclusively, so two
 * builds can never share one. Returns the job's location. */
static char *new_job(const char *jobs, int remote, char id[JOB_ID_SIZE])
{
	int tries;

	for (tries = 0; tries < 10; tries++) {
		char *job;

		job_new_id(id);
		job = jobs_join(jobs, id);
		if (remote || mkdir(job, 0777) == 0)
			return job;
		if (errno != EEXIST)
			die(EXIT_SYS, "%s:", job);
		free(job);
	}
	die(EXIT_SYS, "%s: cannot make a job folder with a new name", jobs);
}

/* What main was asked to do. */
struct send {
	const char *backend, *drive, *remote, *pending_path, *stage;
	char *request;             /* stage/request.json */
	char hash[SHA256_HEX_SIZE];
	int steps;
	char **names;              /* the stage's other files */
	size_t count;
};

static void parse_options(int argc, char *argv[], struct send *o)
{
	int c;

	while ((c = getopt(argc, argv, "b:d:hp:r:v")) != -1) {
		switch (c) {
		case 'b': o->backend = optarg; break;
		case 'd': o->drive = optarg; break;
		case 'p': o->pending_path = optarg; break;
		case 'r': o->remote = *optarg ? optarg : NULL; break;
		case 'v': verbose = 1; break;
		case 'h': usage(EXIT_OK); break;
		default: usage(EXIT_USAGE);
		}
	}
	if (optind != argc - 1 || (o->drive && *o->drive && o->remote))
		usage(EXIT_USAGE);
	if (strcmp(o->backend, "colab") != 0 && strcmp(o->backend, "colab-f5") != 0)
		die(EXIT_USAGE, "-b %s: not a Colab backend: use colab or colab-f5", o->backend);
	if (o->remote && !rclone_is_remote(o->remote))
		die(EXIT_USAGE, "-r %s: not an rclone remote: write it as name:path", o->remote);
	o->stage = argv[optind];
}

/* The stage: its request parsed enough to be a job and hashed, its other
 * files listed. */
static void load_stage(struct send *o)
{
	char err[256];
	int sys_error;
	cJSON *req;

	o->request = jobs_join(o->stage, "request.json");
	req = json_load(o->request, err, sizeof err, &sys_error);
	if (!req)
		die(sys_error && errno != ENOENT ? EXIT_SYS : EXIT_USAGE, "%s: %s", o->request, err);
	if (!cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(req, "steps")))
		die(EXIT_USAGE, "%s: steps: missing or not an array", o->request);
	o->steps = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(req, "steps"));
	cJSON_Delete(req);
	if (sha256_file_hex(o->request, o->hash) < 0)
		die(EXIT_SYS, "%s:", o->request);
	o->names = stage_files(o->stage, &o->count);
}

/* The job the record names, when it is this request's and still of use:
 * NULL, or its location with *half_sent saying whether to finish sending. */
static char *recorded_job(const struct send *o, const char *jobs, char id[JOB_ID_SIZE],
			  int *half_sent)
{
	struct pending_job pending;
	char *job = NULL;

	if (!o->pending_path || pending_load(o->pending_path, &pending) < 0)
		return NULL;
	if (strcmp(pending.jobs, jobs) == 0 && strcmp(pending.request, o->hash) == 0 &&
	    strlen(pending.job) < JOB_ID_SIZE) {
		enum recorded state;

		job = jobs_join(jobs, pending.job);
		state = recorded_state(job, o->remote != NULL);
		if (state == PENDING || state == HALF_SENT) {
			snprintf(id, JOB_ID_SIZE, "%s", pending.job);
			*half_sent = state == HALF_SENT;
		} else {
			free(job);
			job = NULL;
		}
	}
	pending_free(&pending);
	return job;
}

/* Every file of the stage, request.json last. */
static void send_files(const struct send *o, const char *job)
{
	size_t i;

	char *src;

	for (i = 0; i <= o->count; i++) {
		src = jobs_join(o->stage, i < o->count ? o->names[i] : "request.json");
		job_upload(src, job, i < o->count ? o->names[i] : "request.json", o->remote != NULL);
		free(src);
	}
}

int main(int argc, char *argv[])
{
	struct send o = { .backend = "colab" };
	char id[JOB_ID_SIZE], *jobs, *job, *why;
	int half_sent = 0;

	argv0 = "jobsend";
	parse_options(argc, argv, &o);
	load_stage(&o);
	jobs = o.remote ? estrdup(o.remote) : jobs_folder(o.backend, o.drive, getenv("HOME"), &why);
	if (!jobs)
		die(EXIT_SYS, "%s", why);

	job = recorded_job(&o, jobs, id, &half_sent);
	if (job && !half_sent) {
		warn("re-attaching to job %s, sent earlier and not collected yet", id);
	} else {
		if (job)
			warn("finishing job %s, whose sending was cut short", id);
		else
			job = new_job(jobs, o.remote != NULL, id);
		if (o.pending_path) {
			struct pending_job record = { .job = id, .jobs = jobs, .request = o.hash };
			if (pending_save(o.pending_path, &record) < 0)
				die(EXIT_SYS, "%s:", o.pending_path);
		}
		send_files(&o, job);
		if (verbose)
			warn("job %s: %d step%s sent to %s", id, o.steps, o.steps == 1 ? "" : "s", jobs);
	}
	printf("%s\n", job);
	free(job);
	free(jobs);
	free(o.request);
	while (o.count)
		free(o.names[--o.count]);
	free(o.names);
	return fflush(stdout) ? EXIT_SYS : EXIT_OK;
}
