/* actions.h - a tour step's browser actions, run against the frame clock */
#ifndef ACTIONS_H
#define ACTIONS_H

#include <cjson/cJSON.h>

#include "frames.h"
#include "page.h"

/* What an action runs against. Time advances only by recording frames:
 * an action's duration is the frames it records. */
struct capture {
	const char *id;         /* the step, for messages */
	int fps;
	double timeout;         /* seconds any one wait may take */
	struct frames *frames;
	struct page *page;
	char where[64];         /* "actions[2] (click_selector)", for messages */
};

/* Check every action of the list (types known and implemented, required
 * members present) before anything runs. Dies with EXIT_USAGE naming the
 * first bad one. */
void actions_check(const char *id, const cJSON *actions);

/* Check a step-level scroll object the same way. */
void scroll_check(const char *id, const cJSON *scroll);

/* Run the checked actions in order. Dies with EXIT_FAIL (or EXIT_TIMEOUT)
 * naming the action that could not be done. */
void actions_run(struct capture *cap, const cJSON *actions);

/* Run a step-level scroll, after the actions. */
void scroll_run(struct capture *cap, const cJSON *scroll);

/* Record frames until the video holds frame_count frames. */
void record_until(struct capture *cap, long frame_count);

#endif
