/* frames.c - deterministic frames. The page is drawn only when we issue a
 * beginFrame, at a frame time we choose, so the video depends on the spec
 * and not on how fast the machine was. */
#include <stdlib.h>
#include <string.h>

#include "animframe.h"
#include "base64.h"
#include "caret.h"
#include "clock.h"
#include "frames.h"
#include "util.h"

/* picture and absorbing frames: well inside one frame interval (the
 * shortest, at 240 fps, is 4.2 ms), yet each a distinct frame time */
#define SHOT_DELAY_MS 0.5
/* How far ahead of the wall clock frame times start. The browser's display
 * draws a frame at once, without waiting for the page, when its deadline
 * (frame time + interval) has already passed: such a frame comes back with
 * no picture. Capture usually runs faster than real time, so frame times
 * stay ahead; the margin absorbs slow stretches on a loaded machine. */
#define CLOCK_MARGIN_MS 100.0
/* A frame that still comes back without its picture is asked for again
 * after a few plain frames, which let a stalled renderer catch up. */
#define SHOT_RETRIES 30
#define CATCH_UP_FRAMES 3
/* A renderer that has not drawn by then is one of the stalled ones that
 * never will (a known headless problem): better to start another. A
 * healthy one draws the loaded page at the first try, even on a machine
 * loaded twice over; a stalled one makes every try wait out the deadlines
 * of its frames, about half a second. */
#define FIRST_PICTURE_RETRIES 2
/* Input the browser takes with a frame (a mouse move) gets frames of its
 * own between the last recorded one and the next, this far apart, after
 * the picture and absorbing frames; this many at most, still well inside
 * the shortest frame interval. A renderer busy elsewhere (a loaded
 * machine) gets a short pause before each after the first few. */
#define DELIVERY_STEP_MS 0.05
#define DELIVERY_FRAMES 40
#define DELIVERY_PATIENT_FRAMES 4

/* A frame kept back (frames_hold): its own copy of a new picture; a
 * repeat has none, but the first held frame always does, as the encoder
 * may have no picture to repeat. */
struct held_frame {
	unsigned char *image;
	size_t len;
	int repeat;
};

static double now_ms(void)
{
	return clock_now() * 1000.0;
}

/* Frame times only ever move forward; when the wall clock has caught up
 * with them (a machine slower than real time), jump ahead again. Only then
 * does anything animated see a jump: static and input-driven content, the
 * bulk of a tour, is unaffected. */
static void keep_clock_ahead(struct frames *f)
{
	double now = now_ms();

	if (f->clock_ms < now) {
		f->clock_ms = now + CLOCK_MARGIN_MS;
		f->clock_jumps++;
	}
}

long frames_blink(int fps)
{
	/* half a second, the usual caret blink */
	return fps >= 2 ? fps / 2 : 1;
}

void frames_init(struct frames *f, struct cdp *cdp, const char *session, int fps,
		 struct encoder *encoder)
{
	memset(f, 0, sizeof *f);
	f->cdp = cdp;
	f->session = session;
	f->interval_ms = 1000.0 / fps;
	f->encoder = encoder;
	f->refresh_frames = fps;
	f->idle_refresh_frames = 4 * fps;
	f->blink_frames = frames_blink(fps);
	/* frameTimeTicks counts in the browser's monotonic clock, ours too */
	f->clock_ms = now_ms() + CLOCK_MARGIN_MS;
}

static void keep_screenshot(struct frames *f, const char *b64)
{
	size_t len = strlen(b64), max = base64_decoded_max(len);
	unsigned char *buf = f->prev;
	size_t cap = f->prev_cap;
	long n;

	/* the current picture becomes the previous one */
	f->prev = f->image;
	f->prev_len = f->image_len;
	f->prev_cap = f->image_cap;
	f->image = buf;
	f->image_cap = cap;
	if (max > f->image_cap) {
		f->image_cap = max;
		f->image = erealloc(f->image, max);
	}
	n = base64_decode(b64, len, f->image);
	if (n <= 0)
		die(EXIT_SYS, "browser: screenshot is not valid base64");
	f->image_len = (size_t)n;
}

enum { NO_SHOT, SHOT };

/* A picture is a PNG from the browser's fastest encoder: quicker to take
 * than a JPEG of any quality (the time goes to the redraw and the copy,
 * not the encode), and the page's own pixels, with no JPEG losses for the
 * video's encoder to spend bits on. */
static cJSON *frame_params(const struct frames *f, double ms, int shot)
{
	cJSON *params = cJSON_CreateObject(), *screenshot;

	cJSON_AddNumberToObject(params, "frameTimeTicks", ms);
	cJSON_AddNumberToObject(params, "interval", f->interval_ms);
	if (shot) {
		screenshot = cJSON_AddObjectToObject(params, "screenshot");
		cJSON_AddStringToObject(screenshot, "format", "png");
		cJSON_AddBoolToObject(screenshot, "optimizeForSpeed", 1);
	}
	return params;
}

static void catch_up(struct frames *f)
{
	int i;

	for (i = 0; i < CATCH_UP_FRAMES; i++) {
		f->clock_ms += f->interval_ms;
		keep_clock_ahead(f);
		cJSON_Delete(cdp_ecall(f->cdp, f->session, "HeadlessExperimental.beginFrame",
				       frame_params(f, f->clock_ms, NO_SHOT)));
	}
	f->shot_retries++;
}

/* One beginFrame at offset ms past the current frame time; returns whether
 * it drew anything. With shot set, the frame is always drawn and its
 * picture kept, asked for again up to retries times when it came back
 * without one; -1 when it never did. */
static int draw(struct frames *f, double offset, int shot, int retries)
{
	cJSON *result;
	const char *data;
	int damage, attempt;

	for (attempt = 0;; attempt++) {
		result = cdp_ecall(f->cdp, f->session, "HeadlessExperimental.beginFrame",
				   frame_params(f, f->clock_ms + offset, shot));
		data = cJSON_GetStringValue(
			cJSON_GetObjectItemCaseSensitive(result, "screenshotData"));
		if (data || !shot)
			break;
		cJSON_Delete(result);
		if (attempt == retries)
			return -1;
		catch_up(f);
	}
	damage = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(result, "hasDamage"));
	if (data)
		keep_screenshot(f, data);
	cJSON_Delete(result);
	return damage;
}

static int begin_frame(struct frames *f, double offset, int shot)
{
	int damage = draw(f, offset, shot, SHOT_RETRIES);

	if (damage < 0)
		/* browser flakiness: a fresh browser may well draw */
		die(EXIT_FAIL, "browser: no picture from %d frames in a row: the renderer is stuck",
		    SHOT_RETRIES + 1);
	return damage;
}

int frames_first_picture(struct frames *f)
{
	f->clock_ms += f->interval_ms;
	keep_clock_ahead(f);
	return draw(f, 0, SHOT, FIRST_PICTURE_RETRIES) < 0 ? -1 : 0;
}

/* A screenshot forces a full redraw (~10 ms at 1280x720), so while the page
 * is still, a frame is first drawn without one, and drawn again a hair
 * later for its picture only when it changed something: a still page
 * costs almost nothing per frame and its picture is reused.
 * The frame after a screenshot always reports damage, real or not, so one
 * more frame absorbs the false damage before probing resumes. Once the
 * page has changed on two frames in a row (a scroll, an animation), every
 * frame is drawn with its picture (one draw each) until a picture comes
 * out identical to the one before; then the absorbing frame again. A
 * single change (a key typed, the caret's blink) is only absorbed: the
 * frame after it is most often still, and a probe costs far less than the
 * picture that would show it.
 * What the page would draw in its animation frame callbacks in the
 * absorbing instant waits for the next frame (animframe.c): an editor
 * that draws its status line a frame after its text would otherwise lose
 * it there whenever the text is pictured a frame after the key. What the
 * page changes on its own timers in that instant still goes unseen until
 * the next damage; a refresh bounds how long. The instant follows every
 * picture taken, a refresh's too, but a change is likeliest just as motion
 * ends (the page settling after a click): the first refresh comes a second
 * after, then one every few seconds, as each costs a full redraw (tens of
 * ms at 1920x1080). */
static long refresh_interval(const struct frames *f)
{
	return f->shot_at == f->still_since ? f->refresh_frames : f->idle_refresh_frames;
}

static void hold_frame(struct frames *f, int repeat)
{
	struct held_frame *h;

	if (f->held_count == f->held_cap) {
		f->held_cap = f->held_cap ? 2 * f->held_cap : 256;
		f->held = erealloc(f->held, (size_t)f->held_cap * sizeof *f->held);
	}
	h = &f->held[f->held_count++];
	h->repeat = repeat;
	h->len = f->image_len;
	h->image = NULL;
	if (!repeat || f->held_count == 1) {
		h->image = emalloc(f->image_len);
		memcpy(h->image, f->image, f->image_len);
	}
}

void frames_hold(struct frames *f)
{
	f->holding = 1;
}

static void forget_held(struct frames *f)
{
	long i;

	for (i = 0; i < f->held_count; i++)
		free(f->held[i].image);
	f->held_count = 0;
	f->holding = 0;
}

void frames_release(struct frames *f)
{
	const struct held_frame *picture = NULL;
	long i;

	for (i = 0; i < f->held_count; i++) {
		if (f->held[i].image)
			picture = &f->held[i];
		encoder_write(f->encoder, picture->image, picture->len, f->held[i].repeat);
	}
	forget_held(f);
}

void frames_discard(struct frames *f)
{
	forget_held(f);
	f->dropping = 1;
}

/* Follow how the clip ends (frames.h) as recorded frame f->recorded
 * shows a new picture (changed; f->prev the one before) or not. A change
 * that swaps the two pictures of a blink on its frame is the blink; any
 * other starts a new ending there, which may be a blink's first change,
 * with the picture before as its other. A blink that misses its frame has
 * stopped: the picture then stays, from the blink's last change. */
static void follow_ending(struct frames *f, int changed)
{
	long r = f->recorded;
	int on_turn = f->alt_len && r % f->blink_frames == f->blink_phase;

	if (!changed) {
		if (on_turn) {
			f->alt_len = 0;
			f->toggles = 0;
			f->end_from = f->changed_at;
		}
		return;
	}
	if (on_turn && f->image_len == f->alt_len && !memcmp(f->image, f->alt, f->alt_len)) {
		f->toggles++;
	} else {
		f->end_from = r;
		f->toggles = 1;
		f->blink_phase = r % f->blink_frames;
	}
	if (f->prev_len > f->alt_cap) {
		f->alt_cap = f->prev_len;
		f->alt = erealloc(f->alt, f->alt_cap);
	}
	memcpy(f->alt, f->prev, f->prev_len);
	f->alt_len = f->prev_len;
}

void frames_ending(const struct frames *f, struct ending *e)
{
	e->blinking = f->alt_len && f->toggles >= 2;
	e->from = e->blinking ? f->end_from : f->changed_at > 0 ? f->changed_at : 0;
	e->last_change = f->changed_at > 0 ? f->changed_at : 0;
}

void frames_no_blink(struct frames *f)
{
	f->alt_len = 0;
	f->toggles = 0;
	f->end_from = f->changed_at > 0 ? f->changed_at : 0;
}

int frames_step(struct frames *f, int record)
{
	int damage, repeat = 1, changed, after_change;

	if (record && f->recorded % f->blink_frames == 0)
		caret_tick(f->cdp, f->session, f->recorded == 0);
	/* a camera move is damage the page cannot report */
	if (record && f->camera && camera_apply(f->camera, f->recorded))
		f->stale = 1;
	f->clock_ms += f->interval_ms;
	keep_clock_ahead(f);
	if (record && f->moving) {
		damage = begin_frame(f, 0, SHOT);
		f->screenshots++;
	} else {
		damage = begin_frame(f, 0, NO_SHOT);
		f->stale |= damage;
		if (!record)
			return damage;
		if (!f->stale && f->image_len && f->recorded - f->shot_at < refresh_interval(f)) {
			f->reused++;
			follow_ending(f, 0);
			goto write;
		}
		begin_frame(f, SHOT_DELAY_MS, SHOT);
		f->screenshots++;
		f->stale = 0;
	}
	changed = f->image_len != f->prev_len || memcmp(f->image, f->prev, f->image_len);
	after_change = f->changed_at == f->recorded - 1;
	f->moving = changed && after_change;
	f->shot_at = f->recorded;
	follow_ending(f, changed);
	if (changed)
		f->changed_at = f->recorded;
	else
		f->reused++;
	repeat = !changed;
	if (!f->moving) {
		/* the page settles: the next refresh comes soon */
		if (changed || after_change)
			f->still_since = f->recorded;
		animframe_hold(f->cdp, f->session, 1);
		begin_frame(f, 2 * SHOT_DELAY_MS, NO_SHOT);
		animframe_hold(f->cdp, f->session, 0);
	}
write:
	if (f->holding)
		hold_frame(f, repeat);
	else if (!f->dropping)
		encoder_write(f->encoder, f->image, f->image_len, repeat);
	f->recorded++;
	return damage;
}

void frames_deliver(struct frames *f, int id)
{
	int i;

	for (i = 0; !cdp_answered(f->cdp, id); i++) {
		if (i == DELIVERY_FRAMES) {
			/* not worth failing the clip over: the move shows a frame late */
			warn("browser: input not taken within %d frames; going on",
			     DELIVERY_FRAMES);
			return;
		}
		if (i >= DELIVERY_PATIENT_FRAMES)
			clock_sleep(0.001);
		/* a frame whose deadline has passed is drawn without the page,
		 * which then takes no input */
		keep_clock_ahead(f);
		/* what the input changed must show in the next recorded frame */
		f->stale |= begin_frame(f, 3 * SHOT_DELAY_MS + i * DELIVERY_STEP_MS, NO_SHOT);
	}
}

void frames_begin_clip(struct frames *f, struct encoder *encoder)
{
	f->encoder = encoder;
	forget_held(f);
	f->dropping = 0;
	f->recorded = f->reused = f->screenshots = 0;
	f->clock_jumps = f->shot_retries = f->dropped = 0;
	/* a clip's start is as likely to settle as motion's end */
	f->shot_at = f->still_since = 0;
	f->changed_at = -2;
	f->end_from = f->toggles = 0;
	f->alt_len = 0;
	f->stale = 1;
}

double frames_lead(const struct frames *f)
{
	return (f->clock_ms - now_ms()) / 1000.0;
}

double frames_pace_delay(const struct frames *f, double now)
{
	double due = f->paced_ms + f->interval_ms;

	return now < due ? due - now : 0;
}

void frames_pace(struct frames *f)
{
	double now = now_ms(), delay = frames_pace_delay(f, now);

	clock_sleep(delay / 1000);
	f->paced_ms = now + delay;
}

unsigned char *frames_png(struct frames *f, size_t *len)
{
	cJSON *result = NULL;
	const char *data = NULL;
	unsigned char *png;
	long n;
	int attempt;

	for (attempt = 0; attempt <= SHOT_RETRIES && !data; attempt++) {
		if (attempt)
			catch_up(f);
		cJSON_Delete(result);
		f->clock_ms += f->interval_ms;
		keep_clock_ahead(f);
		result = cdp_ecall(f->cdp, f->session, "HeadlessExperimental.beginFrame",
				   frame_params(f, f->clock_ms, SHOT));
		data = cJSON_GetStringValue(
			cJSON_GetObjectItemCaseSensitive(result, "screenshotData"));
	}
	if (!data) {
		cJSON_Delete(result);
		return NULL;
	}
	png = emalloc(base64_decoded_max(strlen(data)));
	n = base64_decode(data, strlen(data), png);
	cJSON_Delete(result);
	if (n <= 0) {
		free(png);
		return NULL;
	}
	*len = (size_t)n;
	return png;
}

void frames_free(struct frames *f)
{
	forget_held(f);
	free(f->held);
	f->held = NULL;
	f->held_cap = 0;
	free(f->image);
	free(f->prev);
	free(f->alt);
	f->image = f->prev = f->alt = NULL;
	f->alt_len = f->alt_cap = 0;
}
