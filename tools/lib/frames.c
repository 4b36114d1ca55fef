/* frames.c - deterministic frames. The page is drawn only when we issue a
 * beginFrame, at a frame time we choose, so the video depends on the spec
 * and not on how fast the machine was. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base64.h"
#include "frames.h"
#include "util.h"

#define JPEG_QUALITY 90
/* picture and absorbing frames: well inside one frame interval (the
 * shortest, at 240 fps, is 4.2 ms), yet each a distinct frame time */
#define SHOT_DELAY_MS 0.5

void frames_init(struct frames *f, struct cdp *cdp, const char *session, int fps,
		 struct encoder *encoder)
{
	struct timespec ts;

	memset(f, 0, sizeof *f);
	f->cdp = cdp;
	f->session = session;
	f->interval_ms = 1000.0 / fps;
	f->encoder = encoder;
	f->refresh_frames = fps;
	/* frame times continue from the browser's own monotonic clock (the
	 * clock frameTimeTicks counts in), so none lies in its past */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	f->clock_ms = ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
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

/* One beginFrame at time ms; returns whether it drew anything. With shot
 * set, the frame is always drawn and its picture kept. */
static int begin_frame(struct frames *f, double ms, int shot)
{
	cJSON *params = cJSON_CreateObject(), *screenshot, *result;
	const char *data;
	int damage;

	cJSON_AddNumberToObject(params, "frameTimeTicks", ms);
	cJSON_AddNumberToObject(params, "interval", f->interval_ms);
	if (shot) {
		screenshot = cJSON_AddObjectToObject(params, "screenshot");
		cJSON_AddStringToObject(screenshot, "format", "jpeg");
		cJSON_AddNumberToObject(screenshot, "quality", JPEG_QUALITY);
	}
	result = cdp_ecall(f->cdp, f->session, "HeadlessExperimental.beginFrame", params);
	damage = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(result, "hasDamage"));
	data = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(result, "screenshotData"));
	if (shot && !data)
		die(EXIT_SYS, "browser: a frame came without its screenshot");
	if (data)
		keep_screenshot(f, data);
	cJSON_Delete(result);
	return damage;
}

/* A screenshot forces a full redraw (~10 ms at 1280x720), so while the page
 * is still, a frame is first drawn without one, and drawn again a hair
 * later for its picture only when it changed something: a still page
 * costs almost nothing per frame and its picture is reused.
 * The frame after a screenshot always reports damage, real or not. So once
 * the page moves, every frame is drawn with its picture (one draw each)
 * until a picture comes out identical to the one before; then one more
 * frame absorbs the false damage and probing resumes. A change that lands
 * inside that instant goes unseen until the next damage; the periodic
 * refresh bounds how long. */
int frames_step(struct frames *f, int record)
{
	double ms;
	int damage;

	f->clock_ms += f->interval_ms;
	ms = f->clock_ms;
	if (record && f->moving) {
		damage = begin_frame(f, ms, 1);
	} else {
		damage = begin_frame(f, ms, 0);
		f->stale |= damage;
		if (!record)
			return damage;
		if (!f->stale && f->image_len &&
		    f->recorded - f->shot_at < f->refresh_frames) {
			f->reused++;
			goto write;
		}
		begin_frame(f, ms + SHOT_DELAY_MS, 1);
		f->stale = 0;
	}
	f->shot_at = f->recorded;
	f->moving = f->image_len != f->prev_len ||
		    memcmp(f->image, f->prev, f->image_len);
	if (!f->moving) {
		begin_frame(f, ms + 2 * SHOT_DELAY_MS, 0);
		f->reused++;
	}
write:
	encoder_write(f->encoder, f->image, f->image_len);
	f->recorded++;
	return damage;
}

void frames_free(struct frames *f)
{
	free(f->image);
	free(f->prev);
	f->image = f->prev = NULL;
}
