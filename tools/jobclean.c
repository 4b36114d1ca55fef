/* jobclean - take jobs no build needs any more out of the jobs folder.
 *
 * usage: jobclean [-n] [-a hours] [-b colab|colab-f5] [-d drive | -r remote]
 *        jobclean -p pending.json
 *
 * The first form removes every finished job folder: one whose done.marker
 * or error.marker is older than hours (default 24; a build collects its
 * audio within seconds of the marker) and in which no worker has beaten
 * for two minutes (progress.json). A job without a marker (waiting for a
 * worker, claimed, being spoken, being sent) and anything that is no job
 * folder (no request.json) is never touched. The jobs folder is found as
 * jobsend finds it. Prints each job removed; -n only prints them.
 *
 * The second form abandons the job a build recorded (jobsend -p), so that
 * the next build sends a new one instead of re-attaching: unless it has
 * finished, the job gets an error.marker saying so (no worker starts it, a
 * worker at it stops before writing anything more), and the record goes.
 * Prints the job's location.
 *
 * Exit 2 for usage, 4 when the jobs folder is missing, rclone cannot be
 * run or fails, or a file cannot be written or removed.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "file.h"
#include "jobs.h"
#include "json.h"
#include "rclone.h"
#include "util.h"

/* A worker beats every 5 s and gives a claim up after two minutes. */
#define WORKER_ACTIVE_S 120

/* What the jobs folder shows of one job. */
struct job {
	char *id;
	int request;        /* request.json is there */
	double marker_age;  /* seconds since done.marker / error.marker, -1 without */
	double beat_age;    /* seconds since progress.json changed, -1 without */
};

static struct job *jobs_seen;
static size_t njobs;

static void usage(int code)
{
	fprintf(code ? stderr : stdout,
		"usage: %s [-n] [-a hours] [-b colab|colab-f5] [-d drive | -r remote]\n"
		"       %s -p pending.json\n", argv0, argv0);
	exit(code);
}

static struct job *job_named(const char *id, size_t len)
{
	size_t i;

	for (i = 0; i < njobs; i++)
		if (strlen(jobs_seen[i].id) == len && strncmp(jobs_seen[i].id, id, len) == 0)
			return &jobs_seen[i];
	jobs_seen = erealloc(jobs_seen, (njobs + 1) * sizeof *jobs_seen);
	jobs_seen[njobs] = (struct job){ .id = estrfmt("%.*s", (int)len, id),
					 .marker_age = -1, .beat_age = -1 };
	return &jobs_seen[njobs++];
}

/* Take note of one file of a job, age seconds old. */
static void note(struct job *j, const char *file, double age)
{
	if (strcmp(file, "request.json") == 0)
		j->request = 1;
	else if (strcmp(file, "done.marker") == 0 || strcmp(file, "error.marker") == 0)
		j->marker_age = j->marker_age < 0 || age < j->marker_age ? age : j->marker_age;
	else if (strcmp(file, "progress.json") == 0)
		j->beat_age = age;
}

static void look_local(const char *root)
{
	static const char *const files[] = { "request.json", "done.marker", "error.marker",
					     "progress.json" };
	DIR *d = opendir(root);
	struct dirent *e;
	size_t i;

	if (!d)
		die(EXIT_SYS, "%s:", root);
	while ((e = readdir(d))) {
		char *folder = jobs_join(root, e->d_name);
		struct stat st;

		if (e->d_name[0] != '.' && stat(folder, &st) == 0 && S_ISDIR(st.st_mode)) {
			struct job *j = job_named(e->d_name, strlen(e->d_name));

			for (i = 0; i < sizeof files / sizeof *files; i++) {
				char *path = jobs_join(folder, files[i]);
				if (stat(path, &st) == 0)
					note(j, files[i], difftime(time(NULL), st.st_mtime));
				free(path);
			}
		}
		free(folder);
	}
	closedir(d);
}

/* rclone's ModTime ("2026-01-02T03:04:05.123456789Z", or with "+01:00") as
 * seconds ago; -1 when it does not parse. */
static double age_of(const char *stamp)
{
	struct tm tm = { 0 };
	const char *rest = strptime(stamp, "%Y-%m-%dT%H:%M:%S", &tm);
	int sign, hours, minutes;
	time_t t;

	if (!rest)
		return -1;
	rest += strspn(rest, ".0123456789");
	t = timegm(&tm);
	if ((*rest == '+' || *rest == '-') && sscanf(rest + 1, "%2d:%2d", &hours, &minutes) == 2) {
		sign = *rest == '+' ? 1 : -1;
		t -= sign * (hours * 3600 + minutes * 60);
	} else if (*rest != 'Z') {
		return -1;
	}
	return difftime(time(NULL), t);
}

static void look_remote(const char *root)
{
	cJSON *list, *entry;
	int status = rclone_lsjson(root, &list);

	if (status == RCLONE_DIR_NOT_FOUND)
		die(EXIT_SYS, "%s: no such folder on the remote", root);
	if (status != 0)
		die(EXIT_SYS, "%s", rclone_failure("lsjson", root, status));
	cJSON_ArrayForEach(entry, list) {
		const char *path = json_str(entry, "Path", ""), *slash = strchr(path, '/');

		if (slash && path[0] != '.' && !strchr(slash + 1, '/'))
			note(job_named(path, (size_t)(slash - path)), slash + 1,
			     age_of(json_str(entry, "ModTime", "")));
	}
	cJSON_Delete(list);
}

static void remove_job(const char *job, int remote)
{
	if (remote) {
		int status = rclone_purge(job);
		if (status != 0)
			die(EXIT_SYS, "%s", rclone_failure("purge", job, status));
	} else if (remove_tree(job) < 0) {
		die(EXIT_SYS, "%s:", job);
	}
}

/* Remove the finished jobs; returns how many. */
static size_t clean(const char *root, int remote, double max_age, int dry_run)
{
	size_t i, removed = 0;

	if (remote)
		look_remote(root);
	else
		look_local(root);
	for (i = 0; i < njobs; i++) {
		struct job *j = &jobs_seen[i];
		char *job = jobs_join(root, j->id);

		if (j->request && j->marker_age >= max_age &&
		    (j->beat_age < 0 || j->beat_age >= WORKER_ACTIVE_S)) {
			if (!dry_run)
				remove_job(job, remote);
			printf("%s\n", job);
			removed++;
		}
		free(job);
		free(j->id);
	}
	free(jobs_seen);
	return removed;
}

/* Whether the job has finished: 1, 0, or -1 when its folder is gone. */
static int has_marker(const char *job, int remote)
{
	int found = 0;

	if (remote) {
		cJSON *list, *entry;
		int status = rclone_lsjson(job, &list);

		if (status == RCLONE_DIR_NOT_FOUND)
			return -1;
		if (status != 0)
			die(EXIT_SYS, "%s", rclone_failure("lsjson", job, status));
		cJSON_ArrayForEach(entry, list) {
			const char *path = json_str(entry, "Path", "");
			found |= strcmp(path, "done.marker") == 0 || strcmp(path, "error.marker") == 0;
		}
		cJSON_Delete(list);
	} else {
		char *done = jobs_join(job, "done.marker"), *error = jobs_join(job, "error.marker");
		struct stat st;

		if (stat(job, &st) < 0)
			found = -1;
		else
			found = access(done, F_OK) == 0 || access(error, F_OK) == 0;
		free(done);
		free(error);
	}
	return found;
}

/* The error.marker of an abandoned job, written beside the record first. */
static void mark_abandoned(const char *pending_path, const char *job, int remote)
{
	char *local = estrfmt("%s.abandoned", pending_path);
	const char *text = "{\"status\": \"error\", \"error\": \"abandoned by the build (make "
			   "colab-abandon): a new job replaces it\", \"step\": null}\n";

	if (write_file_atomic(local, text, strlen(text)) < 0)
		die(EXIT_SYS, "%s:", local);
	job_upload(local, job, "error.marker", remote);
	unlink(local);
	free(local);
}

static void abandon(const char *pending_path)
{
	struct pending_job p;
	char *job;
	int remote;

	if (pending_load(pending_path, &p) < 0) {
		if (access(pending_path, F_OK) == 0)
			die(EXIT_USAGE, "%s: not a job record: remove it by hand", pending_path);
		warn("%s: no job recorded: nothing to abandon", pending_path);
		return;
	}
	remote = rclone_is_remote(p.jobs);
	job = jobs_join(p.jobs, p.job);
	if (has_marker(job, remote) == 0)
		mark_abandoned(pending_path, job, remote);
	if (unlink(pending_path) < 0)
		die(EXIT_SYS, "%s:", pending_path);
	warn("job %s abandoned: the next build sends a new job", p.job);
	printf("%s\n", job);
	free(job);
	pending_free(&p);
}

int main(int argc, char *argv[])
{
	const char *backend = "colab", *drive = NULL, *remote = NULL, *pending_path = NULL;
	double hours = 24;
	char *end, *root, *why;
	int c, dry_run = 0;

	argv0 = "jobclean";
	while ((c = getopt(argc, argv, "a:b:d:hnp:r:")) != -1) {
		switch (c) {
		case 'a':
			hours = strtod(optarg, &end);
			if (end == optarg || *end || !(hours >= 0 && hours < 1e6))
				die(EXIT_USAGE, "-a %s: not a number of hours", optarg);
			break;
		case 'b': backend = optarg; break;
		case 'd': drive = optarg; break;
		case 'n': dry_run = 1; break;
		case 'p': pending_path = optarg; break;
		case 'r': remote = *optarg ? optarg : NULL; break;
		case 'h': usage(EXIT_OK); break;
		default: usage(EXIT_USAGE);
		}
	}
	if (optind != argc || (drive && *drive && remote))
		usage(EXIT_USAGE);
	if (pending_path) {
		abandon(pending_path);
		return fflush(stdout) ? EXIT_SYS : EXIT_OK;
	}
	if (strcmp(backend, "colab") != 0 && strcmp(backend, "colab-f5") != 0)
		die(EXIT_USAGE, "-b %s: not a Colab backend: use colab or colab-f5", backend);
	if (remote && !rclone_is_remote(remote))
		die(EXIT_USAGE, "-r %s: not an rclone remote: write it as name:path", remote);
	root = remote ? estrdup(remote) : jobs_folder(backend, drive, getenv("HOME"), &why);
	if (!root)
		die(EXIT_SYS, "%s", why);
	clean(root, remote != NULL, hours * 3600, dry_run);
	free(root);
	return fflush(stdout) ? EXIT_SYS : EXIT_OK;
}
