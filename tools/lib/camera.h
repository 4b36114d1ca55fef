/* camera.h - zoom and pan drawn by the browser: the region the camera
 * frames is rendered at the zoomed resolution (a DevTools viewport
 * override), not cropped and upscaled afterwards. Every position is a
 * function of the recorded frame index, so the video stays deterministic. */
#ifndef CAMERA_H
#define CAMERA_H

#include "cdp.h"

/* What the camera shows: the region (x, y, width, height) of the viewport,
 * in CSS pixels, drawn at scale to fill the frame. */
struct view {
	double x, y, width, height, scale;
};

struct camera {
	int enabled;
	double z, cx, cy;        /* the target: zoom, centre in viewport pixels */
	long transition_frames;  /* frames the move from the full view takes */
	int width, height;       /* the viewport */
	struct cdp *cdp;
	const char *session;
	struct view shown;       /* the view last given to the browser */
	int overridden;          /* the browser has a viewport override */
	long moves;              /* frames whose view differed from the last */
};

/* Ease in and out: 0 at 0, 1 at 1, slow at both ends, monotonic. */
double camera_ease(double t);

/* The view at recorded frame: the full view at frame 0, easing to the
 * target over transition_frames, then held. Kept inside the viewport. */
void camera_view(const struct camera *c, long frame, struct view *v);

/* Give the browser the view of recorded frame, when it changed. Returns
 * whether it did (the next picture must be a new one). */
int camera_apply(struct camera *c, long frame);

/* Back to the full view (between clips of one page). */
void camera_reset(struct camera *c);

#endif
