/* cursor.c - the pointer overlay: one fixed element at the top of the
 * stacking order that never takes events, inside a shadow root so page
 * styles cannot reach it; the tool sets its position every frame. */
#include <math.h>

#include "actions.h"
#include "cursor.h"
#include "input.h"
#include "util.h"

#define GLIDE_SECONDS 0.4
#define RIPPLE_SECONDS 0.3
#define RIPPLE_RADIUS 18.0

/* [x, y, shown, ripple radius, ripple opacity]. Built with DOM calls, not
 * innerHTML: a page that enforces Trusted Types refuses markup strings. */
static const char draw_fn[] =
	"function ([x, y, shown, r, a]) {"
	" let h = document.getElementById('__stepcap_cursor');"
	/* a document being replaced may have no root yet: the next frame draws */
	" if (!h && !document.documentElement) return;"
	" if (!h) {"
	"  const svgns = 'http://www.w3.org/2000/svg';"
	"  h = document.createElement('div');"
	"  h.id = '__stepcap_cursor';"
	"  h.style.cssText = 'position:fixed;left:0;top:0;width:0;height:0;margin:0;"
	"padding:0;border:0;z-index:2147483647;pointer-events:none;display:none';"
	"  const root = h.attachShadow({mode: 'open'});"
	"  const ring = document.createElement('div');"
	"  ring.id = 'r';"
	"  ring.style.cssText = 'position:absolute;border-radius:50%;display:none;"
	"background:rgba(40,120,255,.35);border:2px solid rgba(40,120,255,.9);"
	"box-sizing:border-box';"
	"  const svg = document.createElementNS(svgns, 'svg');"
	"  svg.setAttribute('width', '22');"
	"  svg.setAttribute('height', '30');"
	"  svg.setAttribute('viewBox', '0 0 22 30');"
	"  svg.style.cssText = 'position:absolute;left:-1px;top:-1px;overflow:visible';"
	"  const path = document.createElementNS(svgns, 'path');"
	"  path.setAttribute('d', 'M1 1 L1 24 L7 18.5 L11 28 L15 26.3 L11 17.5 L18.5 17.5 Z');"
	"  path.setAttribute('fill', '#111');"
	"  path.setAttribute('stroke', '#fff');"
	"  path.setAttribute('stroke-width', '1.6');"
	"  path.setAttribute('stroke-linejoin', 'round');"
	"  svg.appendChild(path);"
	"  root.append(ring, svg);"
	"  document.documentElement.appendChild(h);"
	" }"
	" h.style.transform = 'translate(' + x + 'px,' + y + 'px)';"
	" h.style.display = shown ? 'block' : 'none';"
	" const ring = h.shadowRoot.getElementById('r');"
	" ring.style.display = r > 0 ? 'block' : 'none';"
	" ring.style.left = ring.style.top = -r + 'px';"
	" ring.style.width = ring.style.height = 2 * r + 'px';"
	" ring.style.opacity = a;"
	"}";

static void draw(struct capture *cap, double ripple, double alpha)
{
	cJSON *arg = cJSON_CreateArray(), *v;

	cJSON_AddItemToArray(arg, cJSON_CreateNumber(cap->cursor.x));
	cJSON_AddItemToArray(arg, cJSON_CreateNumber(cap->cursor.y));
	cJSON_AddItemToArray(arg, cJSON_CreateBool(cap->cursor.shown));
	cJSON_AddItemToArray(arg, cJSON_CreateNumber(ripple));
	cJSON_AddItemToArray(arg, cJSON_CreateNumber(alpha));
	v = page_call(cap->page, draw_fn, arg);
	cJSON_Delete(arg);
	if (!v)
		die(EXIT_SYS, "browser: cannot draw the cursor: %s", cap->page->err);
	cJSON_Delete(v);
}

static long frames_for(const struct capture *cap, double seconds)
{
	long n = lround(seconds * cap->fps);

	return n < 1 ? 1 : n;
}

void cursor_glide(struct capture *cap, double x, double y)
{
	struct cursor *c = &cap->cursor;
	double from_x, from_y, t, ease;
	long i, n;

	if (!c->enabled) {
		c->x = x;
		c->y = y;
		frames_deliver(cap->frames,
			       input_mouse_move(cap->frames->cdp, cap->frames->session, x, y));
		frames_step(cap->frames, 1);
		return;
	}
	if (!c->shown) {
		/* it enters from the middle of the view */
		c->x = cap->width / 2.0;
		c->y = cap->height / 2.0;
		c->shown = 1;
	}
	from_x = c->x;
	from_y = c->y;
	n = frames_for(cap, GLIDE_SECONDS);
	for (i = 1; i <= n; i++) {
		t = (double)i / n;
		/* ease in and out: leaves gently, lands gently */
		ease = t < 0.5 ? 4 * t * t * t : 1 - pow(-2 * t + 2, 3) / 2;
		c->x = from_x + (x - from_x) * ease;
		c->y = from_y + (y - from_y) * ease;
		draw(cap, 0, 0);
		frames_deliver(cap->frames, input_mouse_move(cap->frames->cdp,
							     cap->frames->session, c->x, c->y));
		frames_step(cap->frames, 1);
	}
}

void cursor_click(struct capture *cap)
{
	struct cursor *c = &cap->cursor;
	double t;
	long i, n;

	input_click(cap->frames->cdp, cap->frames->session, c->x, c->y);
	if (!c->enabled)
		return;
	n = frames_for(cap, RIPPLE_SECONDS);
	for (i = 1; i <= n; i++) {
		t = (double)i / n;
		draw(cap, i < n ? RIPPLE_RADIUS * (0.3 + 0.7 * t) : 0, 1 - t);
		frames_step(cap->frames, 1);
	}
}

void cursor_restore(struct capture *cap)
{
	if (cap->cursor.enabled && cap->cursor.shown)
		draw(cap, 0, 0);
}
