/* camera.c - the virtual camera. Emulation.setDeviceMetricsOverride's
 * viewport member makes the browser draw one region of the page at a
 * scale: text is rasterised at the zoomed resolution, the page's layout
 * and its input coordinates do not change, and the page cannot tell. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "camera.h"
#include "json.h"
#include "util.h"

/* The automatic camera looks for its target this often (frames), and
 * moves only when the target leaves this share of the view's middle:
 * typing along a line does not shake the picture. */
#define TRACK_EVERY 6
#define TRACK_MIDDLE 0.5
/* How far a move to a distant target zooms out at its middle: this share
 * of the way back to the full view. */
#define DIP_SHARE 0.6
/* A tracked element fills at most this share of the view. */
#define FIT_SHARE 0.9
/* The automatic zoom makes its target fill this share of the frame, in
 * the direction it is tighter in; a zoom within ZOOM_SLACK of the one the
 * camera has is kept, so a field growing as it is typed into does not
 * make the picture breathe. Zooms are multiples of ZOOM_STEP. */
#define FILL_SHARE 0.6
#define ZOOM_SLACK 0.15
#define ZOOM_STEP 0.05

double camera_ease(double t)
{
	if (t <= 0)
		return 0;
	if (t >= 1)
		return 1;
	/* smoothstep: no jolt where the move starts or stops */
	return t * t * (3 - 2 * t);
}

static double clamp(double v, double lo, double hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

void camera_init(struct camera *c, struct page *page, int width, int height,
		 long transition_frames)
{
	/* a camera is zeroed before its first use, then reused */
	struct view shown = c->shown;
	int overridden = c->overridden;

	free(c->selector[0]);
	memset(c, 0, sizeof *c);
	c->shown = shown;
	c->overridden = overridden;
	c->page = page;
	c->width = width;
	c->height = height;
	c->transition_frames = c->duration = transition_frames;
	c->from.z = c->to.z = 1;
	c->from.cx = c->to.cx = width / 2.0;
	c->from.cy = c->to.cy = height / 2.0;
	c->closer = 1;
	c->full_frame = -1;
}

void camera_place(struct camera *c, const struct shot *s)
{
	c->from = c->to = *s;
	c->start = 0;
	c->duration = 0;
	c->dip = 0;
}

void camera_shot(const struct camera *c, long frame, struct shot *s)
{
	double t = c->duration > 0 ? (double)(frame - c->start) / c->duration : 1;
	double k = camera_ease(t);

	s->z = c->from.z + (c->to.z - c->from.z) * k;
	if (c->dip)
		s->z = 1 + (s->z - 1) * (1 - DIP_SHARE * sin(M_PI * k));
	s->cx = c->from.cx + (c->to.cx - c->from.cx) * k;
	s->cy = c->from.cy + (c->to.cy - c->from.cy) * k;
}

void camera_view(const struct camera *c, const struct shot *s, struct view *v)
{
	v->scale = s->z;
	v->width = c->width / s->z;
	v->height = c->height / s->z;
	/* never beyond the page's edge: the view slides back inside */
	v->x = clamp(s->cx - v->width / 2, 0, c->width - v->width);
	v->y = clamp(s->cy - v->height / 2, 0, c->height - v->height);
}

static int same_view(const struct view *a, const struct view *b)
{
	return fabs(a->x - b->x) < 1e-6 && fabs(a->y - b->y) < 1e-6 &&
	       fabs(a->scale - b->scale) < 1e-9;
}

static void log_stop(struct camera *c)
{
	struct camera_stop *last;

	/* a move cut short never arrived, and a full list keeps its end:
	 * either way the new stop takes the last one's place */
	if (c->stop_count == 0 || (c->stops[c->stop_count - 1].frame <= c->start &&
				   c->stop_count < CAMERA_STOPS_MAX))
		c->stop_count++;
	last = &c->stops[c->stop_count - 1];
	last->frame = c->start + c->duration;
	camera_view(c, &c->to, &last->view);
}

void camera_aim(struct camera *c, long frame, double z, double cx, double cy)
{
	struct shot now;
	struct view v, there;

	camera_shot(c, frame, &now);
	/* from where the picture is, not from an unreachable centre past
	 * the edge: the move starts without a pause */
	camera_view(c, &now, &v);
	c->from.z = now.z;
	c->from.cx = v.x + v.width / 2;
	c->from.cy = v.y + v.height / 2;
	c->to.z = clamp(z, 1, 4);
	c->to.cx = cx;
	c->to.cy = cy;
	c->start = frame;
	c->dip = now.z > 1 && c->to.z > 1 &&
		 (cx < v.x || cx > v.x + v.width || cy < v.y || cy > v.y + v.height);
	c->duration = c->dip ? 2 * c->transition_frames : c->transition_frames;
	camera_view(c, &c->to, &there);
	if (same_view(&v, &there))
		c->duration = 0;
	log_stop(c);
}

void camera_track(struct camera *c, long frame, const char *const *selectors,
		  enum framing framing)
{
	c->track = selectors;
	c->framing = framing;
	c->fitted = 0;
	c->track_due = frame;
}

static const char box_fn[] =
	"function (sels) {"
	" for (const s of sels) {"
	"  for (const e of document.querySelectorAll(s)) {"
	"   const r = e.getBoundingClientRect();"
	"   if (r.width > 0 && r.height > 0)"
	"    return [r.left, r.top, r.width, r.height];"
	"  }"
	" }"
	" return null;"
	"}";

int camera_find(struct page *page, const char *const *selectors, double box[4])
{
	cJSON *arg = cJSON_CreateArray(), *r;
	int i, found;

	for (i = 0; selectors[i]; i++)
		cJSON_AddItemToArray(arg, cJSON_CreateString(selectors[i]));
	r = page_call(page, box_fn, arg);
	cJSON_Delete(arg);
	if (!r)
		return -1;
	found = cJSON_GetArraySize(r) == 4;
	for (i = 0; found && i < 4; i++)
		box[i] = cJSON_GetNumberValue(cJSON_GetArrayItem(r, i));
	cJSON_Delete(r);
	return found;
}

double camera_fit(const struct camera *c, const double box[4], enum framing framing)
{
	double z = c->height * FILL_SHARE / box[3], whole = c->height * FIT_SHARE / box[3];

	if (framing == FRAME_WHOLE) {
		z = fmin(z, c->width * FILL_SHARE / box[2]);
		whole = fmin(whole, c->width * FIT_SHARE / box[2]);
	}
	z = clamp(z * c->closer, CAMERA_FIT_MIN, CAMERA_FIT_MAX);
	/* whole beats close: a wide element gets what shows all of it */
	z = fmin(z, whole);
	/* in steps, rounded down: a box a hair different is the same zoom */
	z = floor(z / ZOOM_STEP + 1e-9) * ZOOM_STEP;
	return z < 1 ? 1 : z;
}

/* The zoom for a tracked element: the camera's own, less when the
 * element would not fit; else fitted to it. */
static double zoom_for(const struct camera *c, const double box[4])
{
	double z, fit;

	if (c->zoom <= 0) {
		z = camera_fit(c, box, c->framing);
		/* the same target, close to the zoom it has, and it fits */
		if (c->fitted && c->to.z > 1 && fabs(z - c->to.z) <= ZOOM_SLACK * c->to.z &&
		    box[3] * c->to.z <= c->height * FIT_SHARE &&
		    (c->framing == FRAME_START || box[2] * c->to.z <= c->width * FIT_SHARE))
			z = c->to.z;
		return z;
	}
	z = c->zoom;
	fit = c->height * FIT_SHARE / box[3];
	if (c->framing == FRAME_WHOLE && c->width * FIT_SHARE / box[2] < fit)
		fit = c->width * FIT_SHARE / box[2];
	if (fit < z)
		z = fit < 1 ? 1 : fit;
	return z;
}

/* Look for the tracked element; aim at it when it is not in the middle of
 * where the camera is going. */
static void follow(struct camera *c, long frame)
{
	double box[4], z, cx, cy, w, span;
	struct view v;

	c->track_due = frame + TRACK_EVERY;
	/* an element the page does not have (yet), or a selector it cannot
	 * parse: the camera stays where it is */
	if (camera_find(c->page, c->track, box) <= 0)
		return;
	z = zoom_for(c, box);
	cy = box[1] + box[3] / 2;
	cx = box[0] + box[2] / 2;
	if (c->framing == FRAME_START) {
		w = c->width / z;
		cx = box[0] + (box[2] < w ? box[2] : w) / 2;
	}
	camera_view(c, &c->to, &v);
	span = TRACK_MIDDLE / 2;
	if (fabs(z - c->to.z) < 1e-6 &&
	    fabs(cx - (v.x + v.width / 2)) <= v.width * span &&
	    fabs(cy - (v.y + v.height / 2)) <= v.height * span)
		return;
	camera_aim(c, frame, z, cx, cy);
	c->fitted = 1;
}

void camera_end(struct camera *c, long now, long total, long hold)
{
	long start = total - hold - c->transition_frames;
	struct shot s;

	c->track = NULL;
	if (start < now)
		start = now;
	if (start < c->start + c->duration)
		start = c->start + c->duration;
	camera_shot(c, start, &s);
	/* already there: nothing to log */
	if (s.z == 1)
		return;
	camera_aim(c, start, 1, c->width / 2.0, c->height / 2.0);
}

/* The override's position counts in document pixels: add the scroll. */
static void page_scroll(struct camera *c, double *x, double *y)
{
	cJSON *r = page_call(c->page, "function () { return [scrollX, scrollY]; }", NULL);

	*x = cJSON_GetNumberValue(cJSON_GetArrayItem(r, 0));
	*y = cJSON_GetNumberValue(cJSON_GetArrayItem(r, 1));
	/* a document between two pages has no scroll yet */
	if (isnan(*x))
		*x = 0;
	if (isnan(*y))
		*y = 0;
	cJSON_Delete(r);
}

int camera_apply(struct camera *c, long frame)
{
	struct shot s;
	struct view v;
	cJSON *p, *vp;
	double sx, sy;

	if (!c->enabled)
		return 0;
	/* a new document on its way (a click on a link, Enter in a form):
	 * the full page while it loads, until an action aims elsewhere */
	if (c->follows && c->navigations && *c->navigations != c->navigations_seen) {
		c->navigations_seen = *c->navigations;
		c->track = NULL;
		if (c->to.z != 1)
			camera_aim(c, frame, 1, c->width / 2.0, c->height / 2.0);
	}
	if (c->track && frame >= c->track_due)
		follow(c, frame);
	camera_shot(c, frame, &s);
	camera_view(c, &s, &v);
	if (v.scale == 1) {
		c->full_frame = frame;
		if (!c->overridden)
			return 0;
		camera_reset(c);
		c->moves++;
		return 1;
	}
	page_scroll(c, &sx, &sy);
	v.x += sx;
	v.y += sy;
	if (c->overridden && same_view(&v, &c->shown))
		return 0;
	p = cJSON_CreateObject();
	/* zero: the window's own size and density stay */
	cJSON_AddNumberToObject(p, "width", 0);
	cJSON_AddNumberToObject(p, "height", 0);
	cJSON_AddNumberToObject(p, "deviceScaleFactor", 0);
	cJSON_AddBoolToObject(p, "mobile", 0);
	vp = cJSON_AddObjectToObject(p, "viewport");
	cJSON_AddNumberToObject(vp, "x", v.x);
	cJSON_AddNumberToObject(vp, "y", v.y);
	cJSON_AddNumberToObject(vp, "width", v.width);
	cJSON_AddNumberToObject(vp, "height", v.height);
	cJSON_AddNumberToObject(vp, "scale", v.scale);
	cJSON_Delete(cdp_ecall(c->page->cdp, c->page->session,
			       "Emulation.setDeviceMetricsOverride", p));
	c->shown = v;
	c->overridden = 1;
	c->moves++;
	return 1;
}

void camera_reset(struct camera *c)
{
	if (!c->overridden)
		return;
	cJSON_Delete(cdp_ecall(c->page->cdp, c->page->session,
			       "Emulation.clearDeviceMetricsOverride", NULL));
	c->overridden = 0;
}
