/* waitmarker - wait until a TTS job's worker has finished, and its audio is whole.
 *
 * usage: waitmarker [-q] [-t timeout_s] [-i poll_interval_s] [-n request.json]
 *                   [-o manifest.json] [-s stagedir] job
 *
 * job is a job folder, or an rclone remote ("gdrive:tts-jobs/ID") read with
 * rclone commands into the local copy stagedir (-s, required then).
 * Exit 0 when done.marker holds a JSON object and every file it covers is
 * whole (design §4): a complete PCM WAV, of the size and sha256 its manifest
 * lists; a marker without a manifest (a worker written for the seed) needs
 * each WAV complete and unchanged over two looks. A marker or WAV still
 * arriving is waited for. -n names the job's request: then every step's
 * audio/step-ID.wav must be there. -o writes the manifest of the files
 * accepted, for wavcopy -m. Exit 1 when error.marker appears (its message is
 * printed) or the marker can never be satisfied; 2 for usage or a request
 * that is missing or no request; 3 at the timeout (default 600 s), with a
 * hint; 4 when the job folder is not there, rclone cannot be run, or a
 * write fails.
 * inotify wakes us at once for local writes; polling (default every 2 s)
 * sees writes on the far side of a FUSE mount or a remote, which raise no
 * inotify event. While waiting, progress (steps done of total, elapsed
 * time, an estimate) goes to stderr: one updating line on a terminal, a
 * line per change otherwise; -q leaves it out.
 */
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "file.h"
#include "jobcheck.h"
#include "json.h"
#include "progress.h"
#include "rclone.h"
#include "stepid.h"
#include "util.h"

/* Our worker beats every 5 s; a minute of silence means it is gone. */
#define WORKER_SILENT_S 60

/* statfs f_type of FUSE file systems (rclone mount, Drive for Desktop) */
#define FUSE_SUPER_MAGIC 0x65735546

/* What one look at the job found. */
struct look {
	cJSON *error_marker, *done_marker, *progress;
	int picked_up;    /* a worker has claimed it or written something */
	int audio_files;  /* WAVs present under audio/ */
};

static struct {
	double timeout, interval, start;
	const char *job, *stage, *dir; /* dir: where the files are read */
	int remote, quiet, tty;
	char **names;                  /* the request's audio files */
	size_t count;
	int inotify_fd, audio_watch;
	char *rclone_problem;          /* the last rclone failure, for the timeout message */
	char *settled;                 /* a seed marker's files as last seen, to see them stay */
	char *waiting_for;             /* what done.marker still waits for, for the timeout */
	const char *manifest_out;      /* -o */
	int warned_pickup;
} w = { .timeout = 600, .interval = 2, .inotify_fd = -1, .audio_watch = -1 };

static void usage(int code)
{
	fprintf(code ? stderr : stdout,
		"usage: %s [-q] [-t timeout_s] [-i poll_interval_s] [-n request.json] "
		"[-o manifest.json] [-s stagedir] job\n", argv0);
	exit(code);
}

static double seconds_arg(int opt, const char *arg)
{
	char *end;
	double v = strtod(arg, &end);

	if (end == arg || *end || !(v > 0 && v < 1e7))
		die(EXIT_USAGE, "-%c %s: not a positive number of seconds", opt, arg);
	return v;
}

/* The file at path as a JSON object, or NULL while it is absent or still
 * incomplete. */
static cJSON *load_object(const char *dir, const char *name)
{
	char err[256], *path = estrfmt("%s/%s", dir, name);
	int sys_error;
	cJSON *v = json_load(path, err, sizeof err, &sys_error);

	free(path);
	if (v && !cJSON_IsObject(v)) {
		cJSON_Delete(v);
		return NULL;
	}
	return v;
}

/* The request's steps as the audio files they become. */
static void load_request(const char *path)
{
	char err[256];
	int sys_error;
	cJSON *req = json_load(path, err, sizeof err, &sys_error);
	const cJSON *steps = cJSON_GetObjectItemCaseSensitive(req, "steps"), *step;
	const char *why;

	if (!req)
		die(sys_error && errno != ENOENT ? EXIT_SYS : EXIT_USAGE, "%s: %s", path, err);
	if (!cJSON_IsArray(steps))
		die(EXIT_USAGE, "%s: steps: missing or not an array", path);
	cJSON_ArrayForEach(step, steps) {
		const char *id = json_str(step, "id", NULL);

		if (!id)
			die(EXIT_USAGE, "%s: steps[%zu].id: missing or not a string", path, w.count);
		if (!stepid_valid(id, &why))
			die(EXIT_USAGE, "%s: steps[%zu].id: \"%s\" %s", path, w.count, id, why);
		w.names = erealloc(w.names, (w.count + 1) * sizeof *w.names);
		w.names[w.count++] = estrfmt("audio/step-%s.wav", id);
	}
	cJSON_Delete(req);
}

static void report_error(cJSON *marker)
{
	const char *message = json_str(marker, "error", "no message given");
	const cJSON *step = cJSON_GetObjectItemCaseSensitive(marker, "step");

	if (w.tty && !w.quiet)
		fputc('\n', stderr);
	if (cJSON_IsString(step))
		die(EXIT_FAIL, "Colab worker reported error: %s (step %s)", message,
		    step->valuestring);
	if (cJSON_IsNumber(step))
		die(EXIT_FAIL, "Colab worker reported error: %s (step %g)", message,
		    step->valuedouble);
	die(EXIT_FAIL, "Colab worker reported error: %s", message);
}

static int exists(const char *dir, const char *name)
{
	char *path = estrfmt("%s/%s", dir, name);
	int ret = access(path, F_OK) == 0;

	free(path);
	return ret;
}

static int count_wavs(const char *dir)
{
	char *audio = estrfmt("%s/audio", dir);
	DIR *d = opendir(audio);
	struct dirent *e;
	int n = 0;

	free(audio);
	while (d && (e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (e->d_name[0] != '.' && len > 4 && strcmp(e->d_name + len - 4, ".wav") == 0)
			n++;
	}
	if (d)
		closedir(d);
	return n;
}

static void note_rclone(const char *what, int status)
{
	char *problem = rclone_failure(what, w.job, status);

	free(w.rclone_problem);
	w.rclone_problem = problem;
}

/* Mirror the remote job's small files (and, once it says it is done, its
 * audio) into the stage folder, where the rest reads them as if local. */
static void sync_remote(struct look *l)
{
	static const char *const small[] = { "error.marker", "progress.json", "done.marker" };
	cJSON *list, *entry;
	int status, present[3] = { 0 };
	size_t i;

	status = rclone_lsjson(w.job, &list);
	if (status != 0) {
		if (status != RCLONE_DIR_NOT_FOUND)
			note_rclone("lsjson", status);
		return;
	}
	cJSON_ArrayForEach(entry, list) {
		const char *path = json_str(entry, "Path", "");

		for (i = 0; i < 3; i++)
			if (strcmp(path, small[i]) == 0)
				present[i] = 1;
		if (strcmp(path, "claim.json") == 0 || strcmp(path, "progress.json") == 0)
			l->picked_up = 1;
		if (strncmp(path, "audio/", 6) == 0 && strlen(path) > 10 &&
		    strcmp(path + strlen(path) - 4, ".wav") == 0) {
			l->audio_files++;
			l->picked_up = 1;
		}
	}
	cJSON_Delete(list);
	for (i = 0; i < 3; i++) {
		char *remote, *local, *data;
		size_t len;

		if (!present[i])
			continue;
		remote = estrfmt("%s/%s", w.job, small[i]);
		local = estrfmt("%s/%s", w.stage, small[i]);
		status = rclone_cat(remote, &data, &len);
		if (status == 0) {
			if (write_file_atomic(local, data, len) < 0)
				die(EXIT_SYS, "%s:", local);
			free(data);
		} else if (status != RCLONE_FILE_NOT_FOUND) {
			note_rclone("cat", status);
		}
		free(remote);
		free(local);
	}
	if (present[2]) {
		char *remote = estrfmt("%s/audio", w.job), *local = estrfmt("%s/audio", w.stage);

		status = rclone_copy(remote, local);
		if (status != 0 && status != RCLONE_DIR_NOT_FOUND)
			note_rclone("copy", status);
		free(remote);
		free(local);
	}
}

static void look(struct look *l)
{
	memset(l, 0, sizeof *l);
	if (w.remote)
		sync_remote(l);
	l->error_marker = load_object(w.dir, "error.marker");
	l->done_marker = load_object(w.dir, "done.marker");
	l->progress = load_object(w.dir, "progress.json");
	if (!w.remote) {
		l->audio_files = count_wavs(w.dir);
		l->picked_up = l->audio_files > 0 || l->progress || exists(w.dir, "claim.json");
	}
}

static void forget(struct look *l)
{
	cJSON_Delete(l->error_marker);
	cJSON_Delete(l->done_marker);
	cJSON_Delete(l->progress);
}

/* A count the worker wrote, clamped before it becomes an int: a NaN or a
 * number past INT_MAX cast as it is would be undefined. */
static int worker_count(const cJSON *progress, const char *key, int fallback)
{
	double v = json_num(progress, key, fallback);

	if (!(v >= 0))
		return 0;
	return v > 1e6 ? 1000000 : (int)v;
}

/* Show how far the job is; on a terminal one line redrawn in place. */
static void show_progress(const struct look *l, int final)
{
	static int shown_done = -1, shown_total = -1, shown_quiet;
	static double shown_at;
	int done = worker_count(l->progress, "done", l->audio_files);
	int total = w.count ? (int)w.count : worker_count(l->progress, "total", 0);
	double t = clock_now(), beat = json_num(l->progress, "heartbeat_unix", 0);
	int quiet_worker = 0;
	char line[256];

	if (w.quiet || (!l->picked_up && !w.count))
		return;
	if (final)
		done = total;
	progress_line(line, sizeof line, done, total, t - w.start, w.tty ? 20 : 0);
	/* A Colab session that disconnects stops the heartbeat long before the
	 * timeout: say so while there is time to restart the notebook. */
	if (!final && beat > 0 && (double)time(NULL) - beat > WORKER_SILENT_S) {
		char silent[32];
		size_t len = strlen(line);

		progress_clock((double)time(NULL) - beat, silent, sizeof silent);
		snprintf(line + len, sizeof line - len, ", no heartbeat from the worker for %s",
			 silent);
		quiet_worker = 1;
	}
	if (w.tty) {
		fprintf(stderr, "\r\033[K  %s%s", line, final ? "\n" : "");
		return;
	}
	/* A plain line when something changed, else one every half minute. */
	if (done == shown_done && total == shown_total && quiet_worker == shown_quiet &&
	    t - shown_at < 30 && !final)
		return;
	if (final && done == shown_done && total == shown_total)
		return;
	fprintf(stderr, "%s: %s: %s\n", argv0, w.job, line);
	shown_done = done;
	shown_total = total;
	shown_quiet = quiet_worker;
	shown_at = t;
}

/* Sleep until something happens in the folder or wait_s pass. */
static void wait_for_change(double wait_s)
{
	struct pollfd p = { .fd = w.inotify_fd, .events = POLLIN };
	char events[4096];

	if (w.inotify_fd >= 0 && w.audio_watch < 0) {
		char *audio = estrfmt("%s/audio", w.dir);
		w.audio_watch = inotify_add_watch(w.inotify_fd, audio,
						  IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE);
		free(audio);
	}
	if (poll(&p, w.inotify_fd >= 0 ? 1 : 0, (int)(wait_s * 1000) + 1) > 0)
		while (read(w.inotify_fd, events, sizeof events) > 0)
			;
}

/* Watch before the first look, so nothing slips in between. Not on FUSE
 * (a mount raises no event for writes on the far side) nor for a remote:
 * polling alone sees those. */
static void watch_folder(void)
{
	struct statfs fs;

	if (w.remote || (statfs(w.dir, &fs) == 0 && fs.f_type == FUSE_SUPER_MAGIC))
		return;
	w.inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w.inotify_fd >= 0 &&
	    inotify_add_watch(w.inotify_fd, w.dir, IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE) < 0) {
		close(w.inotify_fd);
		w.inotify_fd = -1;
	}
}

static void timed_out(const char *waiting_for)
{
	if (w.tty && !w.quiet)
		fputc('\n', stderr);
	if (exists(w.dir, "error.marker"))
		die(EXIT_FAIL, "Colab worker reported error: %s/error.marker is not a JSON object",
		    w.job);
	if (waiting_for)
		die(EXIT_TIMEOUT, "timed out after %g s: %s/done.marker is there, but %s: is Drive "
		    "still syncing %s?", w.timeout, w.job, waiting_for, w.job);
	if (w.rclone_problem)
		die(EXIT_TIMEOUT, "timed out after %g s waiting for %s/done.marker: %s",
		    w.timeout, w.job, w.rclone_problem);
	die(EXIT_TIMEOUT, "timed out after %g s waiting for %s/done.marker: is the Colab "
	    "notebook running, and is Drive syncing %s?", w.timeout, w.job, w.job);
}

/* Write the accepted files' manifest for wavcopy -m. */
static void save_manifest(const char *path, const cJSON *manifest)
{
	char *text = cJSON_Print(manifest);

	if (!text || mkdirs_for(path) < 0 || write_file_atomic(path, text, strlen(text)) < 0)
		die(EXIT_SYS, "%s:", path);
	free(text);
}

/* Whether done.marker's files are all there and right; then the job is
 * accepted and the manifest written. A marker that can never be right ends
 * the wait (exit 1). *next shrinks while a seed marker's files settle. */
static int accepted(const struct look *l, double *next)
{
	cJSON *manifest;
	char *why, *bad, *text;
	enum job_state state = job_check(w.dir, l->done_marker, w.names, w.count, &manifest, &why,
					 &bad);

	if (state == JOB_BAD) {
		if (w.tty && !w.quiet)
			fputc('\n', stderr);
		die(EXIT_FAIL, "%s: %s", w.job, why);
	}
	if (state == JOB_WAITING) {
		free(w.settled);
		w.settled = NULL;
		free(w.waiting_for);
		w.waiting_for = why;
		/* A bad copy in the stage must be fetched again, even if its
		 * size and time look right to rclone. */
		if (w.remote && bad) {
			char *path = estrfmt("%s/%s", w.stage, bad);
			unlink(path);
			free(path);
		}
		free(bad);
		return 0;
	}
	/* Without a manifest, a WAV must also stay as it is between two
	 * looks: a copy in progress may parse. */
	text = cJSON_PrintUnformatted(manifest);
	if (job_has_manifest(l->done_marker) || (w.settled && strcmp(w.settled, text) == 0)) {
		show_progress(l, 1);
		if (w.manifest_out)
			save_manifest(w.manifest_out, manifest);
		free(text);
		cJSON_Delete(manifest);
		return 1;
	}
	free(w.settled);
	w.settled = text;
	*next = w.interval < 0.5 ? w.interval : 0.5;
	cJSON_Delete(manifest);
	return 0;
}

/* Say so when nothing has touched the job for a while: a third of the
 * timeout, at most half a minute. */
static void warn_unpicked(const struct look *l)
{
	double pickup_after = w.timeout / 3 < 30 ? w.timeout / 3 : 30;

	if (l->picked_up || w.warned_pickup || clock_now() - w.start < pickup_after)
		return;
	if (w.tty && !w.quiet)
		fputc('\n', stderr);
	warn("no worker has picked up %s after %g s: is the Colab notebook running?",
	     w.job, (double)(long)(pickup_after * 10 + 0.5) / 10);
	w.warned_pickup = 1;
}

/* Options into w; returns the request's path (-n) or NULL. */
static const char *parse_options(int argc, char *argv[])
{
	const char *request = NULL;
	int c;

	while ((c = getopt(argc, argv, "hi:n:o:qs:t:")) != -1) {
		switch (c) {
		case 'i': w.interval = seconds_arg(c, optarg); break;
		case 't': w.timeout = seconds_arg(c, optarg); break;
		case 'n': request = optarg; break;
		case 'o': w.manifest_out = optarg; break;
		case 'q': w.quiet = 1; break;
		case 's': w.stage = optarg; break;
		case 'h': usage(EXIT_OK); break;
		default: usage(EXIT_USAGE);
		}
	}
	if (optind != argc - 1)
		usage(EXIT_USAGE);
	w.job = argv[optind];
	w.remote = rclone_is_remote(w.job);
	if (w.remote && !w.stage)
		die(EXIT_USAGE, "%s: a remote job needs -s stagedir, the local folder it is read into",
		    w.job);
	return request;
}

/* The folder the job is read in: there, a folder, and watched. */
static void open_job(void)
{
	struct stat st;

	w.dir = w.remote ? w.stage : w.job;
	if (w.remote && mkdirs(w.stage) < 0)
		die(EXIT_SYS, "%s:", w.stage);
	if (stat(w.dir, &st) < 0)
		die(EXIT_SYS, "%s:", w.dir);
	if (!S_ISDIR(st.st_mode))
		die(EXIT_USAGE, "%s: not a folder", w.dir);
	w.tty = isatty(STDERR_FILENO);
	watch_folder();
}

int main(int argc, char *argv[])
{
	const char *request;

	argv0 = "waitmarker";
	request = parse_options(argc, argv);
	if (request)
		load_request(request);
	open_job();
	w.start = clock_now();
	for (;;) {
		struct look l;
		double left, next = w.interval;
		int done;

		look(&l);
		if (l.error_marker)
			report_error(l.error_marker);
		done = l.done_marker && accepted(&l, &next);
		if (!done) {
			show_progress(&l, 0);
			warn_unpicked(&l);
		}
		forget(&l);
		if (done)
			return EXIT_OK;
		left = w.start + w.timeout - clock_now();
		if (left <= 0)
			timed_out(w.waiting_for);
		wait_for_change(left < next ? left : next);
	}
}
