/* camera.c - the virtual camera. Emulation.setDeviceMetricsOverride's
 * viewport member makes the browser draw one region of the page at a
 * scale: text is rasterised at the zoomed resolution, the page's layout
 * and its input coordinates do not change, and the page cannot tell. */
#include <math.h>
#include <string.h>

#include "camera.h"
#include "json.h"
#include "util.h"

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

void camera_view(const struct camera *c, long frame, struct view *v)
{
	double t, k, z, cx, cy;

	t = c->transition_frames > 0 ? (double)frame / c->transition_frames : 1;
	k = c->enabled ? camera_ease(t) : 0;
	z = 1 + (c->z - 1) * k;
	cx = c->width / 2.0 + (c->cx - c->width / 2.0) * k;
	cy = c->height / 2.0 + (c->cy - c->height / 2.0) * k;
	v->scale = z;
	v->width = c->width / z;
	v->height = c->height / z;
	/* never beyond the page's edge: the view slides back inside */
	v->x = clamp(cx - v->width / 2, 0, c->width - v->width);
	v->y = clamp(cy - v->height / 2, 0, c->height - v->height);
}

/* The override's position counts in document pixels: add the scroll. */
static void page_scroll(struct camera *c, double *x, double *y)
{
	cJSON *p = cJSON_CreateObject(), *r;
	const cJSON *v;

	cJSON_AddStringToObject(p, "expression", "[scrollX, scrollY]");
	cJSON_AddBoolToObject(p, "returnByValue", 1);
	r = cdp_ecall(c->cdp, c->session, "Runtime.evaluate", p);
	v = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(r, "result"),
					     "value");
	*x = cJSON_GetNumberValue(cJSON_GetArrayItem(v, 0));
	*y = cJSON_GetNumberValue(cJSON_GetArrayItem(v, 1));
	if (isnan(*x))
		*x = 0;
	if (isnan(*y))
		*y = 0;
	cJSON_Delete(r);
}

static int same(const struct view *a, const struct view *b)
{
	return fabs(a->x - b->x) < 1e-6 && fabs(a->y - b->y) < 1e-6 &&
	       fabs(a->scale - b->scale) < 1e-9;
}

int camera_apply(struct camera *c, long frame)
{
	struct view v;
	cJSON *p, *vp;
	double sx, sy;

	if (!c->enabled)
		return 0;
	camera_view(c, frame, &v);
	if (v.scale == 1) {
		if (!c->overridden)
			return 0;
		camera_reset(c);
		c->moves++;
		return 1;
	}
	page_scroll(c, &sx, &sy);
	v.x += sx;
	v.y += sy;
	if (c->overridden && same(&v, &c->shown))
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
	cJSON_Delete(cdp_ecall(c->cdp, c->session, "Emulation.setDeviceMetricsOverride", p));
	c->shown = v;
	c->overridden = 1;
	c->moves++;
	return 1;
}

void camera_reset(struct camera *c)
{
	if (!c->overridden)
		return;
	cJSON_Delete(cdp_ecall(c->cdp, c->session, "Emulation.clearDeviceMetricsOverride",
			       NULL));
	c->overridden = 0;
}
