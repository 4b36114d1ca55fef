/* actions.c - one handler per action type, in a table: an action is a
 * check function, a run function, a row. The editor actions, which drive
 * VS Code in the browser, live in vscode.c. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions.h"
#include "camera.h"
#include "clock.h"
#include "file.h"
#include "input.h"
#include "json.h"
#include "keys.h"
#include "util.h"
#include "vscode.h"

#define DEFAULT_TYPE_DELAY_MS 50
/* Playwright's "networkidle": no request for this long */
#define NETWORK_QUIET_S 0.5
/* network idle is a nicety after the load: it never fails the step, and
 * a page that polls forever holds it at most this long */
#define NETWORK_IDLE_CAP_S 10.0

/* --- shared pieces -------------------------------------------------- */

void capture_fail(struct capture *cap, int code, const char *fmt, ...)
{
	char msg[1024];
	unsigned char *png;
	size_t len;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	/* the message first: taking the picture may fail in its own words */
	warn("step %s: %s: %s", cap->id, cap->where, msg);
	if (cap->fail_png && (png = frames_png(cap->frames, &len))) {
		if (mkdirs_for(cap->fail_png) < 0 ||
		    write_file_atomic(cap->fail_png, png, len) < 0)
			warn("cannot write %s:", cap->fail_png);
		free(png);
	}
	exit(code);
}

/* Frames held while the network's quiet is assumed go on to the encoder as
 * soon as that half second has passed, so a long clip that only watches
 * holds little in memory; when it broke, the rest is dropped. */
static void confirm_when_due(struct capture *cap)
{
	if (cap->net->assumed_until && clock_now() >= cap->net->assumed_until)
		capture_confirm_quiet(cap);
}

void record_until(struct capture *cap, long frame_count)
{
	while (cap->frames->recorded < frame_count) {
		confirm_when_due(cap);
		/* a void clip is recorded again: no use going on */
		if (cap->frames->dropping)
			return;
		if (cap->real_time && netidle_live(cap->net))
			frames_pace(cap->frames);
		frames_step(cap->frames, 1);
	}
}

void capture_record_seconds(struct capture *cap, double seconds)
{
	record_until(cap, cap->frames->recorded + lround(seconds * cap->fps));
}

void capture_wait_frame(struct capture *cap, long *waited)
{
	confirm_when_due(cap);
	if (*waited < cap->max_wait_frames) {
		frames_step(cap->frames, 1);
	} else {
		frames_pace(cap->frames);
		frames_step(cap->frames, 0);
		cap->frames->dropped++;
	}
	(*waited)++;
}

static const char *str_member(const cJSON *a, const char *name)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(a, name));
}

static const char *need_string(const cJSON *a, const char *name, const char **member)
{
	const char *s = str_member(a, name);

	*member = name;
	if (!s)
		return "missing or not a string";
	if (!*s)
		return "is empty";
	return NULL;
}

/* An optional number that must be >= 0 when present. */
static const char *opt_seconds(const cJSON *a, const char *name, const char **member)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(a, name);

	*member = name;
	if (!v)
		return NULL;
	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->valuedouble < 0)
		return "must be a number >= 0";
	return NULL;
}

static void selector_error(struct capture *cap, const char *selector)
{
	die(EXIT_USAGE, "step %s: %s: invalid selector \"%s\": %s", cap->id, cap->where,
	    selector, cap->page->err);
}

/* When a wait starts, for its timeout: a wait recorded ahead of the
 * network's quiet (capture_settle_network) counts from where it would have
 * started had that half second been waited out. */
static double wait_start(const struct capture *cap)
{
	return fmax(clock_now(), cap->net->assumed_until);
}

/* Poll once per frame until selector is in state; wall-clock bounded,
 * because pages load on the wall clock. */
int capture_wait_state(struct capture *cap, const char *selector, const char *state,
		       double timeout)
{
	double deadline = wait_start(cap) + timeout;
	long waited = 0;
	int ok;

	while ((ok = page_selector_state(cap->page, selector, state)) == 0) {
		/* a void clip is recorded again: its waits need not end */
		if (cap->frames->dropping)
			return 1;
		if (clock_now() > deadline)
			return 0;
		capture_wait_frame(cap, &waited);
	}
	if (ok < 0)
		selector_error(cap, selector);
	return 1;
}

void capture_element_centre(struct capture *cap, const char *selector, double timeout,
			    double *x, double *y)
{
	double deadline = clock_now() + timeout;
	long waited = 0;
	int found;

	while ((found = page_element_centre(cap->page, selector, x, y)) == 0) {
		if (clock_now() > deadline)
			capture_fail(cap, EXIT_TIMEOUT, "no element matches \"%s\" after %g s",
				     selector, timeout);
		capture_wait_frame(cap, &waited);
	}
	if (found < 0)
		selector_error(cap, selector);
}

/* An action's own timeout (ms) or the step's (s). */
static double wait_timeout(const struct capture *cap, const cJSON *a)
{
	const cJSON *ms = cJSON_GetObjectItemCaseSensitive(a, "timeout");

	return cJSON_IsNumber(ms) ? ms->valuedouble / 1000 : cap->timeout;
}

/* Bytes in the UTF-8 sequence that starts with lead: a character is typed
 * whole, never split across insertText calls. */
static size_t utf8_length(unsigned char lead)
{
	if (lead >= 0xf0)
		return 4;
	if (lead >= 0xe0)
		return 3;
	if (lead >= 0xc0)
		return 2;
	return 1;
}

/* The frame a character is due in is computed from the start, so no
 * rounding error builds up; in whole milliseconds, so 15 characters at
 * 30 ms are 13.5 frames exactly, not 13.4999. */
void capture_type(struct capture *cap, const char *text, double delay_ms)
{
	long start = cap->frames->recorded, typed = 0;
	char one[5];
	size_t n;

	while (*text) {
		n = utf8_length((unsigned char)*text);
		if (strnlen(text, n) < n)
			n = strlen(text);
		if (*text == '\n') {
			capture_press(cap, "Enter");
		} else {
			memcpy(one, text, n);
			one[n] = '\0';
			input_insert_text(cap->frames->cdp, cap->frames->session, one);
		}
		text += n;
		typed++;
		record_until(cap, start + lround(typed * delay_ms * cap->fps / 1000));
	}
}

void capture_press(struct capture *cap, const char *text)
{
	struct key_chord chord;
	const char *why;

	if (key_chord_parse(text, &chord, &why) < 0)
		die(EXIT_SYS, "key \"%s\": %s", text, why);
	input_press(cap->frames->cdp, cap->frames->session, &chord);
}

/* --- the actions ---------------------------------------------------- */

static const char *check_pause(const cJSON *a, const char **member)
{
	if (!cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(a, "duration"))) {
		*member = "duration";
		return "missing or not a number";
	}
	return opt_seconds(a, "duration", member);
}

/* A pause is how a spec waits for what runs outside the page (a compiler
 * in VS Code's terminal, a server's answer), and those run on the wall
 * clock: while the page is connected to anything outside (a WebSocket
 * open, a request in flight), the pause lasts at least as long there,
 * however fast the capture is, so what they show is in the video. A page
 * that only the frame clock moves records its pause as fast as it draws. */
static void run_pause(struct capture *cap, const cJSON *a)
{
	cap->real_time = 1;
	capture_record_seconds(cap, json_num(a, "duration", 0));
	cap->real_time = 0;
}

static const char *check_timeout(const cJSON *a, const char **member)
{
	return opt_seconds(a, "timeout", member);
}

/* Wait for NETWORK_QUIET_S without a request, at most limit seconds;
 * recorded (within the wait cap) unless waited is NULL. A page that keeps
 * polling is not an error: it only gets a warning. */
static void wait_network_quiet(struct capture *cap, double limit, long *waited)
{
	double deadline = clock_now() + limit;

	while (!netidle_quiet(cap->net, NETWORK_QUIET_S, clock_now())) {
		/* a void clip's waits need not end; the unrecorded one
		 * before it is recorded again must */
		if (waited && cap->frames->dropping)
			return;
		if (clock_now() > deadline) {
			/* none may be open at this instant of a page
			 * that polls: it is the quiet that never came */
			warn("step %s: %s: the network was never quiet for %.1f s within %.1f s "
			     "(%d requests open); going on", cap->id, cap->where, NETWORK_QUIET_S,
			     limit, cap->net->count);
			return;
		}
		if (waited) {
			capture_wait_frame(cap, waited);
		} else {
			frames_pace(cap->frames);
			frames_step(cap->frames, 0);
		}
	}
}

int capture_confirm_quiet(struct capture *cap)
{
	double left = cap->net->assumed_until - clock_now();
	const char *err;
	cJSON *p;
	int overtaken = 0;

	if (cap->frames->dropping)
		return 0;
	if (!cap->net->assumed_until)
		return 1;
	if (left > 0) {
		/* frames recorded less far ahead than the rest of the half
		 * second: after the wait the next would jump ahead in the
		 * page's time, which a clip recorded after it would not */
		overtaken = cap->frames->recorded > 0 && frames_lead(cap->frames) < left;
		clock_sleep(left);
	}
	/* a round trip through the page brings any event from before; an
	 * error (a page between documents) is as good an answer */
	p = cJSON_CreateObject();
	cJSON_AddStringToObject(p, "expression", "0");
	cJSON_Delete(cdp_call(cap->frames->cdp, cap->frames->session, "Runtime.evaluate", p,
			      &err));
	if (netidle_end_assumption(cap->net) && !overtaken) {
		frames_release(cap->frames);
		return 1;
	}
	frames_discard(cap->frames);
	return 0;
}

void capture_settle_network(struct capture *cap, double limit, int ahead)
{
	if (ahead)
		netidle_assume_quiet(cap->net, NETWORK_QUIET_S);
	wait_network_quiet(cap, fmin(limit, NETWORK_IDLE_CAP_S), NULL);
}

/* The page was loaded before recording began; this waits for whatever a
 * navigation since left loading, then for the network to go quiet. */
static void run_wait_for_load(struct capture *cap, const cJSON *a)
{
	double timeout = wait_timeout(cap, a), start = wait_start(cap);
	double idle_cap = fmin(timeout, NETWORK_IDLE_CAP_S);
	long waited = 0;
	char *state;

	for (;;) {
		state = page_document(cap->page, "readyState");
		if (!strcmp(state, "complete") || cap->frames->dropping)
			break;
		free(state);
		if (clock_now() - start > timeout)
			capture_fail(cap, EXIT_TIMEOUT, "the page did not finish loading within %g s",
				     timeout);
		capture_wait_frame(cap, &waited);
	}
	free(state);
	wait_network_quiet(cap, idle_cap - (clock_now() - start), &waited);
	/* a click may have loaded a new document, without the cursor */
	cursor_restore(cap);
}

static const char *check_selector(const cJSON *a, const char **member)
{
	const char *why = need_string(a, "selector", member);

	return why ? why : check_timeout(a, member);
}

static void run_click_selector(struct capture *cap, const cJSON *a)
{
	double x, y;

	capture_element_centre(cap, str_member(a, "selector"), wait_timeout(cap, a), &x, &y);
	/* the pointer arrives (hover styles show on the way), then clicks */
	cursor_glide(cap, x, y);
	cursor_click(cap);
}

static void run_hover(struct capture *cap, const cJSON *a)
{
	double x, y;

	capture_element_centre(cap, str_member(a, "selector"), wait_timeout(cap, a), &x, &y);
	cursor_glide(cap, x, y);
	/* the hover styles show one frame after the pointer arrives */
	frames_step(cap->frames, 1);
}

static const char *check_type_text(const cJSON *a, const char **member)
{
	const char *why;

	*member = "text";
	if (!str_member(a, "text"))
		return "missing or not a string";
	if (cJSON_GetObjectItemCaseSensitive(a, "selector") &&
	    (why = need_string(a, "selector", member)))
		return why;
	if ((why = check_timeout(a, member)))
		return why;
	return opt_seconds(a, "delay", member);
}

static void run_type_text(struct capture *cap, const cJSON *a)
{
	const char *selector = str_member(a, "selector");

	/* a field named by the action gets clicked first, as a person would */
	if (selector)
		run_click_selector(cap, a);
	capture_type(cap, str_member(a, "text"), json_num(a, "delay", DEFAULT_TYPE_DELAY_MS));
}

static const char *check_press_key(const cJSON *a, const char **member)
{
	struct key_chord chord;
	const char *why;

	if ((why = need_string(a, "key", member)))
		return why;
	if (key_chord_parse(str_member(a, "key"), &chord, &why) < 0)
		return why;
	return NULL;
}

static void run_press_key(struct capture *cap, const cJSON *a)
{
	if (strcmp(str_member(a, "key"), "Enter") == 0)
		vscode_settle_quick_input(cap);
	capture_press(cap, str_member(a, "key"));
}

static const char *check_wait_for_selector(const cJSON *a, const char **member)
{
	const char *state = str_member(a, "state"), *why;

	if ((why = need_string(a, "selector", member)))
		return why;
	*member = "state";
	if (cJSON_GetObjectItemCaseSensitive(a, "state") &&
	    (!state || (strcmp(state, "visible") && strcmp(state, "hidden") &&
			strcmp(state, "attached") && strcmp(state, "detached"))))
		return "must be \"visible\", \"hidden\", \"attached\" or \"detached\"";
	return opt_seconds(a, "timeout", member);
}

static void wait_for(struct capture *cap, const cJSON *a, const char *state)
{
	const char *selector = str_member(a, "selector");
	double timeout = wait_timeout(cap, a);

	if (!capture_wait_state(cap, selector, state, timeout))
		capture_fail(cap, EXIT_TIMEOUT, "\"%s\" not %s after %g s", selector, state,
			     timeout);
}

static void run_wait_for_selector(struct capture *cap, const cJSON *a)
{
	const char *state = str_member(a, "state");

	wait_for(cap, a, state ? state : "visible");
}

static void run_wait_for_hidden(struct capture *cap, const cJSON *a)
{
	wait_for(cap, a, "hidden");
}

static const char *check_select(const cJSON *a, const char **member)
{
	const char *why = need_string(a, "selector", member);

	*member = "value";
	if (!why && !str_member(a, "value"))
		why = "missing or not a string";
	return why ? why : check_timeout(a, member);
}

/* The pointer goes to the list, the choice is made; the browser's own
 * drop-down is not drawn in a headless page, so it is not opened. */
static void run_select(struct capture *cap, const cJSON *a)
{
	const char *selector = str_member(a, "selector");
	double x, y;

	capture_element_centre(cap, selector, wait_timeout(cap, a), &x, &y);
	cursor_glide(cap, x, y);
	if (page_select(cap->page, selector, str_member(a, "value")) <= 0)
		capture_fail(cap, EXIT_FAIL, "%s", cap->page->err);
	frames_step(cap->frames, 1);
}

static const char *check_eval(const cJSON *a, const char **member)
{
	const char *why = need_string(a, "expression", member);

	return why ? why : check_timeout(a, member);
}

/* A promise is waited for a frame at a time, as any wait: it may need a
 * frame to settle (requestAnimationFrame), and the wait shows. */
static void run_eval(struct capture *cap, const cJSON *a)
{
	double timeout = wait_timeout(cap, a), deadline = clock_now() + timeout;
	long waited = 0;
	int settled;

	settled = page_eval(cap->page, str_member(a, "expression"));
	if (settled < 0)
		capture_fail(cap, EXIT_FAIL, "the expression threw: %s", cap->page->err);
	if (settled == 0)
		return;
	while ((settled = page_eval_settled(cap->page)) == 0) {
		if (clock_now() > deadline)
			capture_fail(cap, EXIT_TIMEOUT, "the expression's promise did not settle "
				     "within %g s", timeout);
		capture_wait_frame(cap, &waited);
	}
	if (settled < 0)
		capture_fail(cap, EXIT_FAIL, "the expression's promise was rejected: %s",
			     cap->page->err);
}

/* Scrolling speeds in pixels per second. */
static const struct {
	const char *name;
	double px_per_s;
} scroll_speeds[] = {
	{ "slow", 250 }, { "medium", 500 }, { "fast", 1000 },
};


static double scroll_speed(const cJSON *a)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(a, "speed");
	size_t i;

	if (cJSON_IsNumber(v))
		return v->valuedouble;
	for (i = 0; i < LEN(scroll_speeds); i++)
		if (cJSON_IsString(v) && !strcmp(v->valuestring, scroll_speeds[i].name))
			return scroll_speeds[i].px_per_s;
	return scroll_speeds[1].px_per_s;
}

static const char *check_scroll(const cJSON *a, const char **member)
{
	const cJSON *to = cJSON_GetObjectItemCaseSensitive(a, "to");
	const cJSON *speed = cJSON_GetObjectItemCaseSensitive(a, "speed");
	size_t i;

	*member = "to";
	if (to && !(cJSON_IsNumber(to) && to->valuedouble >= 0) &&
	    !(cJSON_IsString(to) && (!strcmp(to->valuestring, "top") ||
				     !strcmp(to->valuestring, "bottom"))))
		return "must be \"top\", \"bottom\" or a pixel offset >= 0";
	*member = "speed";
	if (cJSON_IsNumber(speed) && speed->valuedouble > 0)
		return opt_seconds(a, "pause_at_bottom", member);
	for (i = 0; speed && i < LEN(scroll_speeds); i++)
		if (cJSON_IsString(speed) && !strcmp(speed->valuestring, scroll_speeds[i].name))
			break;
	if (speed && i == LEN(scroll_speeds))
		return "must be \"slow\", \"medium\", \"fast\" or pixels per second > 0";
	return opt_seconds(a, "pause_at_bottom", member);
}

/* Eased from rest to rest over whole frames; the average speed is the
 * spec's, so the duration is distance / speed. Without "to", the bottom. */
static void run_scroll(struct capture *cap, const cJSON *a)
{
	const cJSON *to = cJSON_GetObjectItemCaseSensitive(a, "to");
	double from, max, target, progress;
	long i, steps;

	page_scroll_range(cap->page, &from, &max);
	if (cJSON_IsNumber(to))
		target = fmin(to->valuedouble, max);
	else
		target = to && !strcmp(to->valuestring, "top") ? 0 : max;
	steps = (long)ceil(fabs(target - from) / scroll_speed(a) * cap->fps);
	for (i = 1; i <= steps; i++) {
		progress = (1 - cos(M_PI * i / steps)) / 2;
		page_scroll_to(cap->page, from + (target - from) * progress);
		frames_step(cap->frames, 1);
	}
	capture_record_seconds(cap, json_num(a, "pause_at_bottom", 0));
}

struct action {
	const char *type;
	/* NULL when a is fine; else what is wrong, with *member naming where */
	const char *(*check)(const cJSON *a, const char **member);
	void (*run)(struct capture *cap, const cJSON *a);
	/* it only watches and records: the page gets no input from it, so
	 * what it recorded can be thrown away and recorded again */
	int watches;
};

static const struct action action_table[] = {
	{ "pause", check_pause, run_pause, 1 },
	{ "wait_for_load", check_timeout, run_wait_for_load, 1 },
	{ "click_selector", check_selector, run_click_selector, 0 },
	{ "hover", check_selector, run_hover, 0 },
	{ "type_text", check_type_text, run_type_text, 0 },
	{ "press_key", check_press_key, run_press_key, 0 },
	{ "scroll", check_scroll, run_scroll, 0 },
	{ "wait_for_selector", check_wait_for_selector, run_wait_for_selector, 1 },
	{ "wait_for_hidden", check_selector, run_wait_for_hidden, 1 },
	{ "select", check_select, run_select, 0 },
	{ "eval", check_eval, run_eval, 0 },
	{ "focus_editor", NULL, vscode_focus_editor, 0 },
	{ "select_all_and_delete", NULL, vscode_select_all_and_delete, 0 },
	{ "command_palette", vscode_check_command_palette, vscode_command_palette, 0 },
	{ "terminal_type", vscode_check_terminal_type, vscode_terminal_type, 0 },
	{ "highlight_lines", vscode_check_highlight_lines, vscode_highlight_lines, 0 },
	{ "hide_secondary_sidebar", NULL, vscode_hide_secondary_sidebar, 0 },
	{ "dismiss_popups", NULL, vscode_dismiss_popups, 0 },
};

/* --- running the list ----------------------------------------------- */

static const struct action *find_action(const char *type)
{
	size_t i;

	for (i = 0; type && i < LEN(action_table); i++)
		if (!strcmp(action_table[i].type, type))
			return &action_table[i];
	return NULL;
}

void actions_check(const char *id, const cJSON *actions)
{
	const struct action *act;
	const cJSON *a;
	const char *type, *member, *why;
	int n = 0;

	if (actions && !cJSON_IsArray(actions))
		die(EXIT_USAGE, "steps[%s].actions: not an array", id);
	cJSON_ArrayForEach(a, actions) {
		type = str_member(a, "type");
		if (!cJSON_IsObject(a) || !type)
			die(EXIT_USAGE, "steps[%s].actions[%d].type: missing or not a string",
			    id, n);
		if (!(act = find_action(type)))
			die(EXIT_USAGE, "steps[%s].actions[%d]: unknown action \"%s\"", id, n, type);
		if (act->check && (why = act->check(a, &member)))
			die(EXIT_USAGE, "steps[%s].actions[%d].%s: %s", id, n, member, why);
		n++;
	}
}

void scroll_check(const char *id, const cJSON *scroll)
{
	const char *member, *why;

	if (!cJSON_IsObject(scroll))
		die(EXIT_USAGE, "steps[%s].scroll: not an object", id);
	if ((why = check_scroll(scroll, &member)))
		die(EXIT_USAGE, "steps[%s].scroll.%s: %s", id, member, why);
}

/* What the automatic camera looks at while an action runs: the element
 * clicked, hovered, chosen or typed into; VS Code's caret while typing
 * there, its terminal while a command runs; the full page while one
 * loads. Other actions (pauses, keys, scrolls) leave it where it is. */
static void aim_for(struct capture *cap, const char *type, const cJSON *a)
{
	/* typing without a selector goes where the focus is: in VS Code's
	 * editor its caret (the focused element there is a hidden one), in
	 * Quick Open or a page's field, the field */
	static const char *const typing[] = { VSCODE_CARET, ":focus", NULL };
	struct camera *c = cap->frames->camera;
	long frame = cap->frames->recorded;

	if (!c || !c->follows)
		return;
	free(c->selector[0]);
	c->selector[0] = NULL;
	if (!strcmp(type, "wait_for_load")) {
		camera_track(c, frame, NULL, FRAME_WHOLE);
		camera_aim(c, frame, 1, cap->width / 2.0, cap->height / 2.0);
	} else if (!strcmp(type, "click_selector") || !strcmp(type, "hover") ||
		   !strcmp(type, "select") ||
		   (!strcmp(type, "type_text") && str_member(a, "selector"))) {
		c->selector[0] = estrdup(str_member(a, "selector"));
		camera_track(c, frame, (const char *const *)c->selector, FRAME_WHOLE);
	} else if (!strcmp(type, "type_text") || !strcmp(type, "focus_editor") ||
		   !strcmp(type, "highlight_lines") || !strcmp(type, "select_all_and_delete")) {
		camera_track(c, frame, typing, FRAME_WHOLE);
	} else if (!strcmp(type, "terminal_type")) {
		camera_track(c, frame, vscode_terminal_targets, FRAME_START);
	}
}

int actions_run(struct capture *cap, const cJSON *actions)
{
	const struct action *act;
	const cJSON *a;
	const char *type;
	int n = 0;

	cJSON_ArrayForEach(a, actions) {
		type = str_member(a, "type");
		act = find_action(type);
		/* input is given to a page known to be loaded */
		if (!act->watches && !capture_confirm_quiet(cap))
			return 0;
		snprintf(cap->where, sizeof cap->where, "actions[%d] (%s)", n++, type);
		aim_for(cap, type, a);
		act->run(cap, a);
	}
	return 1;
}

int scroll_run(struct capture *cap, const cJSON *scroll)
{
	if (!capture_confirm_quiet(cap))
		return 0;
	snprintf(cap->where, sizeof cap->where, "scroll");
	run_scroll(cap, scroll);
	return 1;
}
