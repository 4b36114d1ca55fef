/* camera.h - zoom and pan drawn by the browser: the region the camera
 * frames is rendered at the zoomed resolution (a DevTools viewport
 * override), not cropped and upscaled afterwards. Every position is a
 * function of the recorded frame index, so the video stays deterministic. */
#ifndef CAMERA_H
#define CAMERA_H

#include "page.h"

/* What the camera shows: the region (x, y, width, height) of the viewport,
 * in CSS pixels, drawn at scale to fill the frame. */
struct view {
	double x, y, width, height, scale;
};

/* Where the camera looks: zoom and centre, in viewport pixels. */
struct shot {
	double z, cx, cy;
};

/* How a tracked element is framed: whole (zoom at most what fits it), or
 * by its start (a terminal: wide, its text on the left). */
enum framing { FRAME_WHOLE, FRAME_START };

/* Where the camera went: the view it arrived at, and the frame it did. */
struct camera_stop {
	long frame;
	struct view view;
};

/* The stops a clip's meta file lists, at most: a long typing step moves
 * the camera often, and the report shows one thumbnail per stop. */
#define CAMERA_STOPS_MAX 16

struct camera {
	int enabled;
	int follows;             /* the automatic camera: actions aim it */
	int width, height;       /* the viewport */
	struct shot from, to;    /* the move under way: from, at frame start, to */
	long start;
	long duration;           /* frames the move under way takes */
	int dip;                 /* it zooms out on the way (a distant target) */
	long transition_frames;  /* frames one move takes */
	double zoom;             /* the automatic camera's zoom; 0: fit to each target */
	double closer;           /* the fitted zoom times this (mobile: 1.15) */
	/* the page's main-frame navigations, counted as the browser reports
	 * them, and the count the camera has acted on: the automatic camera
	 * shows the full view while a new page loads */
	const long *navigations;
	long navigations_seen;
	/* the automatic camera: the first of these selectors with a box is
	 * looked for every few frames and followed when it leaves the middle
	 * of the view */
	const char *const *track;
	char *selector[2];       /* a one-selector list for track, owned */
	enum framing framing;
	int fitted;              /* the camera is aimed at what it tracks */
	long track_due;
	struct page *page;
	struct view shown;       /* the view last given to the browser */
	int overridden;          /* the browser has a viewport override */
	long moves;              /* frames whose view differed from the last */
	struct camera_stop stops[CAMERA_STOPS_MAX];
	int stop_count;
	long full_frame;         /* the last frame shown on the full view, or -1 */
};

/* Ease in and out: 0 at 0, 1 at 1, slow at both ends, monotonic. */
double camera_ease(double t);

/* A camera for a viewport of width x height on page, at the full view,
 * moving in transition_frames. What the browser shows is kept: a camera
 * placed where the last clip ended need not draw it again. */
void camera_init(struct camera *c, struct page *page, int width, int height,
		 long transition_frames);

/* The automatic camera's zoom for a target of box [x, y, width, height]:
 * enough for it to fill a good part of the frame, times closer, within
 * CAMERA_FIT_MIN..CAMERA_FIT_MAX, but never so much that it is cut (by
 * its height alone when framed by its start), and at least 1. */
#define CAMERA_FIT_MIN 1.25
#define CAMERA_FIT_MAX 3.0
double camera_fit(const struct camera *c, const double box[4], enum framing framing);

/* Start at shot at once, where the clip before left the picture (one
 * page, several clips): no move, and the browser's view kept. */
void camera_place(struct camera *c, const struct shot *s);

/* The shot at recorded frame: the move under way, eased. */
void camera_shot(const struct camera *c, long frame, struct shot *s);

/* The view a shot gives, kept inside the viewport. */
void camera_view(const struct camera *c, const struct shot *s, struct view *v);

/* Move to shot, starting at frame from wherever the camera is then. A
 * zoomed camera going to a target outside its view zooms out on the way
 * and back in, over twice the time, so the viewer sees where it goes; one
 * already showing that view does not move. The move is logged in stops,
 * replacing the last when it had not arrived. */
void camera_aim(struct camera *c, long frame, double z, double cx, double cy);

/* Follow the first element of selectors (NULL-terminated; NULL: stop
 * following) from frame on. */
void camera_track(struct camera *c, long frame, const char *const *selectors,
		  enum framing framing);

/* The box [x, y, width, height] of the first of selectors that has one, in
 * viewport pixels: 1 found, 0 none, -1 a selector the page cannot parse
 * (page->err says why). */
int camera_find(struct page *page, const char *const *selectors, double box[4]);

/* The automatic camera's last move: back to the full view, to be there
 * hold frames before the clip's total frames end, and not before frame
 * now nor before the move under way has arrived. */
void camera_end(struct camera *c, long now, long total, long hold);

/* Give the browser the view of recorded frame, when it changed. Returns
 * whether it did (the next picture must be a new one). */
int camera_apply(struct camera *c, long frame);

/* Back to the full view at once (between clips of one page). */
void camera_reset(struct camera *c);

#endif
