/* waitmarker - wait until a TTS job's worker writes done.marker or error.marker.
 *
 * usage: waitmarker [-t timeout_s] [-i poll_interval_s] jobdir
 *
 * Exit 0 when jobdir/done.marker holds a JSON object, 1 when
 * jobdir/error.marker does (its message is printed), 3 on timeout
 * (default 600 s). A marker that does not parse yet is still arriving and is
 * waited for. inotify wakes us at once for local writes; polling (default
 * every 2 s) is what sees writes from the far side of a FUSE or Drive mount,
 * which raise no inotify event.
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "json.h"
#include "util.h"

static void usage(int code)
{
	fprintf(code ? stderr : stdout,
		"usage: %s [-t timeout_s] [-i poll_interval_s] jobdir\n", argv0);
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

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The marker at path as a JSON object, or NULL while it is absent or still
 * incomplete. */
static cJSON *load_marker(const char *path)
{
	char err[256];
	int sys_error;
	cJSON *v = json_load(path, err, sizeof err, &sys_error);

	if (v && !cJSON_IsObject(v)) {
		cJSON_Delete(v);
		return NULL;
	}
	return v;
}

static void report_error(cJSON *marker)
{
	const char *message = json_str(marker, "error", "no message given");
	const cJSON *step = cJSON_GetObjectItemCaseSensitive(marker, "step");

	if (cJSON_IsString(step))
		die(EXIT_FAIL, "Colab worker reported error: %s (step %s)", message,
		    step->valuestring);
	if (cJSON_IsNumber(step))
		die(EXIT_FAIL, "Colab worker reported error: %s (step %g)", message,
		    step->valuedouble);
	die(EXIT_FAIL, "Colab worker reported error: %s", message);
}

/* Sleep until something happens in the folder or wait_s pass. */
static void wait_for_change(int inotify_fd, double wait_s)
{
	struct pollfd p = { .fd = inotify_fd, .events = POLLIN };
	char events[4096];

	if (poll(&p, inotify_fd >= 0 ? 1 : 0, (int)(wait_s * 1000) + 1) > 0)
		while (read(inotify_fd, events, sizeof events) > 0)
			;
}

int main(int argc, char *argv[])
{
	double timeout = 600, interval = 2, deadline;
	char *done_path, *error_path;
	const char *jobdir;
	struct stat st;
	cJSON *marker;
	int c, inotify_fd;

	argv0 = "waitmarker";
	while ((c = getopt(argc, argv, "hi:t:")) != -1) {
		switch (c) {
		case 'i': interval = seconds_arg(c, optarg); break;
		case 't': timeout = seconds_arg(c, optarg); break;
		case 'h': usage(EXIT_OK); break;
		default: usage(EXIT_USAGE);
		}
	}
	if (optind != argc - 1)
		usage(EXIT_USAGE);
	jobdir = argv[optind];
	if (stat(jobdir, &st) < 0)
		die(EXIT_SYS, "%s:", jobdir);
	if (!S_ISDIR(st.st_mode))
		die(EXIT_USAGE, "%s: not a folder", jobdir);
	done_path = estrfmt("%s/done.marker", jobdir);
	error_path = estrfmt("%s/error.marker", jobdir);

	/* Watch before the first look, so no marker slips in between. Without
	 * inotify (watch limit, odd file system) polling alone still works. */
	inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (inotify_fd >= 0 &&
	    inotify_add_watch(inotify_fd, jobdir, IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE) < 0) {
		close(inotify_fd);
		inotify_fd = -1;
	}
	deadline = now() + timeout;
	for (;;) {
		double left;

		if ((marker = load_marker(error_path)))
			report_error(marker);
		if ((marker = load_marker(done_path))) {
			cJSON_Delete(marker);
			break;
		}
		left = deadline - now();
		if (left <= 0) {
			if (access(error_path, F_OK) == 0)
				die(EXIT_FAIL, "Colab worker reported error: %s is not a JSON object",
				    error_path);
			die(EXIT_TIMEOUT, "timed out after %g s waiting for %s: is the Colab "
			    "notebook running, and is Drive syncing %s?", timeout, done_path, jobdir);
		}
		wait_for_change(inotify_fd, left < interval ? left : interval);
	}
	free(done_path);
	free(error_path);
	return EXIT_OK;
}
