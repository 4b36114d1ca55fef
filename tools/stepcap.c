/* stepcap - record tour steps as silent video clips.
 *
 * usage: stepcap [-f faildir] [-w narration.wav] [-m meta.json] -o clip.mp4 cap.json
 *        stepcap [-f faildir] -d outdir cap.json...
 *        stepcap -k [-n file]... -d outdir cap.json...
 *
 * Loads the step's page in headless Chromium, runs its actions on a
 * deterministic frame clock (one beginFrame per video frame) and writes
 * exactly as many frames as the step lasts: max(lead-in + narration + tail,
 * actions + tail). -m writes the timing the assembly needs as JSON.
 *
 * With -d, the steps of a continuous tour are recorded in order on one
 * page, its state carried from step to step, each into its own clip:
 * outdir/clip/ID.mp4 and ID.json, timed by outdir/wav/ID.wav, and the
 * clip's last picture, ID.last.png (with ID.blink.png, the other, when it
 * ends on the caret's blink). No clip is replaced unless every step
 * succeeded.
 *
 * With -k, nothing is recorded: the continuous tour's clips are kept when a
 * recording now would give them again, and stdout says "kept"; otherwise
 * "record". They are when every step's fragment and this program are the
 * ones that recorded them, each clip is the one its meta file was written
 * with, and each narration, as long as it is now, gives its clip the
 * frames it has: a narration edited in a step whose actions outlast it
 * changes no clip. Or it changes only how long a clip's still ending lasts:
 * the page was still (but for the caret's blink) for at least its last
 * second, and the new end comes after that began; that clip is then held
 * longer or shorter there (retime.h), as a recording would have it, and
 * the steps after it keep theirs. Each -n file (what else make knows the
 * clips by: pre_setup, the tools, the fragments themselves, which make
 * watch touches to have the tour recorded again) must be older than every
 * clip and meta file. Kept clips get their meta file's narration_seconds
 * set anew, and a new time, for make.
 *
 * A failed attempt (an action, a wait, an assertion) is tried again from
 * the start in a fresh browser, up to the fragment's max_retries; each
 * failed attempt leaves faildir/ID-attempt-N.png and ID-attempt-N.txt (the
 * reason). The default faildir is outdir/fail with -d, none otherwise. */
#include <fcntl.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "actions.h"
#include "animframe.h"
#include "assertions.h"
#include "browser.h"
#include "camera.h"
#include "caret.h"
#include "cdp.h"
#include "child.h"
#include "clock.h"
#include "encoder.h"
#include "file.h"
#include "frames.h"
#include "json.h"
#include "netidle.h"
#include "page.h"
#include "retime.h"
#include "sha256.h"
#include "stepid.h"
#include "timing.h"
#include "url.h"
#include "util.h"
#include "vscode.h"
#include "wav.h"

/* Browsers started before giving up on one whose renderer stalls. */
#define BROWSER_STARTS 3

/* The least a protocol call waits for its answer. It only ends a browser
 * that hangs; a step's timeout is for its page's waits, and a browser
 * starting on a busy machine can take seconds to answer its first call. */
#define BROWSER_ANSWER_MIN_S 10

/* Unrecorded frames allowed for the loaded page to finish drawing. */
#define SETTLE_FRAMES 30

/* The most attempts settings.max_retries_per_step allows (10 retries). */
#define MAX_ATTEMPTS 11

/* What a failed attempt printed, kept for its reason file. */
#define REASON_MAX 8192

/* A clip's ffmpeg finishes encoding while the next clip records, not
 * holding it up; this many clips back, the capture waits for it (each
 * 1080p x264 holds some 500 MB). */
#define ENCODERS_BEHIND 2

/* The mobile camera comes this much closer than the automatic one. */
#define MOBILE_CLOSER 1.15

/* A step's camera, as the fragment gives it (centre in video pixels).
 * The automatic camera's z is 0 when it fits each target. */
struct zoom {
	int on, automatic, mobile;
	double z, cx, cy, transition_ms;
	const char *focus, *selector;
};

struct step {
	const char *id, *url, *preloader, *mode;
	int fps, width, height, video_width, video_height, max_retries, cursor;
	double lead_in, tail, timeout, max_wait;
	const cJSON *actions, *scroll, *assertions;
	struct zoom zoom;
	struct zoom from;  /* the step before's fixed camera, where this one starts */
	struct video_settings video;
	cJSON *root;
	/* where its outputs go; with -d, its last picture too, and the other
	 * of a blink it ends on (for -k) */
	const char *clip, *meta, *last_png, *blink_png;
	double narration;
	/* what recorded its clip, as a digest: this program and the fragments
	 * of this step and of every step before (their state is its start) */
	char input[SHA256_HEX_SIZE];
};

struct events {
	const char *session;
	const char *main_frame;  /* the page's own frame id */
	int loaded;
	long navigations;        /* requests for a new document in the page */
	struct netidle *net;
};

/* Between the attempt being run and the process that runs attempts. */
struct shared {
	char step[80];  /* the step being recorded when the attempt ended */
};

/* Global so that every exit path, die() included, can stop them. */
static struct browser browser;
static struct encoder *encoders;
static int encoder_count;
static volatile sig_atomic_t interrupted;

static void usage(FILE *f)
{
	fprintf(f, "usage: %s [-f faildir] [-w narration.wav] [-m meta.json] -o clip.mp4 cap.json\n"
		"       %s [-f faildir] -d outdir cap.json...\n"
		"       %s -k [-n file]... -d outdir cap.json...\n", argv0, argv0, argv0);
}

/* End the run by the signal that came, if one did. */
static void reraise(void)
{
	if (interrupted) {
		signal(interrupted, SIG_DFL);
		raise(interrupted);
	}
}

/* From a signal handler: say so, once; what fails after it fails because
 * of the signal (a dying pipe, an ffmpeg that had it too) and is not news.
 * Returns -1 when stderr cannot be written. */
static int say_interrupted(void)
{
	static const char msg[] = "stepcap: interrupted\n";
	int devnull;

	if (write(STDERR_FILENO, msg, sizeof msg - 1) < 0)
		return -1;
	devnull = open("/dev/null", O_WRONLY);
	if (devnull >= 0)
		dup2(devnull, STDERR_FILENO);
	return 0;
}

static void cleanup(void)
{
	int i;

	for (i = 0; i < encoder_count; i++)
		encoder_abort(&encoders[i]);
	browser_stop(&browser);
	reraise();
}

/* Kill the children, so whatever we were waiting on fails at once and the
 * normal exit path cleans up; then die of the signal from the exit handler.
 * Only async-signal-safe calls here. */
static void on_signal(int sig)
{
	int i;

	interrupted = sig;
	if (child_pid > 0) {
		/* the attempt cleans up after itself; we wait for it */
		kill(child_pid, sig);
		return;
	}
	if (say_interrupted() < 0)
		_exit(128 + sig);
	for (i = 0; i < encoder_count; i++)
		if (encoders[i].pid > 0)
			kill(encoders[i].pid, SIGKILL);
	if (browser.pid <= 0)
		_exit(128 + sig);
	kill(-browser.pid, SIGKILL);
	kill(browser.pid, SIGKILL);
}

/* With -k: the ffmpeg running is let finish (or fail, having had the
 * signal too, as Ctrl-C gives it); then the run ends as a failure does,
 * its temporary files removed, and dies of the signal (reraise, the first
 * exit handler, runs last). What fails from here on fails because of the
 * signal, not the clip it names: it is not said. */
static void on_keep_signal(int sig)
{
	if (interrupted)
		return;
	interrupted = sig;
	say_interrupted();
}

static void catch_keep_signals(void)
{
	struct sigaction sa = { .sa_handler = on_keep_signal };

	atexit(reraise);
	signal(SIGPIPE, SIG_IGN);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
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

/* The output's encoder settings, so that the clips join by stream copy as
 * they are; absent, the defaults. Strings only: they end up as ffmpeg
 * arguments, never in a shell. */
static void read_video(const cJSON *root, struct step *s)
{
	const char *why = video_settings_read(&s->video,
					      cJSON_GetObjectItemCaseSensitive(root, "video"));

	if (why)
		die(EXIT_USAGE, "steps[%s].video%s", s->id, why);
}

static double zoom_number(const cJSON *zoom, const struct step *s, const char *path,
			  const char *name, double lo, double hi, double fallback)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(zoom, name);

	if (!v)
		return fallback;
	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->valuedouble < lo ||
	    v->valuedouble > hi)
		die(EXIT_USAGE, "steps[%s].%s.%s: must be a number from %g to %g", s->id,
		    path, name, lo, hi);
	return v->valuedouble;
}

static int zoom_flag(const cJSON *zoom, const struct step *s, const char *path,
		     const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(zoom, name);

	if (v && !cJSON_IsBool(v))
		die(EXIT_USAGE, "steps[%s].%s.%s: must be true or false", s->id, path, name);
	return cJSON_IsTrue(v);
}

/* One camera: {"z", "cx", "cy", "transition_ms", "focus", "selector"},
 * or {"auto": true} for the one that follows the actions, its zoom fitted
 * to each target ("mobile": 15 % closer) unless "z" gives it. */
static void read_camera(const cJSON *zoom, struct step *s, const char *path,
			struct zoom *z)
{
	const cJSON *v;

	if (!cJSON_IsObject(zoom))
		die(EXIT_USAGE, "steps[%s].%s: must be an object", s->id, path);
	z->on = 1;
	z->automatic = zoom_flag(zoom, s, path, "auto");
	z->mobile = zoom_flag(zoom, s, path, "mobile");
	z->z = zoom_number(zoom, s, path, "z", 1, 4, z->automatic ? 0 : 2);
	z->cx = zoom_number(zoom, s, path, "cx", 0, s->video_width, s->video_width / 2.0);
	z->cy = zoom_number(zoom, s, path, "cy", 0, s->video_height, s->video_height / 2.0);
	z->transition_ms = zoom_number(zoom, s, path, "transition_ms", 0, 10000, 600);
	z->focus = json_str(zoom, "focus", NULL);
	if (z->focus && strcmp(z->focus, "full") && strcmp(z->focus, "editor") &&
	    strcmp(z->focus, "terminal"))
		die(EXIT_USAGE, "steps[%s].%s.focus: \"%s\" is not full, editor or terminal",
		    s->id, path, z->focus);
	v = cJSON_GetObjectItemCaseSensitive(zoom, "selector");
	if (v && (!cJSON_IsString(v) || !*v->valuestring))
		die(EXIT_USAGE, "steps[%s].%s.selector: must be a CSS selector", s->id, path);
	z->selector = v ? v->valuestring : NULL;
}

/* The step's camera, and with "from" the fixed camera of the step before
 * on the same page, where this one's picture starts. */
static void read_zoom(const cJSON *root, struct step *s)
{
	const cJSON *zoom = cJSON_GetObjectItemCaseSensitive(root, "zoom");
	const cJSON *from;

	if (!zoom || cJSON_IsNull(zoom))
		return;
	read_camera(zoom, s, "zoom", &s->zoom);
	from = cJSON_GetObjectItemCaseSensitive(zoom, "from");
	if (!from)
		return;
	read_camera(from, s, "zoom.from", &s->from);
	if (s->zoom.automatic || s->from.automatic)
		die(EXIT_USAGE, "steps[%s].zoom.from: only a fixed camera starts where the one "
		    "before left it", s->id);
}

/* Read the fragment spec2req wrote. It was validated there; checking again
 * costs little and turns a stale or hand-written fragment into a clear
 * error rather than a strange clip. */
static void read_step(const char *path, struct step *s)
{
	char err[256];
	int sys_error;
	cJSON *root = json_load(path, err, sizeof err, &sys_error), *v;
	const char *why;

	if (!root)
		die(sys_error ? EXIT_SYS : EXIT_USAGE, "%s: %s", path, err);
	if (!cJSON_IsObject(root))
		die(EXIT_USAGE, "%s: not a JSON object", path);
	s->root = root;
	if (!(s->id = json_str(root, "id", NULL)) || !*s->id)
		die(EXIT_USAGE, "%s: id: missing or not a string", path);
	/* ids name the failure files and, with -d, the clips */
	if (!stepid_valid(s->id, &why))
		die(EXIT_USAGE, "%s: id \"%s\" %s", path, s->id, why);
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
	s->max_wait = seconds_member(root, s->id, "max_wait", 1.0);
	v = cJSON_GetObjectItemCaseSensitive(root, "max_retries");
	if (v && !whole_number(v, 0, MAX_ATTEMPTS - 1))
		die(EXIT_USAGE, "steps[%s].max_retries: must be a whole number from 0 to %d",
		    s->id, MAX_ATTEMPTS - 1);
	s->max_retries = v ? v->valueint : 0;
	v = cJSON_GetObjectItemCaseSensitive(root, "cursor");
	if (v && !cJSON_IsBool(v))
		die(EXIT_USAGE, "steps[%s].cursor: must be true or false", s->id);
	s->cursor = !v || cJSON_IsTrue(v);
	read_video(root, s);
	read_zoom(root, s);
	s->preloader = json_str(root, "preloader_selector", NULL);
	s->mode = json_str(root, "mode", "independent");
	if (strcmp(s->mode, "independent") && strcmp(s->mode, "continuous"))
		die(EXIT_USAGE, "steps[%s].mode: \"%s\" is not independent or continuous",
		    s->id, s->mode);
	s->actions = cJSON_GetObjectItemCaseSensitive(root, "actions");
	actions_check(s->id, s->actions);
	s->scroll = cJSON_GetObjectItemCaseSensitive(root, "scroll");
	if (cJSON_IsNull(s->scroll))
		s->scroll = NULL;
	if (s->scroll)
		scroll_check(s->id, s->scroll);
	s->assertions = cJSON_GetObjectItemCaseSensitive(root, "assertions");
	assertions_check(s->id, s->assertions);
}

/* Steps recorded on one page must agree on what the page is. */
static void check_together(const struct step *steps, int n)
{
	const struct step *first = &steps[0], *s;
	int i, j;

	for (i = 0; i < n; i++) {
		s = &steps[i];
		if (n > 1 && strcmp(s->mode, "continuous"))
			die(EXIT_USAGE, "steps[%s].mode: \"%s\": only continuous steps are "
			    "recorded together; capture it on its own", s->id, s->mode);
		if (s->fps != first->fps || s->width != first->width ||
		    s->height != first->height)
			die(EXIT_USAGE, "steps[%s]: fps and viewport differ from steps[%s]'s, "
			    "but they share one page", s->id, first->id);
		for (j = 0; j < i; j++)
			if (!strcmp(steps[j].id, s->id))
				die(EXIT_USAGE, "steps[%s]: given twice", s->id);
	}
}

/* What records a step's clip, as a digest: what recorded the step before
 * it (for the first, this program) and the fragment's bytes. */
static void digest_input(const char *path, const char *before, struct step *s)
{
	char fragment[SHA256_HEX_SIZE], both[2 * SHA256_HEX_SIZE];

	if (sha256_file_hex(path, fragment) < 0)
		die(EXIT_SYS, "cannot read %s:", path);
	snprintf(both, sizeof both, "%s%s", before, fragment);
	if (sha256_hex(both, strlen(both), s->input) < 0)
		die(EXIT_SYS, "libcrypto: cannot make a digest");
}

static double narration_seconds(const char *path)
{
	struct wav w;
	const char *why;

	/* unreadable is the system's fault, not a WAV the work's */
	if (wav_probe(path, &w, &why) < 0)
		die(errno ? EXIT_SYS : EXIT_FAIL, "%s: %s", path, why);
	return wav_seconds(&w);
}

/* A request for a new document in the page itself: its navigation's own
 * request (its id is the loader's). A #fragment or history.pushState
 * loads nothing, and frames inside the page are not the page. */
static int is_page_load(const struct events *ev, const cJSON *params)
{
	const char *id = json_str(params, "requestId", "");

	return ev->main_frame && !strcmp(json_str(params, "type", ""), "Document") &&
	       !strcmp(json_str(params, "frameId", ""), ev->main_frame) &&
	       !strcmp(json_str(params, "loaderId", ""), id);
}

static void on_event(void *ctx, const char *session, const char *method,
		     const cJSON *params)
{
	struct events *ev = ctx;

	if (!session || !ev->session || strcmp(session, ev->session))
		return;
	if (!strcmp(method, "Network.requestWillBeSent") && is_page_load(ev, params))
		ev->navigations++;
	if (!strcmp(method, "Page.loadEventFired"))
		ev->loaded = 1;
	else if (!strcmp(method, "Inspector.targetCrashed"))
		die(EXIT_FAIL, "browser: the page crashed");
	else if (!strncmp(method, "Network.", 8))
		netidle_event(ev->net, method, params, clock_now());
}

/* A page of the step's size whose frames we draw; returns its session
 * and sets ev's main frame. */
static char *open_target(struct cdp *cdp, const struct step *s, struct events *ev)
{
	char *session = cdp_open_frame_target(cdp, s->width, s->height);
	cJSON *tree;

	/* load events, crashes, and the requests wait_for_load counts */
	cJSON_Delete(cdp_ecall(cdp, session, "Page.enable", NULL));
	/* a new document requested for it is what the automatic camera
	 * shows on the full view; frames inside it (VS Code's webviews) are
	 * not */
	tree = cdp_ecall(cdp, session, "Page.getFrameTree", NULL);
	free((char *)ev->main_frame);
	ev->main_frame = estrdup(json_str(cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(tree, "frameTree"), "frame"), "id", ""));
	cJSON_Delete(tree);
	cJSON_Delete(cdp_ecall(cdp, session, "Inspector.enable", NULL));
	cJSON_Delete(cdp_ecall(cdp, session, "Network.enable", NULL));
	caret_install(cdp, session);
	animframe_install(cdp, session);
	return session;
}

/* Let the page's network go quiet, its drawing settle and its preloader
 * go, unrecorded and bounded. With ahead set, a quiet network is assumed
 * rather than waited for (capture_settle_network). */
static void settle_page(const struct step *s, struct capture *cap, double deadline, int ahead)
{
	int i, hidden;

	snprintf(cap->where, sizeof cap->where, "loading %s", s->url);
	/* what VS Code fetched for its theme may still be loading */
	if (vscode_settle_theme(cap, deadline))
		ahead = ahead && cap->net->count == 0;
	capture_settle_network(cap, deadline - clock_now(), ahead);
	for (i = 0; i < SETTLE_FRAMES && frames_step(cap->frames, 0); i++)
		;
	if (!s->preloader)
		return;
	snprintf(cap->where, sizeof cap->where, "preloader_selector");
	while ((hidden = page_selector_state(cap->page, s->preloader, "hidden")) == 0) {
		if (clock_now() > deadline)
			capture_fail(cap, EXIT_TIMEOUT, "preloader \"%s\" still shown after %g s",
				     s->preloader, s->timeout);
		frames_pace(cap->frames);
		frames_step(cap->frames, 0);
	}
	/* a selector the page cannot parse is bad input, not a gone preloader */
	if (hidden < 0)
		die(EXIT_USAGE, "step %s: %s: invalid selector \"%s\": %s", s->id, cap->where,
		    s->preloader, cap->page->err);
}

/* Load the step's URL before recording, so the clip opens on the loaded
 * page. Loading runs on the wall clock: frames are pumped, unrecorded and
 * paced, until the load event, then until the network and the page stop
 * changing (bounded: some never do), then until the preloader has gone.
 * A page with no request in flight at its load event is recorded at once,
 * its network's half second of quiet assumed (settle_page); one still
 * loading is waited for, as it would likely break that. */
static void load_page(const struct step *s, struct capture *cap, struct events *ev)
{
	cJSON *p = cJSON_CreateObject(), *r;
	double deadline = clock_now() + s->timeout;
	const char *error;

	snprintf(cap->where, sizeof cap->where, "loading %s", s->url);
	ev->loaded = 0;
	netidle_reset(ev->net, clock_now());
	cJSON_AddStringToObject(p, "url", s->url);
	r = cdp_ecall(cap->frames->cdp, cap->frames->session, "Page.navigate", p);
	if ((error = json_str(r, "errorText", NULL)))
		die(EXIT_FAIL, "step %s: cannot load the page: %s", s->id, error);
	/* a new #fragment on the same page loads no document, so no load
	 * event comes: the page is as loaded as it was */
	if (!json_str(r, "loaderId", NULL))
		ev->loaded = 1;
	cJSON_Delete(r);
	while (!ev->loaded) {
		if (clock_now() > deadline)
			capture_fail(cap, EXIT_TIMEOUT, "the page did not load within %g s",
				     s->timeout);
		frames_pace(cap->frames);
		frames_step(cap->frames, 0);
	}
	settle_page(s, cap, deadline, ev->net->count == 0);
	cursor_restore(cap);
}

/* Where the camera went, in video pixels, for the report: each stop's
 * frame (within the clip) and the region the frame shows. */
static cJSON *camera_json(const struct step *s, const struct camera *c, long frames)
{
	double kx = (double)s->video_width / s->width, ky = (double)s->video_height / s->height;
	cJSON *list = cJSON_CreateArray(), *stop;
	const struct camera_stop *st;
	int i;

	for (i = 0; i < c->stop_count; i++) {
		st = &c->stops[i];
		stop = cJSON_CreateObject();
		cJSON_AddNumberToObject(stop, "frame", st->frame < frames ? st->frame : frames - 1);
		cJSON_AddNumberToObject(stop, "z", round(st->view.scale * 1000) / 1000);
		cJSON_AddNumberToObject(stop, "x", lround(st->view.x * kx));
		cJSON_AddNumberToObject(stop, "y", lround(st->view.y * ky));
		cJSON_AddNumberToObject(stop, "width", lround(st->view.width * kx));
		cJSON_AddNumberToObject(stop, "height", lround(st->view.height * ky));
		cJSON_AddItemToArray(list, stop);
	}
	return list;
}

static cJSON *meta_json(const struct step *s, long frames, long action_frames,
			const char *network_quiet, const struct frames *fr)
{
	cJSON *m = cJSON_CreateObject();
	struct ending end;

	frames_ending(fr, &end);
	cJSON_AddStringToObject(m, "id", s->id);
	cJSON_AddNumberToObject(m, "fps", s->fps);
	cJSON_AddNumberToObject(m, "frames", frames);
	cJSON_AddNumberToObject(m, "narration_start_frame", lround(s->lead_in * s->fps));
	/* what the assembly must know to join it without opening it */
	cJSON_AddNumberToObject(m, "width", s->video_width);
	cJSON_AddNumberToObject(m, "height", s->video_height);
	cJSON_AddStringToObject(m, "video_codec", s->video.codec);
	cJSON_AddNumberToObject(m, "video_crf", s->video.crf);
	cJSON_AddStringToObject(m, "video_preset", s->video.preset);
	cJSON_AddNumberToObject(m, "action_frames", action_frames);
	/* how the clip ends: from still_from, its last picture, or with
	 * blink that and the one before in turn, last changed at last_change */
	cJSON_AddNumberToObject(m, "still_from", end.from);
	cJSON_AddBoolToObject(m, "blink", end.blinking);
	cJSON_AddNumberToObject(m, "last_change", end.last_change);
	cJSON_AddNumberToObject(m, "narration_seconds", s->narration);
	cJSON_AddStringToObject(m, "input", s->input);
	cJSON_AddNumberToObject(m, "reused_frames", fr->reused);
	cJSON_AddNumberToObject(m, "screenshots", fr->screenshots);
	cJSON_AddNumberToObject(m, "clock_jumps", fr->clock_jumps);
	cJSON_AddNumberToObject(m, "screenshot_retries", fr->shot_retries);
	cJSON_AddNumberToObject(m, "dropped_wait_frames", fr->dropped);
	cJSON_AddStringToObject(m, "network_quiet", network_quiet);
	cJSON_AddStringToObject(m, "mode", s->mode);
	if (fr->camera && fr->camera->enabled) {
		cJSON_AddItemToObject(m, "camera", camera_json(s, fr->camera, frames));
		/* where the report can draw the camera's path on the page */
		if (fr->camera->full_frame >= 0)
			cJSON_AddNumberToObject(m, "camera_full_frame", fr->camera->full_frame);
	}
	return m;
}

static void write_meta(const char *path, cJSON *m)
{
	char *text = cJSON_Print(m);

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

static char *fail_path(const char *faildir, const char *id, int attempt, const char *ext)
{
	return estrfmt("%s/%s-attempt-%d.%s", faildir, id, attempt, ext);
}

/* Everything one attempt drives. */
struct session {
	struct events ev;
	struct netidle net;
	struct frames frames;
	struct page page;
	struct capture cap;
	struct camera camera;
	struct shot left;       /* where the last clip's camera left the picture */
	int recorded_clips;
	struct cdp *cdp;
	const char *faildir;
	int attempt;
	struct shared *shared;
};

/* Name the step now being recorded: in messages, in failure files, and to
 * the process that decides on retries. */
static void enter_step(struct session *ss, const struct step *s)
{
	snprintf(ss->shared->step, sizeof ss->shared->step, "%s", s->id);
	ss->cap.id = s->id;
	ss->cap.timeout = s->timeout;
	ss->cap.max_wait_frames = lround(s->max_wait * s->fps);
	free((char *)ss->cap.fail_png);
	ss->cap.fail_png = ss->faildir ? fail_path(ss->faildir, s->id, ss->attempt, "png")
				       : NULL;
}

/* A browser with the first step's page loaded and drawn; a browser whose
 * renderer never draws is replaced, up to BROWSER_STARTS of them. */
static void open_browser(struct session *ss, const struct step *s)
{
	int start;

	for (start = 1;; start++) {
		browser_start(&browser, s->width, s->height);
		ss->cdp = cdp_open(browser.wfd, browser.rfd,
				   (int)(fmax(s->timeout, BROWSER_ANSWER_MIN_S) * 1000), on_event,
				   &ss->ev);
		ss->ev.session = open_target(ss->cdp, s, &ss->ev);
		frames_init(&ss->frames, ss->cdp, ss->ev.session, s->fps, NULL);
		ss->page.cdp = ss->cdp;
		ss->page.session = ss->ev.session;
		load_page(s, &ss->cap, &ss->ev);
		if (frames_first_picture(&ss->frames) == 0)
			return;
		if (start == BROWSER_STARTS)
			die(EXIT_FAIL, "step %s: the browser never drew the page (%d browsers tried)",
			    s->id, start);
		warn("step %s: the browser's renderer stalled; starting another", s->id);
		browser_stop(&browser);
		cdp_close(ss->cdp);
		frames_free(&ss->frames);
		free((char *)ss->ev.session);
		ss->ev.session = NULL;
	}
}

/* Find where a fixed camera looks: 1 found, 0 not (a warning, and the
 * full view). A selector the page cannot parse is bad input. */
static int find_target(struct session *ss, const struct step *s, const char *const *sels,
		       const char *what, double *x, double *y)
{
	double box[4];
	int found = camera_find(&ss->page, sels, box);

	if (found < 0)
		die(EXIT_USAGE, "step %s: %s: invalid selector: %s", s->id, what, ss->page.err);
	if (!found) {
		warn("step %s: %s: nothing on the page matches; showing the full view",
		     s->id, what);
		return 0;
	}
	*x = box[0] + box[2] / 2;
	*y = box[1] + box[3] / 2;
	return 1;
}

/* Where a fixed camera looks, in viewport pixels: the selector's element,
 * else the focus found on the page, else the given centre (default: the
 * middle); the full view (z 1) when it finds none. */
static void fixed_shot(struct session *ss, const struct step *s, const struct zoom *z,
			 const char *path, struct shot *shot)
{
	const char *one[2] = { z->selector, NULL };
	char what[32];
	int found = 1;

	shot->cx = z->cx * s->width / s->video_width;
	shot->cy = z->cy * s->height / s->video_height;
	shot->z = 1;
	/* "full" is the whole page, whatever else is given */
	if (z->focus && !strcmp(z->focus, "full"))
		return;
	snprintf(what, sizeof what, "%s.%s", path, z->selector ? "selector" : "focus");
	if (z->selector)
		found = find_target(ss, s, one, what, &shot->cx, &shot->cy);
	else if (z->focus && !strcmp(z->focus, "editor"))
		found = find_target(ss, s, vscode_caret_targets, what, &shot->cx, &shot->cy);
	else if (z->focus && !strcmp(z->focus, "terminal"))
		found = find_target(ss, s, vscode_terminal_targets, what, &shot->cx, &shot->cy);
	if (found) {
		shot->z = z->z;
	} else {
		shot->cx = s->width / 2.0;
		shot->cy = s->height / 2.0;
	}
}

/* Aim the step's camera, once its page is there. A fixed camera looks at
 * its target from the clip's first frame on; after the fixed camera of
 * the step before on the same page (zoom.from) it starts where that one
 * left the picture and moves from there. The automatic one follows the
 * actions (actions_run). */
static void aim_camera(struct session *ss, const struct step *s, struct camera *cam)
{
	const struct zoom *z = &s->zoom;
	struct shot target, start;

	camera_init(cam, &ss->page, s->width, s->height,
		    lround(z->transition_ms * s->fps / 1000));
	/* "full" is the whole page: no camera, unless it shows the way back */
	if (!z->on || (z->focus && !strcmp(z->focus, "full") && !s->from.on))
		return;
	cam->enabled = 1;
	cam->zoom = z->z;
	if ((cam->follows = z->automatic)) {
		cam->closer = z->mobile ? MOBILE_CLOSER : 1;
		cam->navigations = &ss->ev.navigations;
		cam->navigations_seen = ss->ev.navigations;
		return;
	}
	if (s->from.on) {
		/* on its own, the step's page is new: the step before's
		 * camera is found on it as that step found it */
		if (ss->recorded_clips > 0)
			start = ss->left;
		else
			fixed_shot(ss, s, &s->from, "zoom.from", &start);
		camera_place(cam, &start);
	}
	fixed_shot(ss, s, z, "zoom", &target);
	if (target.z > 1 || s->from.on)
		camera_aim(cam, 0, target.z, target.cx, target.cy);
}

static void start_encoder(const struct step *s, struct encoder *enc)
{
	encoder_start(enc, s->clip, s->fps, &s->video, s->video_width != s->width ||
		      s->video_height != s->height, s->video_width, s->video_height);
}

/* A clip lasts as long as its narration with lead-in and tail, or its
 * actions with the tail, whichever is longer. */
static long clip_frames(const struct step *s, long action_frames)
{
	long total = timing_narrated_frames(s->lead_in, s->narration, s->tail, s->fps);

	if (total < action_frames + lround(s->tail * s->fps))
		total = action_frames + lround(s->tail * s->fps);
	/* a step with nothing to show still shows its page, for one frame:
	 * an empty clip is no video at all */
	return total < 1 ? 1 : total;
}

/* Record the clip's frames: its actions, then the rest of its narration.
 * Returns 0 when they proved void, recorded ahead of a network that was
 * not quiet after all (capture_confirm_quiet). */
static int record_frames(struct session *ss, const struct step *s, long *total,
			 long *action_frames)
{
	struct capture *cap = &ss->cap;

	/* every clip starts on the full view, but one that goes on from
	 * where the clip before left the picture */
	if (ss->camera.page && !s->from.on)
		camera_reset(&ss->camera);
	aim_camera(ss, s, &ss->camera);
	ss->frames.camera = &ss->camera;
	if (!actions_run(cap, s->actions) || (s->scroll && !scroll_run(cap, s->scroll)))
		return 0;
	if (s->assertions) {
		/* an assertion fails on a page that has not loaded all it will */
		if (!capture_confirm_quiet(cap))
			return 0;
		assertions_run(cap, s->assertions);
	}
	*action_frames = ss->frames.recorded;
	*total = clip_frames(s, *action_frames);
	/* the next clip starts on the full view: this one ends on it, held
	 * for half a second when the tail leaves room */
	if (ss->camera.follows)
		camera_end(&ss->camera, ss->frames.recorded, *total, s->fps / 2);
	record_until(cap, *total);
	return capture_confirm_quiet(cap);
}

/* Record one step into enc, its page already loaded; returns its meta. */
static cJSON *record_step(struct session *ss, const struct step *s, struct encoder *enc)
{
	/* how the network's half second of quiet was had, for the meta file:
	 * assumed while the clip recorded, or waited for before it */
	const char *quiet = ss->net.assumed_until ? "assumed" : "waited";
	long total, action_frames;
	struct ending end;

	if (!enc->running)
		start_encoder(s, enc);
	for (;;) {
		frames_begin_clip(&ss->frames, enc);
		if (ss->net.assumed_until)
			frames_hold(&ss->frames);
		if (record_frames(ss, s, &total, &action_frames))
			break;
		/* the page started a request in the half second assumed
		 * quiet, or waiting it out would make the frames jump: wait
		 * for quiet this time, and record the clip again */
		settle_page(s, &ss->cap, clock_now() + s->timeout, 0);
		quiet = "waited";
	}
	encoder_end(enc);
	/* a field that lost the focus on a blink's frame looks like the blink */
	frames_ending(&ss->frames, &end);
	if (end.blinking && !caret_live(ss->cdp, ss->ev.session))
		frames_no_blink(&ss->frames);
	camera_shot(&ss->camera, total, &ss->left);
	ss->recorded_clips++;
	return meta_json(s, total, action_frames, quiet, &ss->frames);
}

/* A step's meta file as its recording left it; NULL when it cannot be read
 * (missing, cut short, not JSON): then the clip is recorded again. */
static cJSON *recorded_meta(const struct step *s)
{
	char err[256];
	int sys_error;
	cJSON *m = json_load(s->meta, err, sizeof err, &sys_error);

	if (m && !cJSON_IsObject(m)) {
		cJSON_Delete(m);
		m = NULL;
	}
	return m;
}

/* Whether path was changed after made (a missing file counts as changed). */
static int changed_since(const char *path, const struct timespec *made)
{
	struct stat st;

	return stat(path, &st) < 0 || mtime_after(&st.st_mtim, made);
}

/* Whether the local page a step opens (a file:// URL, as make tracks it)
 * was saved after its clip was made. */
static int page_newer(const struct step *s, const struct timespec *made)
{
	char *path = url_file_path(s->url);
	struct stat st;
	int saved = path && stat(path, &st) == 0 && mtime_after(&st.st_mtim, made);

	free(path);
	return saved;
}

/* A clip's last picture, as the browser drew it, and the other of the
 * blink it ends on (none when it ends still). */
struct picture {
	unsigned char *png, *blink;
	size_t len, blink_len;
};

static void keep_picture(struct picture *p, const struct frames *f)
{
	struct ending end;

	frames_ending(f, &end);
	p->png = emalloc(f->image_len);
	memcpy(p->png, f->image, f->image_len);
	p->len = f->image_len;
	if (end.blinking) {
		p->blink = emalloc(f->alt_len);
		memcpy(p->blink, f->alt, f->alt_len);
		p->blink_len = f->alt_len;
	}
}

/* Write a picture, and its digest into the meta file m under name. */
static void write_picture(const char *path, const unsigned char *png, size_t len, cJSON *m,
			  const char *name)
{
	char hex[SHA256_HEX_SIZE];

	if (sha256_hex(png, len, hex) < 0)
		die(EXIT_SYS, "libcrypto: cannot make a digest");
	if (write_file_atomic(path, png, len) < 0)
		die(EXIT_SYS, "cannot write %s:", path);
	cJSON_AddStringToObject(m, name, hex);
}

/* The clip's pictures, each named in its meta file m by its digest: -k
 * takes no other file for them. */
static void write_pictures(const struct step *s, const struct picture *p, cJSON *m)
{
	write_picture(s->last_png, p->png, p->len, m, "last_png_sha256");
	if (p->blink)
		write_picture(s->blink_png, p->blink, p->blink_len, m, "blink_png_sha256");
	else if (unlink(s->blink_png) < 0 && errno != ENOENT)
		die(EXIT_SYS, "cannot remove %s:", s->blink_png);
}

/* The clip's size in its meta file: a clip and meta not written together
 * (a run ended between the two) do not pass for a pair with -k. */
static cJSON *with_clip_bytes(cJSON *m, const char *clip)
{
	struct stat st;

	if (stat(clip, &st) < 0)
		die(EXIT_SYS, "cannot stat %s:", clip);
	cJSON_DeleteItemFromObjectCaseSensitive(m, "clip_bytes");
	cJSON_AddNumberToObject(m, "clip_bytes", (double)st.st_size);
	return m;
}

/* What -k does with a clip: keep it as it is (new_frames == frames), or
 * hold its still ending longer or shorter (retime.h). */
struct keep_plan {
	long frames, new_frames;
	int blink;           /* the ending blinks: its turns, the last at last_change */
	long last_change;
};

/* Whether path holds the picture the meta file's digest names. */
static int same_picture(const cJSON *m, const char *name, const char *path)
{
	const char *want = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(m, name));
	char hex[SHA256_HEX_SIZE];

	return want && sha256_file_hex(path, hex) == 0 && !strcmp(hex, want);
}

/* Whether a clip's ending can be held to new_frames frames instead: the
 * page was still (or blinked its caret, and nothing else) for the last
 * second of it at least, and the new end comes after that began. Such a
 * page shows the same held longer or shorter, and leaves the steps after
 * it the page they had (each clip starts its own blink). Not for a camera
 * (its moves are timed from the clip's end), nor a stream without
 * repeats; its pictures must be the ones its meta file was written with. */
static int can_retime(const struct step *s, const cJSON *m, long frames, long new_frames)
{
	double still_from = json_num(m, "still_from", -1);

	/* the frame of the last change itself shows the new picture once:
	 * a second of frames after it confirms the page stayed so */
	return still_from >= 0 && json_num(m, "last_change", -1) >= still_from &&
	       frames - 1 - still_from >= s->fps && new_frames > still_from &&
	       video_repeats(&s->video) && !s->zoom.on && !s->from.on &&
	       !cJSON_GetObjectItemCaseSensitive(m, "camera") &&
	       same_picture(m, "last_png_sha256", s->last_png) &&
	       (!json_bool(m, "blink", 0) || same_picture(m, "blink_png_sha256", s->blink_png));
}

/* Whether a recording now would give every clip again (-k), each held
 * longer or shorter where plans says: the same fragment and program
 * recorded it, after the steps before it, on its page as it is, none of the
 * inputs in older changed since (-n), and its narration's length leaves it
 * the frames it has, or changes only how long its still ending lasts. */
static int clips_fit(const struct step *steps, int n, char *const *older, int n_older,
		     struct keep_plan *plans)
{
	struct stat clip, meta;
	const struct timespec *made;
	cJSON *m;
	const char *input;
	double frames, actions;
	int i, j, fits;

	for (i = 0; i < n; i++) {
		if (stat(steps[i].clip, &clip) < 0 || !S_ISREG(clip.st_mode) ||
		    clip.st_size == 0 || stat(steps[i].meta, &meta) < 0)
			return 0;
		/* the two are written apart: an input must be older than both */
		made = mtime_after(&clip.st_mtim, &meta.st_mtim) ? &meta.st_mtim : &clip.st_mtim;
		if (page_newer(&steps[i], made))
			return 0;
		for (j = 0; j < n_older; j++)
			if (changed_since(older[j], made))
				return 0;
		if (!(m = recorded_meta(&steps[i])))
			return 0;
		input = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(m, "input"));
		frames = json_num(m, "frames", -1);
		actions = json_num(m, "action_frames", -1);
		fits = input && !strcmp(input, steps[i].input) && frames >= 1 && actions >= 0 &&
		       json_num(m, "clip_bytes", -1) == (double)clip.st_size;
		if (fits) {
			plans[i].frames = (long)frames;
			plans[i].new_frames = clip_frames(&steps[i], (long)actions);
			fits = plans[i].new_frames == plans[i].frames ||
			       can_retime(&steps[i], m, plans[i].frames, plans[i].new_frames);
			plans[i].blink = json_bool(m, "blink", 0);
			plans[i].last_change = (long)json_num(m, "last_change", -1);
		}
		cJSON_Delete(m);
		if (!fits)
			return 0;
	}
	return 1;
}

/* Clips retimed under temporary names, not yet in place: a failure
 * before they are leaves none of them behind. */
static char **retimed;
static int retimed_count;

static void remove_retimed(void)
{
	int i;

	for (i = 0; i < retimed_count; i++)
		if (retimed[i])
			unlink(retimed[i]);
}

/* The clip held to its new length, under a temporary name. */
static char *retime_clip(const struct step *s, const struct keep_plan *plan)
{
	size_t len, blink_len = 0;
	unsigned char *png = (unsigned char *)read_file(s->last_png, &len), *blink = NULL;
	struct retime r = {
		.clip = s->clip, .frames = plan->frames, .new_frames = plan->new_frames,
		.fps = s->fps, .video = &s->video,
		.scale = s->video_width != s->width || s->video_height != s->height,
		.width = s->video_width, .height = s->video_height, .png = png, .png_len = len,
		.last_change = plan->last_change, .blink_frames = frames_blink(s->fps),
	};
	char *tmp;

	if (!png)
		die(EXIT_SYS, "cannot read %s:", s->last_png);
	if (plan->blink && !(blink = (unsigned char *)read_file(s->blink_png, &blink_len)))
		die(EXIT_SYS, "cannot read %s:", s->blink_png);
	r.blink = blink;
	r.blink_len = blink_len;
	tmp = clip_retime(&r);
	free(png);
	free(blink);
	warn("step %s: its still ending held %.2f s %s, not recorded again", s->id,
	     labs(plan->new_frames - plan->frames) / (double)s->fps,
	     plan->new_frames > plan->frames ? "longer" : "shorter");
	return tmp;
}

/* Keep the clips (-k): each one retimed first, all under temporary names,
 * then put in place; each meta file takes its narration's new length (and
 * the clip's), and each clip a new time, so that make sees both newer than
 * the WAVs. */
static void keep_clips(const struct step *steps, int n, const struct keep_plan *plans)
{
	long added;
	cJSON *m;
	int i;

	retimed = ecalloc((size_t)n, sizeof *retimed);
	retimed_count = n;
	atexit(remove_retimed);
	/* a signal stops the run before the next hold, and before any rename */
	for (i = 0; i < n; i++) {
		if (interrupted)
			break;
		if (plans[i].new_frames != plans[i].frames)
			retimed[i] = retime_clip(&steps[i], &plans[i]);
	}
	if (interrupted)
		die(128 + interrupted, "interrupted");
	for (i = 0; i < n; i++) {
		if (retimed[i] && rename_durable(retimed[i], steps[i].clip) < 0)
			die(EXIT_SYS, "cannot rename %s to %s:", retimed[i], steps[i].clip);
		free(retimed[i]);
		retimed[i] = NULL;
	}
	free(retimed);
	retimed = NULL;
	retimed_count = 0;
	for (i = 0; i < n; i++) {
		if (!(m = recorded_meta(&steps[i])))
			die(EXIT_SYS, "cannot read %s:", steps[i].meta);
		cJSON_ReplaceItemInObjectCaseSensitive(m, "narration_seconds",
						       cJSON_CreateNumber(steps[i].narration));
		added = plans[i].new_frames - plans[i].frames;
		if (added) {
			cJSON_ReplaceItemInObjectCaseSensitive(
				m, "frames", cJSON_CreateNumber(plans[i].new_frames));
			cJSON_ReplaceItemInObjectCaseSensitive(
				m, "reused_frames",
				cJSON_CreateNumber(json_num(m, "reused_frames", -1) + added));
		} else if (utimensat(AT_FDCWD, steps[i].clip, NULL, 0) < 0) {
			die(EXIT_SYS, "cannot touch %s:", steps[i].clip);
		}
		write_meta(steps[i].meta, with_clip_bytes(m, steps[i].clip));
		cJSON_Delete(m);
	}
}

/* One attempt at every step, in a process of its own: a failure anywhere
 * ends it with die(), and the next attempt starts from nothing. Clips are
 * renamed into place only once every step is recorded. */
static void run_attempt(struct step *steps, int n, const char *faildir, int attempt,
			struct shared *shared)
{
	struct session ss = { .faildir = faildir, .attempt = attempt, .shared = shared };
	cJSON **metas = ecalloc((size_t)n, sizeof *metas);
	struct picture *lasts = ecalloc((size_t)n, sizeof *lasts);
	int i;

	atexit(cleanup);
	encoders = ecalloc((size_t)n, sizeof *encoders);
	encoder_count = n;
	ss.ev.net = &ss.net;
	ss.cap.fps = steps[0].fps;
	ss.cap.width = steps[0].width;
	ss.cap.height = steps[0].height;
	ss.cap.frames = &ss.frames;
	ss.cap.page = &ss.page;
	ss.cap.net = &ss.net;
	ss.cap.cursor.enabled = steps[0].cursor;
	enter_step(&ss, &steps[0]);
	/* ffmpeg loads while the browser starts */
	start_encoder(&steps[0], &encoders[0]);
	open_browser(&ss, &steps[0]);
	for (i = 0; i < n; i++) {
		enter_step(&ss, &steps[i]);
		/* a continuous tour goes somewhere else only when its URL does */
		if (i > 0 && strcmp(steps[i].url, steps[i - 1].url))
			load_page(&steps[i], &ss.cap, &ss.ev);
		if (i >= ENCODERS_BEHIND)
			encoder_finish(&encoders[i - ENCODERS_BEHIND]);
		metas[i] = record_step(&ss, &steps[i], &encoders[i]);
		if (steps[i].last_png)
			keep_picture(&lasts[i], &ss.frames);
	}
	/* every frame is taken: the browser goes while ffmpeg finishes */
	browser_stop(&browser);
	for (i = 0; i < n; i++)
		encoder_finish(&encoders[i]);
	for (i = 0; i < n; i++) {
		encoder_commit(&encoders[i]);
		if (steps[i].last_png)
			write_pictures(&steps[i], &lasts[i], metas[i]);
		if (steps[i].meta)
			write_meta(steps[i].meta, with_clip_bytes(metas[i], steps[i].clip));
		cJSON_Delete(metas[i]);
		free(lasts[i].png);
		free(lasts[i].blink);
	}
	free(metas);
	free(lasts);
	free((char *)ss.cap.fail_png);
	cdp_close(ss.cdp);
	frames_free(&ss.frames);
	netidle_reset(&ss.net, 0);
	free((char *)ss.ev.session);
	free((char *)ss.ev.main_frame);
}

/* run_attempt's arguments, through child_run */
struct attempt {
	struct step *steps;
	int n, number;
	const char *faildir;
	struct shared *shared;
};

static void attempt_main(void *arg)
{
	struct attempt *a = arg;

	run_attempt(a->steps, a->n, a->faildir, a->number, a->shared);
}

static void forget_failures(const struct step *steps, int n, const char *faildir)
{
	static const char *const exts[] = { "png", "txt" };
	char *path;
	int i, a, e;

	for (i = 0; i < n; i++)
		for (a = 1; a <= MAX_ATTEMPTS; a++)
			for (e = 0; e < 2; e++) {
				path = fail_path(faildir, steps[i].id, a, exts[e]);
				unlink(path);
				free(path);
			}
}

static void write_reason(const char *faildir, const char *id, int attempt,
			 const char *reason, int status)
{
	char *path = fail_path(faildir, id, attempt, "txt");
	char *text = estrfmt("%sexit status %d\n", reason, status);

	if (mkdirs_for(path) < 0 || write_file_atomic(path, text, strlen(text)) < 0)
		warn("cannot write %s:", path);
	free(path);
	free(text);
}

/* Attempts until one succeeds, or one fails in a way another try cannot
 * mend (bad input, a missing program), or the retries are spent. */
static int capture(struct step *steps, int n, const char *faildir)
{
	struct shared *shared = mmap(NULL, sizeof *shared, PROT_READ | PROT_WRITE,
				     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct attempt a = { steps, n, 0, faildir, shared };
	struct tail reason = { emalloc(REASON_MAX), 0, REASON_MAX };
	int attempts = steps[0].max_retries + 1, status = EXIT_OK;

	if (shared == MAP_FAILED)
		die(EXIT_SYS, "mmap:");
	if (faildir)
		forget_failures(steps, n, faildir);
	for (a.number = 1; a.number <= attempts; a.number++) {
		shared->step[0] = '\0';
		status = child_run(attempt_main, &a, &reason);
		reraise();
		if (status == EXIT_OK)
			break;
		if (faildir && shared->step[0])
			write_reason(faildir, shared->step, a.number, reason.buf, status);
		if (status != EXIT_FAIL && status != EXIT_TIMEOUT)
			break;
		if (a.number < attempts)
			warn("step %s: attempt %d of %d failed; trying again in a fresh browser",
			     shared->step, a.number, attempts);
		else if (attempts > 1)
			warn("step %s: failed %d times, giving up%s%s", shared->step, attempts,
			     faildir ? "; screenshots and reasons in " : "", faildir ? faildir : "");
	}
	free(reason.buf);
	munmap(shared, sizeof *shared);
	return status > 128 ? EXIT_SYS : status;
}

int main(int argc, char *argv[])
{
	const char *wav = NULL, *meta = NULL, *out = NULL, *outdir = NULL, *faildir = NULL;
	char *default_faildir = NULL, program[SHA256_HEX_SIZE];
	struct step *steps;
	struct keep_plan *plans;
	char **older;
	int c, i, n, status, keep = 0, fit, n_older = 0;

	argv0 = "stepcap";
	older = ecalloc((size_t)argc, sizeof *older);
	while ((c = getopt(argc, argv, "hkn:w:m:o:d:f:")) != -1) {
		switch (c) {
		case 'h': usage(stdout); return EXIT_OK;
		case 'w': wav = optarg; break;
		case 'm': meta = optarg; break;
		case 'o': out = optarg; break;
		case 'd': outdir = optarg; break;
		case 'f': faildir = optarg; break;
		case 'k': keep = 1; break;
		case 'n': older[n_older++] = optarg; break;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	n = argc - optind;
	if (outdir ? (out || wav || meta || n < 1 || (n_older && !keep))
		   : (!out || n != 1 || keep || n_older)) {
		usage(stderr);
		return EXIT_USAGE;
	}
	steps = ecalloc((size_t)n, sizeof *steps);
	if (sha256_self_hex(program) < 0)
		die(EXIT_SYS, "libcrypto: cannot make a digest");
	for (i = 0; i < n; i++) {
		read_step(argv[optind + i], &steps[i]);
		digest_input(argv[optind + i], i ? steps[i - 1].input : program, &steps[i]);
	}
	check_together(steps, n);
	if (outdir) {
		if (!faildir)
			faildir = default_faildir = estrfmt("%s/fail", outdir);
		for (i = 0; i < n; i++) {
			steps[i].clip = estrfmt("%s/clip/%s.mp4", outdir, steps[i].id);
			steps[i].meta = estrfmt("%s/clip/%s.json", outdir, steps[i].id);
			steps[i].last_png = estrfmt("%s/clip/%s.last.png", outdir, steps[i].id);
			steps[i].blink_png = estrfmt("%s/clip/%s.blink.png", outdir, steps[i].id);
			wav = estrfmt("%s/wav/%s.wav", outdir, steps[i].id);
			steps[i].narration = narration_seconds(wav);
			free((char *)wav);
		}
	} else {
		steps[0].clip = out;
		steps[0].meta = meta;
		if (wav)
			steps[0].narration = narration_seconds(wav);
	}

	if (keep) {
		catch_keep_signals();
		status = EXIT_OK;
		plans = ecalloc((size_t)n, sizeof *plans);
		fit = clips_fit(steps, n, older, n_older, plans);
		if (fit)
			keep_clips(steps, n, plans);
		free(plans);
		printf("%s\n", fit ? "kept" : "record");
	} else {
		catch_signals();
		status = capture(steps, n, faildir);
	}
	for (i = 0; i < n; i++) {
		if (outdir) {
			free((char *)steps[i].clip);
			free((char *)steps[i].meta);
			free((char *)steps[i].last_png);
			free((char *)steps[i].blink_png);
		}
		cJSON_Delete(steps[i].root);
	}
	free(steps);
	free(default_faildir);
	free(older);
	return status;
}
