/* actions.h - a tour step's browser actions, run against the frame clock */
#ifndef ACTIONS_H
#define ACTIONS_H

#include <cjson/cJSON.h>

#include "cursor.h"
#include "frames.h"
#include "netidle.h"
#include "page.h"

/* What an action runs against. Time advances only by recording frames:
 * an action's duration is the frames it records. */
struct capture {
	const char *id;         /* the step, for messages */
	int fps;
	int width, height;      /* the viewport */
	double timeout;         /* seconds any one wait may take */
	long max_wait_frames;   /* frames a wait may show; longer waits go on unseen */
	struct frames *frames;
	struct page *page;
	struct cursor cursor;
	struct netidle *net;    /* the page's requests, fed by the event handler */
	const char *fail_png;   /* where a failure leaves its screenshot, or NULL */
	char where[64];         /* "actions[2] (click_selector)", for messages */
	int real_time;          /* record no faster than the wall clock while
				 * the page is live (netidle_live) */
};

/* Check every action of the list (types known and implemented, required
 * members present) before anything runs. Dies with EXIT_USAGE naming the
 * first bad one. */
void actions_check(const char *id, const cJSON *actions);

/* Check a step-level scroll object the same way. */
void scroll_check(const char *id, const cJSON *scroll);

/* Run the checked actions in order. Dies with EXIT_FAIL (or EXIT_TIMEOUT)
 * naming the action that could not be done. Returns 0, having run only
 * actions that watch, when what they recorded proved void
 * (capture_confirm_quiet): the clip is to be recorded again. */
int actions_run(struct capture *cap, const cJSON *actions);

/* Run a step-level scroll, after the actions; 0 as actions_run. */
int scroll_run(struct capture *cap, const cJSON *scroll);

/* Record frames until the video holds frame_count frames; with
 * cap->real_time set and the page live, no faster than the wall clock.
 * Stops early when the clip proves void (capture_confirm_quiet). */
void record_until(struct capture *cap, long frame_count);

/* --- pieces the actions are built from ------------------------------ */

/* The step failed: say so (message prefixed "step ID: WHERE: "), leave a
 * screenshot at cap->fail_png, exit with code. */
void capture_fail(struct capture *cap, int code, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 3, 4)));

void capture_record_seconds(struct capture *cap, double seconds);

/* One frame of a wait. The first max_wait_frames of a wait are recorded;
 * after that the wait goes on unseen, paced by the wall clock, and the
 * frames it did not show are counted, so a slow network or page never
 * becomes frozen video. *waited counts the wait's frames. */
void capture_wait_frame(struct capture *cap, long *waited);

/* Wait until selector is in state ("visible", "hidden", "attached",
 * "detached"), at most timeout seconds. Returns 0 on timeout; 1 too when
 * the clip proves void, as it is recorded again (capture_confirm_quiet). */
int capture_wait_state(struct capture *cap, const char *selector, const char *state,
		       double timeout);

/* Wait for the first element matching selector to have a box, at most
 * timeout seconds, and give its centre. Fails the step (EXIT_TIMEOUT) when
 * it never does. */
void capture_element_centre(struct capture *cap, const char *selector, double timeout,
			    double *x, double *y);

/* Before recording: let the network go quiet (no request for half a
 * second), unrecorded, at most limit seconds (and a cap of its own). With
 * ahead set and no request in flight, the rest of that half second is
 * assumed quiet rather than waited for (netidle_assume_quiet): the clip
 * records at once, its frames held back (frames_hold) until
 * capture_confirm_quiet. */
void capture_settle_network(struct capture *cap, double limit, int ahead);

/* Once the half second assumed quiet has passed (waiting for it if need
 * be): 1 when no request started in it, and the held frames go on to the
 * encoder; 0 when one did, or when the frames would jump ahead in time
 * after the wait (frames_lead), and the clip is void (frames_discard).
 * Called before the page is given any input, and before the clip ends;
 * 1 when nothing was assumed. */
int capture_confirm_quiet(struct capture *cap);

/* Type text one character every delay_ms; '\n' presses Enter. */
void capture_type(struct capture *cap, const char *text, double delay_ms);

/* Press a chord such as "Control+a"; the caller knows it parses. */
void capture_press(struct capture *cap, const char *chord);

#endif
