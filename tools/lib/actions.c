/* actions.c - one handler per action type, in a table: adding one of the
 * seed's remaining actions is a check function, a run function, a row. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "actions.h"
#include "input.h"
#include "json.h"
#include "keys.h"
#include "util.h"

#define DEFAULT_TYPE_DELAY_MS 50

struct action {
	const char *type;
	/* NULL when a is fine; else what is wrong, with *member naming where */
	const char *(*check)(const cJSON *a, const char **member);
	void (*run)(struct capture *cap, const cJSON *a);
};

/* --- shared pieces -------------------------------------------------- */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void record_until(struct capture *cap, long frame_count)
{
	while (cap->frames->recorded < frame_count)
		frames_step(cap->frames, 1);
}

static void record_seconds(struct capture *cap, double seconds)
{
	record_until(cap, cap->frames->recorded + lround(seconds * cap->fps));
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

/* Poll once per recorded frame until selector is in state; wall-clock
 * bounded, because pages load on the wall clock. Returns 0 on timeout. */
static int wait_state(struct capture *cap, const char *selector, const char *state,
		      double timeout)
{
	double deadline = now_s() + timeout;
	int ok;

	while ((ok = page_selector_state(cap->page, selector, state)) == 0) {
		if (now_s() > deadline)
			return 0;
		frames_step(cap->frames, 1);
	}
	if (ok < 0)
		selector_error(cap, selector);
	return 1;
}

/* An action's own timeout (ms) or the step's (s). */
static double wait_timeout(const struct capture *cap, const cJSON *a)
{
	const cJSON *ms = cJSON_GetObjectItemCaseSensitive(a, "timeout");

	return cJSON_IsNumber(ms) ? ms->valuedouble / 1000 : cap->timeout;
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

static void run_pause(struct capture *cap, const cJSON *a)
{
	record_seconds(cap, json_num(a, "duration", 0));
}

/* The page was loaded before recording began. */
static void run_wait_for_load(struct capture *cap, const cJSON *a)
{
}

static const char *check_selector(const cJSON *a, const char **member)
{
	return need_string(a, "selector", member);
}

static void run_click_selector(struct capture *cap, const cJSON *a)
{
	const char *selector = str_member(a, "selector");
	double deadline = now_s() + cap->timeout, x, y;
	int found;

	while ((found = page_element_centre(cap->page, selector, &x, &y)) == 0) {
		if (now_s() > deadline)
			die(EXIT_FAIL, "step %s: %s: no element matches \"%s\"", cap->id,
			    cap->where, selector);
		frames_step(cap->frames, 1);
	}
	if (found < 0)
		selector_error(cap, selector);
	/* the pointer arrives, a frame passes (hover styles show), it clicks */
	input_mouse_move(cap->frames->cdp, cap->frames->session, x, y);
	frames_step(cap->frames, 1);
	input_click(cap->frames->cdp, cap->frames->session, x, y);
}

static const char *check_type_text(const cJSON *a, const char **member)
{
	*member = "text";
	if (!str_member(a, "text"))
		return "missing or not a string";
	return opt_seconds(a, "delay", member);
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

/* One character every delay ms: the frame a character is due in is
 * computed from the action's start, so no rounding error builds up. */
static void run_type_text(struct capture *cap, const cJSON *a)
{
	const char *text = str_member(a, "text");
	double delay = json_num(a, "delay", DEFAULT_TYPE_DELAY_MS) / 1000;
	long start = cap->frames->recorded, typed = 0;
	struct key_chord enter;
	const char *why;
	char one[5];
	size_t n;

	key_chord_parse("Enter", &enter, &why);
	while (*text) {
		n = utf8_length((unsigned char)*text);
		if (strnlen(text, n) < n)
			n = strlen(text);
		if (*text == '\n') {
			input_press(cap->frames->cdp, cap->frames->session, &enter);
		} else {
			memcpy(one, text, n);
			one[n] = '\0';
			input_insert_text(cap->frames->cdp, cap->frames->session, one);
		}
		text += n;
		typed++;
		record_until(cap, start + lround(typed * delay * cap->fps));
	}
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
	struct key_chord chord;
	const char *why;

	key_chord_parse(str_member(a, "key"), &chord, &why);
	input_press(cap->frames->cdp, cap->frames->session, &chord);
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

	if (!wait_state(cap, selector, state, timeout))
		die(EXIT_TIMEOUT, "step %s: %s: \"%s\" not %s after %g s", cap->id,
		    cap->where, selector, state, timeout);
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

/* Scrolling speeds in pixels per second. */
static const struct {
	const char *name;
	double px_per_s;
} scroll_speeds[] = {
	{ "slow", 250 }, { "medium", 500 }, { "fast", 1000 },
};

#define LEN(a) (sizeof(a) / sizeof((a)[0]))

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
	if (!(cJSON_IsNumber(to) && to->valuedouble >= 0) &&
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
 * spec's, so the duration is distance / speed. */
static void run_scroll(struct capture *cap, const cJSON *a)
{
	const cJSON *to = cJSON_GetObjectItemCaseSensitive(a, "to");
	double from, max, target, progress;
	long i, steps;

	page_scroll_range(cap->page, &from, &max);
	if (cJSON_IsNumber(to))
		target = fmin(to->valuedouble, max);
	else
		target = strcmp(to->valuestring, "top") ? max : 0;
	steps = (long)ceil(fabs(target - from) / scroll_speed(a) * cap->fps);
	for (i = 1; i <= steps; i++) {
		progress = (1 - cos(M_PI * i / steps)) / 2;
		page_scroll_to(cap->page, from + (target - from) * progress);
		frames_step(cap->frames, 1);
	}
	record_seconds(cap, json_num(a, "pause_at_bottom", 0));
}

static const struct action action_table[] = {
	{ "pause", check_pause, run_pause },
	{ "wait_for_load", NULL, run_wait_for_load },
	{ "click_selector", check_selector, run_click_selector },
	{ "type_text", check_type_text, run_type_text },
	{ "press_key", check_press_key, run_press_key },
	{ "scroll", check_scroll, run_scroll },
	{ "wait_for_selector", check_wait_for_selector, run_wait_for_selector },
	{ "wait_for_hidden", check_selector, run_wait_for_hidden },
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
			die(EXIT_USAGE, "steps[%s].actions[%d]: action \"%s\" is not supported yet",
			    id, n, type);
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

void actions_run(struct capture *cap, const cJSON *actions)
{
	const cJSON *a;
	const char *type;
	int n = 0;

	cJSON_ArrayForEach(a, actions) {
		type = str_member(a, "type");
		snprintf(cap->where, sizeof cap->where, "actions[%d] (%s)", n++, type);
		find_action(type)->run(cap, a);
	}
}

void scroll_run(struct capture *cap, const cJSON *scroll)
{
	snprintf(cap->where, sizeof cap->where, "scroll");
	run_scroll(cap, scroll);
}
