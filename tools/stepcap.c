/* stepcap - record one tour step as a silent video clip.
 *
 * usage: stepcap [-w narration.wav] [-m meta.json] -o clip.mp4 cap.json
 *
 * Loads the step's page in headless Chromium, runs its actions on a
 * deterministic frame clock (one beginFrame per video frame) and writes
 * exactly as many frames as the step lasts: max(lead-in + narration + tail,
 * actions + tail). -m writes the timing the assembly needs as JSON. */
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "actions.h"
#include "browser.h"
#include "cdp.h"
#include "encoder.h"
#include "file.h"
#include "frames.h"
#include "json.h"
#include "page.h"
#include "util.h"
#include "wav.h"

/* Browsers started before giving up on one whose renderer stalls. */
#define BROWSER_STARTS 3

/* Unrecorded frames allowed for the loaded page to finish drawing. */
#define SETTLE_FRAMES 30

struct step {
	const char *id, *url, *preloader;
	int fps, width, height, video_width, video_height;
	double lead_in, tail, timeout;
	const cJSON *actions, *scroll, *assertions;
};

struct events {
	const char *session;
	int loaded;
};

/* Global so that every exit path, die() included, can stop them. */
static struct browser browser;
static struct encoder encoder;
static volatile sig_atomic_t interrupted;

static void usage(FILE *f)
{
	fprintf(f, "usage: %s [-w narration.wav] [-m meta.json] -o clip.mp4 cap.json\n",
		argv0);
}

static void cleanup(void)
{
	encoder_abort(&encoder);
	browser_stop(&browser);
	if (interrupted) {
		signal(interrupted, SIG_DFL);
		raise(interrupted);
	}
}

/* Kill the children, so whatever we were waiting on fails at once and the
 * normal exit path cleans up; then die of the signal from the exit handler.
 * Only async-signal-safe calls here. */
static void on_signal(int sig)
{
	static const char msg[] = "stepcap: interrupted\n";
	int devnull;

	interrupted = sig;
	if (write(STDERR_FILENO, msg, sizeof msg - 1) < 0)
		_exit(128 + sig);
	/* the error the dying pipe will cause is not news */
	devnull = open("/dev/null", O_WRONLY);
	if (devnull >= 0)
		dup2(devnull, STDERR_FILENO);
	if (encoder.pid > 0)
		kill(encoder.pid, SIGKILL);
	if (browser.pid <= 0)
		_exit(128 + sig);
	kill(-browser.pid, SIGKILL);
	kill(browser.pid, SIGKILL);
}

static int whole_number(const cJSON *v, int lo, int hi)
{
	return cJSON_IsNumber(v) && v->valuedouble == floor(v->valuedouble) &&
	       v->valuedouble >= lo && v->valuedouble <= hi;
}

static void read_size(const cJSON *root, const char *id, const char *name, int *w,
		      int *h)
{
	const cJSON *size = cJSON_GetObjectItemCaseSensitive(root, name);
	const cJSON *width = cJSON_GetObjectItemCaseSensitive(size, "width");
	const cJSON *height = cJSON_GetObjectItemCaseSensitive(size, "height");

	/* even sizes: yuv420p cannot hold odd ones */
	if (!whole_number(width, 16, 7680) || !whole_number(height, 16, 4320) ||
	    width->valueint % 2 || height->valueint % 2)
		die(EXIT_USAGE, "steps[%s].%s: must be {\"width\": W, \"height\": H}, "
		    "even, 16x16 to 7680x4320", id, name);
	*w = width->valueint;
	*h = height->valueint;
}

static double seconds_member(const cJSON *root, const char *id, const char *name,
			     double fallback)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, name);

	if (!v)
		return fallback;
	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->valuedouble < 0)
		die(EXIT_USAGE, "steps[%s].%s: must be a number of seconds >= 0", id, name);
	return v->valuedouble;
}

/* The seed's assertions: checked against the page once the actions ran. */
static const char *const assertion_types[] = { "url_contains", "title_contains" };

static void assertions_check(const char *id, const cJSON *assertions)
{
	const cJSON *a;
	const char *type;
	int n = 0;

	if (assertions && !cJSON_IsArray(assertions) && !cJSON_IsNull(assertions))
		die(EXIT_USAGE, "steps[%s].assertions: not an array", id);
	if (!cJSON_IsArray(assertions))
		return;
	cJSON_ArrayForEach(a, assertions) {
		if (!(type = json_str(a, "type", NULL)))
			die(EXIT_USAGE, "steps[%s].assertions[%d].type: missing or not a string",
			    id, n);
		if (strcmp(type, assertion_types[0]) && strcmp(type, assertion_types[1]))
			die(EXIT_USAGE, "steps[%s].assertions[%d]: assertion \"%s\" is not "
			    "supported yet", id, n, type);
		if (!json_str(a, "value", NULL))
			die(EXIT_USAGE, "steps[%s].assertions[%d].value: missing or not a string",
			    id, n);
		n++;
	}
}

static void assertions_run(const struct step *s, struct page *page)
{
	const cJSON *a;
	const char *type, *value;
	char *actual;
	int n = 0;

	if (!cJSON_IsArray(s->assertions))
		return;
	cJSON_ArrayForEach(a, s->assertions) {
		type = json_str(a, "type", NULL);
		value = json_str(a, "value", NULL);
		actual = page_document(page, strcmp(type, "url_contains") ? "title" : "url");
		if (!strstr(actual, value))
			die(EXIT_FAIL, "step %s: assertions[%d] (%s): \"%s\" not found in \"%s\"",
			    s->id, n, type, value, actual);
		free(actual);
		n++;
	}
}

/* Read the fragment spec2req wrote. It was validated there; checking again
 * costs little and turns a stale or hand-written fragment into a clear
 * error rather than a strange clip. */
static cJSON *read_step(const char *path, struct step *s)
{
	char err[256];
	int sys_error;
	cJSON *root = json_load(path, err, sizeof err, &sys_error), *v;
	const char *mode;

	if (!root)
		die(sys_error ? EXIT_SYS : EXIT_USAGE, "%s: %s", path, err);
	if (!cJSON_IsObject(root))
		die(EXIT_USAGE, "%s: not a JSON object", path);
	if (!(s->id = json_str(root, "id", NULL)) || !*s->id)
		die(EXIT_USAGE, "%s: id: missing or not a string", path);
	if (!(s->url = json_str(root, "url", NULL)) || !*s->url)
		die(EXIT_USAGE, "steps[%s].url: missing or not a string", s->id);
	v = cJSON_GetObjectItemCaseSensitive(root, "fps");
	if (v && !whole_number(v, 1, 240))
		die(EXIT_USAGE, "steps[%s].fps: must be a whole number from 1 to 240", s->id);
	s->fps = v ? v->valueint : 30;
	read_size(root, s->id, "viewport", &s->width, &s->height);
	if (cJSON_GetObjectItemCaseSensitive(root, "video_size"))
		read_size(root, s->id, "video_size", &s->video_width, &s->video_height);
	else {
		s->video_width = s->width;
		s->video_height = s->height;
	}
	s->lead_in = seconds_member(root, s->id, "lead_in", 0.5);
	s->tail = seconds_member(root, s->id, "tail", 1.0);
	s->timeout = seconds_member(root, s->id, "timeout", 30);
	if (s->timeout < 1)
		die(EXIT_USAGE, "steps[%s].timeout: must be at least 1 second", s->id);
	s->preloader = json_str(root, "preloader_selector", NULL);
	mode = json_str(root, "mode", "independent");
	if (strcmp(mode, "independent"))
		warn("steps[%s]: mode \"%s\": captured as an independent step "
		     "(page state is not carried over)", s->id, mode);
	s->actions = cJSON_GetObjectItemCaseSensitive(root, "actions");
	actions_check(s->id, s->actions);
	s->scroll = cJSON_GetObjectItemCaseSensitive(root, "scroll");
	if (cJSON_IsNull(s->scroll))
		s->scroll = NULL;
	if (s->scroll)
		scroll_check(s->id, s->scroll);
	s->assertions = cJSON_GetObjectItemCaseSensitive(root, "assertions");
	assertions_check(s->id, s->assertions);
	return root;
}

static double narration_seconds(const char *path)
{
	struct wav w;
	const char *why;

	if (wav_probe(path, &w, &why) < 0)
		die(EXIT_FAIL, "%s: %s", path, why);
	return wav_seconds(&w);
}

static void on_event(void *ctx, const char *session, const char *method,
		     const cJSON *params)
{
	struct events *ev = ctx;

	if (!session || !ev->session || strcmp(session, ev->session))
		return;
	if (!strcmp(method, "Page.loadEventFired"))
		ev->loaded = 1;
	else if (!strcmp(method, "Inspector.targetCrashed"))
		die(EXIT_FAIL, "browser: the page crashed");
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A page of the step's size whose frames we draw; returns its session. */
static char *open_target(struct cdp *cdp, const struct step *s)
{
	cJSON *p = cJSON_CreateObject(), *r;
	char *target, *session;

	cJSON_AddStringToObject(p, "url", "about:blank");
	cJSON_AddBoolToObject(p, "enableBeginFrameControl", 1);
	cJSON_AddNumberToObject(p, "width", s->width);
	cJSON_AddNumberToObject(p, "height", s->height);
	r = cdp_ecall(cdp, NULL, "Target.createTarget", p);
	target = estrdup(json_str(r, "targetId", ""));
	cJSON_Delete(r);
	p = cJSON_CreateObject();
	cJSON_AddStringToObject(p, "targetId", target);
	cJSON_AddBoolToObject(p, "flatten", 1);
	r = cdp_ecall(cdp, NULL, "Target.attachToTarget", p);
	session = estrdup(json_str(r, "sessionId", ""));
	cJSON_Delete(r);
	free(target);
	return session;
}

/* Load the step's URL before recording, so the clip opens on the loaded
 * page. Loading runs on the wall clock: frames are pumped until the load
 * event, then until the page stops changing (bounded: some never do). */
static void load_page(const struct step *s, struct capture *cap, struct events *ev)
{
	cJSON *p = cJSON_CreateObject(), *r;
	double deadline = now_s() + s->timeout;
	const char *error;
	int i;

	cJSON_Delete(cdp_ecall(cap->frames->cdp, cap->frames->session, "Page.enable", NULL));
	cJSON_Delete(cdp_ecall(cap->frames->cdp, cap->frames->session, "Inspector.enable",
			       NULL));
	ev->loaded = 0;
	cJSON_AddStringToObject(p, "url", s->url);
	r = cdp_ecall(cap->frames->cdp, cap->frames->session, "Page.navigate", p);
	if ((error = json_str(r, "errorText", NULL)))
		die(EXIT_FAIL, "step %s: cannot load the page: %s", s->id, error);
	cJSON_Delete(r);
	while (!ev->loaded) {
		if (now_s() > deadline)
			die(EXIT_TIMEOUT, "step %s: the page did not load within %g s", s->id,
			    s->timeout);
		frames_step(cap->frames, 0);
	}
	for (i = 0; i < SETTLE_FRAMES && frames_step(cap->frames, 0); i++)
		;
	if (s->preloader) {
		snprintf(cap->where, sizeof cap->where, "preloader_selector");
		while (!page_selector_state(cap->page, s->preloader, "hidden")) {
			if (now_s() > deadline)
				die(EXIT_TIMEOUT, "step %s: preloader \"%s\" still shown after %g s",
				    s->id, s->preloader, s->timeout);
			frames_step(cap->frames, 0);
		}
	}
}

static void write_meta(const char *path, const struct step *s, long frames,
		       long action_frames, double narration, const struct frames *fr)
{
	cJSON *m = cJSON_CreateObject();
	char *text;

	cJSON_AddStringToObject(m, "id", s->id);
	cJSON_AddNumberToObject(m, "fps", s->fps);
	cJSON_AddNumberToObject(m, "frames", frames);
	cJSON_AddNumberToObject(m, "narration_start_frame", lround(s->lead_in * s->fps));
	cJSON_AddNumberToObject(m, "action_frames", action_frames);
	cJSON_AddNumberToObject(m, "narration_seconds", narration);
	cJSON_AddNumberToObject(m, "reused_frames", fr->reused);
	cJSON_AddNumberToObject(m, "clock_jumps", fr->clock_jumps);
	cJSON_AddNumberToObject(m, "screenshot_retries", fr->shot_retries);
	text = cJSON_Print(m);
	cJSON_Delete(m);
	if (!text || write_file_atomic(path, text, strlen(text)) < 0)
		die(EXIT_SYS, "cannot write %s:", path);
	free(text);
}

static void catch_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	/* a dead ffmpeg or browser must be an error we report, not a silent
	 * SIGPIPE death that skips the cleanup */
	signal(SIGPIPE, SIG_IGN);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

int main(int argc, char *argv[])
{
	const char *wav = NULL, *meta = NULL, *out = NULL;
	struct step s = { 0 };
	struct events ev = { 0 };
	struct frames frames;
	struct page page = { 0 };
	struct capture cap = { 0 };
	struct cdp *cdp;
	double narration = 0;
	long total, action_frames;
	cJSON *root;
	int c, attempt;

	argv0 = "stepcap";
	while ((c = getopt(argc, argv, "hw:m:o:")) != -1) {
		switch (c) {
		case 'h': usage(stdout); return EXIT_OK;
		case 'w': wav = optarg; break;
		case 'm': meta = optarg; break;
		case 'o': out = optarg; break;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (!out || optind != argc - 1) {
		usage(stderr);
		return EXIT_USAGE;
	}
	root = read_step(argv[optind], &s);
	if (wav)
		narration = narration_seconds(wav);

	catch_signals();
	atexit(cleanup);
	cap.id = s.id;
	cap.fps = s.fps;
	cap.timeout = s.timeout;
	cap.frames = &frames;
	cap.page = &page;
	for (attempt = 1;; attempt++) {
		browser_start(&browser, s.width, s.height);
		cdp = cdp_open(browser.wfd, browser.rfd, (int)(s.timeout * 1000), on_event, &ev);
		ev.session = open_target(cdp, &s);
		frames_init(&frames, cdp, ev.session, s.fps, &encoder);
		page.cdp = cdp;
		page.session = ev.session;
		load_page(&s, &cap, &ev);
		if (frames_first_picture(&frames) == 0)
			break;
		if (attempt == BROWSER_STARTS)
			die(EXIT_SYS, "step %s: the browser never drew the page (%d browsers tried)",
			    s.id, attempt);
		warn("step %s: the browser's renderer stalled; starting another", s.id);
		browser_stop(&browser);
		cdp_close(cdp);
		frames_free(&frames);
		free((char *)ev.session);
		ev = (struct events){ 0 };
	}
	encoder_start(&encoder, out, s.fps, s.video_width != s.width ||
		      s.video_height != s.height, s.video_width, s.video_height);

	actions_run(&cap, s.actions);
	if (s.scroll)
		scroll_run(&cap, s.scroll);
	assertions_run(&s, &page);
	action_frames = frames.recorded;
	total = lround((s.lead_in + narration + s.tail) * s.fps);
	if (total < action_frames + lround(s.tail * s.fps))
		total = action_frames + lround(s.tail * s.fps);
	record_until(&cap, total);

	encoder_finish(&encoder);
	if (meta)
		write_meta(meta, &s, total, action_frames, narration, &frames);
	browser_stop(&browser);
	cdp_close(cdp);
	frames_free(&frames);
	free((char *)ev.session);
	cJSON_Delete(root);
	return EXIT_OK;
}
