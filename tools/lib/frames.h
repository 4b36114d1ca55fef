/* frames.h - the frame clock: one HeadlessExperimental.beginFrame per video
 * frame at a fixed time step, each frame's screenshot sent to the encoder */
#ifndef FRAMES_H
#define FRAMES_H

#include <stddef.h>

#include "camera.h"
#include "cdp.h"
#include "encoder.h"

struct frames {
	struct cdp *cdp;
	const char *session;
	double clock_ms;       /* frame time of the latest frame */
	double interval_ms;
	double paced_ms;       /* wall clock of the last paced frame */
	long recorded;         /* frames sent to the encoder */
	long reused;           /* of those, frames that repeat the last picture */
	long screenshots;      /* pictures taken for them, new or not */
	long clock_jumps;      /* times the wall clock caught up with frame times */
	long shot_retries;     /* pictures asked for again (a stalled renderer) */
	long dropped;          /* frames of long waits left out of the video */
	int stale;             /* drawn since the last picture was taken */
	long shot_at;          /* recorded frame of the last picture */
	long refresh_frames;   /* a new picture this soon after motion ends */
	long idle_refresh_frames;  /* and at least this often */
	long still_since;      /* recorded frame where motion last ended */
	long blink_frames;     /* the caret's half period */
	unsigned char *image;  /* the latest screenshot: what is on screen */
	size_t image_len, image_cap;
	unsigned char *prev;   /* the one before, to tell when motion stops */
	size_t prev_len, prev_cap;
	long changed_at;       /* recorded frame of the last new picture */
	/* How the clip ends, so far: from end_from, one picture, or two in
	 * turn (the caret's blink: the other one in alt) that have changed
	 * places toggles times, each on a frame blink_phase past a tick. */
	long end_from;
	unsigned char *alt;
	size_t alt_len, alt_cap;
	long toggles, blink_phase;
	int moving;            /* the last two recorded frames changed it */
	struct encoder *encoder;
	struct camera *camera;  /* moved before each recorded frame, or NULL */
	int holding;           /* recorded frames wait in held, not sent yet */
	int dropping;          /* recorded frames are void: neither held nor sent */
	struct held_frame *held;
	long held_count, held_cap;
};

/* How a clip ends (frames_ending): from frame from to its end, the picture
 * of its last frame, or, when blinking, that and the picture in frames' alt
 * in turn, changing places frames_blink apart, last at frame last_change. */
struct ending {
	long from, last_change;
	int blinking;
};

/* Frames between the caret's blinks, at fps. */
long frames_blink(int fps);

/* A clock for the page behind session, at fps frames per second, writing to
 * encoder once recording starts. */
void frames_init(struct frames *f, struct cdp *cdp, const char *session, int fps,
		 struct encoder *encoder);

/* Advance one frame. When record is set, the frame goes to the video: the
 * new screenshot, or the previous image again when nothing changed.
 * Returns whether the frame had damage. */
int frames_step(struct frames *f, int record);

/* Take a first picture, unrecorded: 0 when the browser drew one, -1 when
 * its renderer stalled and will not draw (start another browser). */
int frames_first_picture(struct frames *f);

/* Draw unrecorded frames, a hair apart and before the next recorded one,
 * until the browser has answered request id (sent with cdp_send): input it
 * takes only with a frame then shows in the next recorded frame, always. */
void frames_deliver(struct frames *f, int id);

/* Start the next clip on the same page, or the same clip again: counts
 * start again from zero, nothing is held or dropped, and its first frame
 * gets a fresh picture. */
void frames_begin_clip(struct frames *f, struct encoder *encoder);

/* How the clip recorded so far ends. */
void frames_ending(const struct frames *f, struct ending *e);

/* The clip ends with no caret left to blink (caret_live): what looked like
 * its blink was a change of its own, the picture kept from the last. */
void frames_no_blink(struct frames *f);

/* Keep the clip's recorded frames back from the encoder, in memory, until
 * frames_release or frames_discard: what they show may yet prove void
 * (recorded ahead of the network's quiet window, netidle_assume_quiet). */
void frames_hold(struct frames *f);

/* Send the held frames on, and every later one at once. */
void frames_release(struct frames *f);

/* Forget the held frames, and drop every later one: the clip is void, to
 * be recorded again from frames_begin_clip. */
void frames_discard(struct frames *f);

/* Sleep until a frame interval has passed on the wall clock since the
 * last paced frame: frames that are not recorded need not run faster,
 * burning CPU, and a pause lasts its length. Only the interval counts,
 * not where the frame clock is: after a hold recorded faster than real
 * time, the frame clock is far ahead of the wall clock, and waiting for
 * the wall clock to catch up with it would waste all of that lead. */
void frames_pace(struct frames *f);

/* How far the frame clock is ahead of the wall clock (s): a wait longer
 * than that makes the next frame jump ahead. */
double frames_lead(const struct frames *f);

/* How long frames_pace would sleep at wall-clock time now (ms). */
double frames_pace_delay(const struct frames *f, double now);

/* Draw one unrecorded frame and return its picture as PNG bytes (caller
 * frees), or NULL when the browser gave none. */
unsigned char *frames_png(struct frames *f, size_t *len);

void frames_free(struct frames *f);

#endif
