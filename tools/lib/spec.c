/* spec.c - tour spec validation against the seed tool's format
 *
 * Each part of the spec is described by a table of fields; one walker checks
 * any object against its table, so adding a setting or an action is one line.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "spec.h"
#include "stepid.h"
#include "utf8.h"
#include "util.h"

enum kind {
	K_STRING,   /* any string */
	K_TEXT,     /* non-blank string */
	K_NUMBER,   /* number within [min, max] */
	K_INTEGER,  /* whole number within [min, max] */
	K_BOOL,
	K_ENUM,     /* one of the '|'-separated words in choices */
	K_SIZE,     /* {"width": int, "height": int} */
	K_SCROLLTO, /* "top", "bottom" or a pixel offset */
	K_BITRATE,  /* "192k" */
	K_STRINGS,  /* array of strings */
	K_OBJECT,   /* checked by its own walker */
	K_ARRAY,    /* checked by its own walker */
};

struct field {
	const char *key;
	enum kind kind;
	int required;
	double min, max;
	const char *choices;
};

struct ctx {
	const cJSON *spec;
	char *err;
	size_t errlen;
	void (*warn_unknown)(const char *path);
};

#define END { NULL, 0, 0, 0, 0, NULL }

static const struct field meta_fields[] = {
	{ "title", K_STRING, 0, 0, 0, NULL },
	{ "description", K_STRING, 0, 0, 0, NULL },
	{ "target_duration_seconds", K_NUMBER, 0, 1, 86400, NULL },
	{ "max_duration_seconds", K_NUMBER, 0, 1, 86400, NULL },
	END
};

static const struct field settings_fields[] = {
	{ "viewport", K_SIZE, 0, 0, 0, NULL },
	{ "video_size", K_SIZE, 0, 0, 0, NULL },
	{ "voice", K_TEXT, 0, 0, 0, NULL },
	{ "speech_speed", K_NUMBER, 0, 0.25, 4, NULL },
	{ "language", K_TEXT, 0, 0, 0, NULL },
	{ "default_step_timeout", K_NUMBER, 0, 1, 3600, NULL },
	{ "max_retries_per_step", K_INTEGER, 0, 0, 10, NULL },
	{ "browser", K_ENUM, 0, 0, 0, "chromium" },
	{ "mode", K_ENUM, 0, 0, 0, "independent|continuous" },
	{ "preloader_selector", K_TEXT, 0, 0, 0, NULL },
	{ "f5_ref_audio", K_TEXT, 0, 0, 0, NULL },
	{ "f5_ref_text", K_TEXT, 0, 0, 0, NULL },
	{ "f5_seed", K_INTEGER, 0, 0, 4294967295.0, NULL },
	{ "f5_nfe_step", K_INTEGER, 0, 1, 128, NULL },
	{ "fps", K_INTEGER, 0, 1, 120, NULL },
	{ "lead_in", K_NUMBER, 0, 0, 10, NULL },
	{ "tail", K_NUMBER, 0, 0, 10, NULL },
	{ "cursor", K_BOOL, 0, 0, 0, NULL },
	{ "max_wait_seconds", K_NUMBER, 0, 0, 60, NULL },
	{ "editor_font_size", K_INTEGER, 0, 6, 72, NULL },
	{ "editor_theme", K_TEXT, 0, 0, 0, NULL },
	{ "zoom", K_ENUM, 0, 0, 0, "off|auto|mobile" },
	END
};

static const struct field output_fields[] = {
	{ "path", K_TEXT, 0, 0, 0, NULL },
	{ "format", K_ENUM, 0, 0, 0, "mp4" },
	{ "video_codec", K_TEXT, 0, 0, 0, NULL },
	{ "video_preset", K_ENUM, 0, 0, 0,
	  "ultrafast|superfast|veryfast|faster|fast|medium|slow|slower|veryslow" },
	{ "video_crf", K_INTEGER, 0, 0, 51, NULL },
	{ "audio_codec", K_TEXT, 0, 0, 0, NULL },
	{ "audio_bitrate", K_BITRATE, 0, 0, 0, NULL },
	{ "loudnorm", K_BOOL, 0, 0, 0, NULL },
	{ "intro_clip", K_TEXT, 0, 0, 0, NULL },
	{ "outro_clip", K_TEXT, 0, 0, 0, NULL },
	END
};

static const struct field step_fields[] = {
	{ "id", K_STRING, 1, 0, 0, NULL },
	{ "title", K_TEXT, 0, 0, 0, NULL },
	{ "url", K_TEXT, 1, 0, 0, NULL },
	{ "narration", K_TEXT, 1, 0, 0, NULL },
	{ "actions", K_ARRAY, 0, 0, 0, NULL },
	{ "assertions", K_ARRAY, 0, 0, 0, NULL },
	{ "scroll", K_OBJECT, 0, 0, 0, NULL },
	{ "zoom", K_OBJECT, 0, 0, 0, NULL },
	END
};

/* The camera of one step; the centre is checked against the video's size
 * apart, as the table knows no sizes. */
static const struct field zoom_fields[] = {
	{ "focus", K_ENUM, 0, 0, 0, "full|editor|terminal" },
	{ "z", K_NUMBER, 0, 1, 4, NULL },
	{ "cx", K_NUMBER, 0, 0, 7680, NULL },
	{ "cy", K_NUMBER, 0, 0, 4320, NULL },
	{ "transition_ms", K_NUMBER, 0, 0, 10000, NULL },
	{ "selector", K_TEXT, 0, 0, 0, NULL },
	END
};

/* "to" is optional: a bare {"type":"scroll"} goes to the bottom. */
#define SCROLL_FIELDS \
	{ "to", K_SCROLLTO, 0, 0, 0, NULL }, \
	{ "speed", K_ENUM, 0, 0, 0, "slow|medium|fast" }, \
	{ "pause_at_bottom", K_NUMBER, 0, 0, 600, NULL }

static const struct field scroll_fields[] = { SCROLL_FIELDS, END };

#define TYPE { "type", K_STRING, 1, 0, 0, NULL }
#define SELECTOR { "selector", K_TEXT, 1, 0, 0, NULL }
#define TIMEOUT_MS { "timeout", K_NUMBER, 0, 0, 3600000, NULL }

static const struct field a_none[] = { TYPE, END };
static const struct field a_load[] = { TYPE, TIMEOUT_MS, END };
static const struct field a_wait_selector[] = {
	TYPE, SELECTOR, TIMEOUT_MS,
	{ "state", K_ENUM, 0, 0, 0, "visible|hidden|attached" }, END
};
static const struct field a_selector[] = { TYPE, SELECTOR, TIMEOUT_MS, END };
static const struct field a_pause[] = { TYPE, { "duration", K_NUMBER, 1, 0, 600, NULL }, END };
static const struct field a_key[] = { TYPE, { "key", K_TEXT, 1, 0, 0, NULL }, END };
static const struct field a_type[] = {
	TYPE, { "text", K_STRING, 1, 0, 0, NULL },
	{ "delay", K_NUMBER, 0, 0, 5000, NULL },
	{ "selector", K_TEXT, 0, 0, 0, NULL }, TIMEOUT_MS, END
};
static const struct field a_palette[] = { TYPE, { "command", K_TEXT, 1, 0, 0, NULL }, END };
static const struct field a_terminal[] = {
	TYPE, { "text", K_STRING, 1, 0, 0, NULL },
	{ "press_enter", K_BOOL, 0, 0, 0, NULL },
	{ "delay", K_NUMBER, 0, 0, 5000, NULL }, END
};
static const struct field a_lines[] = {
	TYPE, { "from_line", K_INTEGER, 1, 1, 1e9, NULL },
	{ "to_line", K_INTEGER, 1, 1, 1e9, NULL }, END
};
static const struct field a_scroll[] = { TYPE, SCROLL_FIELDS, END };
static const struct field a_select[] = {
	TYPE, SELECTOR, { "value", K_STRING, 1, 0, 0, NULL }, TIMEOUT_MS, END
};
static const struct field a_eval[] = {
	TYPE, { "expression", K_TEXT, 1, 0, 0, NULL }, TIMEOUT_MS, END
};

static const struct action_kind {
	const char *type;
	const struct field *fields;
} actions[] = {
	{ "wait_for_load", a_load },
	{ "wait_for_selector", a_wait_selector },
	{ "wait_for_hidden", a_selector },
	{ "pause", a_pause },
	{ "press_key", a_key },
	{ "type_text", a_type },
	{ "click_selector", a_selector },
	{ "focus_editor", a_none },
	{ "select_all_and_delete", a_none },
	{ "command_palette", a_palette },
	{ "terminal_type", a_terminal },
	{ "highlight_lines", a_lines },
	{ "hide_secondary_sidebar", a_none },
	{ "dismiss_popups", a_none },
	{ "scroll", a_scroll },
	{ "hover", a_selector },
	{ "select", a_select },
	{ "eval", a_eval },
};

static const struct field as_value[] = { TYPE, { "value", K_TEXT, 1, 0, 0, NULL }, END };
static const struct field as_selector[] = { TYPE, SELECTOR, TIMEOUT_MS, END };

static const struct action_kind assertion_kinds[] = {
	{ "url_contains", as_value },
	{ "title_contains", as_value },
	{ "element_visible", as_selector },
};


static int fail(struct ctx *c, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct ctx *c, const char *path, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verrorf(c->err, c->errlen, path, fmt, ap);
	va_end(ap);
	return -1;
}

static const char *type_name(const cJSON *v)
{
	if (cJSON_IsString(v))
		return "a string";
	if (cJSON_IsNumber(v))
		return "a number";
	if (cJSON_IsBool(v))
		return "a boolean";
	if (cJSON_IsNull(v))
		return "null";
	if (cJSON_IsArray(v))
		return "an array";
	return "an object";
}

static int is_blank(const char *s)
{
	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return 0;
	return 1;
}

static int in_choices(const char *word, const char *choices)
{
	size_t len = strlen(word);
	const char *p = choices;

	while (p) {
		const char *bar = strchr(p, '|');
		size_t n = bar ? (size_t)(bar - p) : strlen(p);
		if (n == len && strncmp(p, word, n) == 0)
			return 1;
		p = bar ? bar + 1 : NULL;
	}
	return 0;
}

static void choices_list(const char *choices, char *buf, size_t len)
{
	size_t o = 0;
	const char *p;

	for (p = choices; *p && o + 4 < len; p++) {
		if (*p == '|') {
			buf[o++] = ',';
			buf[o++] = ' ';
		} else {
			buf[o++] = *p;
		}
	}
	buf[o] = '\0';
}

static int check_range(struct ctx *c, const char *path, const struct field *f, double v)
{
	if (f->kind == K_INTEGER && v != floor(v))
		return fail(c, path, "expected a whole number, got %g", v);
	if (v < f->min || v > f->max)
		return fail(c, path, "%g is out of range: use a value from %g to %g",
			    v, f->min, f->max);
	return 0;
}

static int check_size(struct ctx *c, const char *path, const cJSON *v)
{
	static const struct field dims[] = {
		{ "width", K_INTEGER, 1, 16, 7680, NULL },
		{ "height", K_INTEGER, 1, 16, 4320, NULL },
	};
	char sub[256];
	size_t i;

	if (!cJSON_IsObject(v))
		return fail(c, path, "expected an object like {\"width\": 1280, \"height\": 720}, got %s",
			    type_name(v));
	for (i = 0; i < LEN(dims); i++) {
		const cJSON *d = cJSON_GetObjectItemCaseSensitive(v, dims[i].key);
		snprintf(sub, sizeof sub, "%s.%s", path, dims[i].key);
		if (!d)
			return fail(c, path, "missing \"%s\"", dims[i].key);
		if (!cJSON_IsNumber(d))
			return fail(c, sub, "expected a number, got %s", type_name(d));
		if (check_range(c, sub, &dims[i], d->valuedouble) < 0)
			return -1;
		if ((int)d->valuedouble % 2 != 0)
			return fail(c, sub, "%d is odd: H.264 in yuv420p needs even sizes",
				    (int)d->valuedouble);
	}
	return 0;
}

static int check_value(struct ctx *c, const char *path, const struct field *f, const cJSON *v)
{
	char list[256];
	const cJSON *item;
	size_t n;
	int i = 0;

	switch (f->kind) {
	case K_STRING:
	case K_TEXT:
		if (!cJSON_IsString(v))
			return fail(c, path, "expected a string, got %s", type_name(v));
		if (f->kind == K_TEXT && is_blank(v->valuestring))
			return fail(c, path, "is empty");
		return 0;
	case K_NUMBER:
	case K_INTEGER:
		if (!cJSON_IsNumber(v))
			return fail(c, path, "expected a number, got %s", type_name(v));
		return check_range(c, path, f, v->valuedouble);
	case K_BOOL:
		if (!cJSON_IsBool(v))
			return fail(c, path, "expected true or false, got %s", type_name(v));
		return 0;
	case K_ENUM:
		choices_list(f->choices, list, sizeof list);
		if (!cJSON_IsString(v))
			return fail(c, path, "expected one of: %s; got %s", list, type_name(v));
		if (!in_choices(v->valuestring, f->choices))
			return fail(c, path, "\"%s\" is not one of: %s", v->valuestring, list);
		return 0;
	case K_SIZE:
		return check_size(c, path, v);
	case K_SCROLLTO:
		if (cJSON_IsNumber(v)) {
			if (v->valuedouble < 0 || v->valuedouble > 1e7)
				return fail(c, path, "%g is out of range: use a pixel offset from 0 to 10000000",
					    v->valuedouble);
			return 0;
		}
		if (cJSON_IsString(v) && in_choices(v->valuestring, "top|bottom"))
			return 0;
		return fail(c, path, "expected \"top\", \"bottom\" or a pixel offset");
	case K_BITRATE:
		if (!cJSON_IsString(v))
			return fail(c, path, "expected a string like \"192k\", got %s", type_name(v));
		n = strspn(v->valuestring, "0123456789");
		if (n == 0 || (v->valuestring[n] != '\0' &&
			       (strchr("kKmM", v->valuestring[n]) == NULL || v->valuestring[n + 1] != '\0')))
			return fail(c, path, "\"%s\" is not a bitrate: write it like \"192k\"",
				    v->valuestring);
		return 0;
	case K_STRINGS:
		if (!cJSON_IsArray(v))
			return fail(c, path, "expected an array of strings, got %s", type_name(v));
		cJSON_ArrayForEach(item, v) {
			if (!cJSON_IsString(item))
				return fail(c, path, "item %d: expected a string, got %s", i, type_name(item));
			i++;
		}
		return 0;
	case K_OBJECT:
		if (!cJSON_IsObject(v))
			return fail(c, path, "expected an object, got %s", type_name(v));
		return 0;
	case K_ARRAY:
		if (!cJSON_IsArray(v))
			return fail(c, path, "expected an array, got %s", type_name(v));
		return 0;
	}
	return 0;
}

/* "settings" + "voice" -> "settings.voice"; at the top level just "voice". */
static void join_path(char *buf, size_t len, const char *path, const char *key)
{
	snprintf(buf, len, *path ? "%s.%s" : "%s%s", path, key);
}

/* Check obj against fields: known members by type and range, required ones
 * present, unknown ones reported but accepted. */
static int check_object(struct ctx *c, const char *path, const cJSON *obj,
			const struct field *fields)
{
	const struct field *f;
	const cJSON *m;
	char sub[512];

	if (!cJSON_IsObject(obj))
		return fail(c, path, "expected an object, got %s", type_name(obj));
	for (f = fields; f->key; f++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, f->key);
		join_path(sub, sizeof sub, path, f->key);
		if (!v) {
			if (f->required)
				return fail(c, path, "missing \"%s\" (required)", f->key);
			continue;
		}
		if (check_value(c, sub, f, v) < 0)
			return -1;
	}
	cJSON_ArrayForEach(m, obj) {
		for (f = fields; f->key; f++)
			if (strcmp(f->key, m->string) == 0)
				break;
		if (!f->key && c->warn_unknown) {
			join_path(sub, sizeof sub, path, m->string);
			c->warn_unknown(sub);
		}
	}
	return 0;
}

/* Edit distance, to suggest the action the author probably meant. */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t row[64];

	if (lb >= LEN(row))
		return (size_t)-1;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t up = row[j], best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag = up;
			row[j] = best;
		}
	}
	return row[lb];
}

/* How far a typed name is from a known one: its edit distance to the whole
 * name, or to the name's start when the author typed a shortened form
 * ("clik" for "click_selector"). */
static size_t likeness(const char *typed, const char *known)
{
	size_t full = distance(typed, known), len = strlen(typed), part;
	char start[64];

	if (len < 3 || len >= strlen(known) || len >= sizeof start)
		return full;
	memcpy(start, known, len);
	start[len] = '\0';
	part = distance(typed, start);
	/* a start differing in one letter is a shortened name; more is chance */
	return part <= 1 && part < full ? part : full;
}

static void kinds_list(const struct action_kind *kinds, size_t nkinds, char *buf, size_t len)
{
	size_t k, o = 0;

	buf[0] = '\0';
	for (k = 0; k < nkinds && o < len; k++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s", k ? ", " : "", kinds[k].type);
}

static int check_kinds(struct ctx *c, const char *path, const cJSON *list_json,
		       const struct action_kind *kinds, size_t nkinds, const char *what)
{
	const cJSON *item;
	char sub[512], typepath[560], list[512];
	int i = 0;

	cJSON_ArrayForEach(item, list_json) {
		const cJSON *type;
		const char *best = NULL;
		size_t k, best_d = 3;

		snprintf(sub, sizeof sub, "%s[%d]", path, i++);
		if (!cJSON_IsObject(item))
			return fail(c, sub, "expected an object like {\"type\": \"pause\", ...}, got %s",
				    type_name(item));
		type = cJSON_GetObjectItemCaseSensitive(item, "type");
		snprintf(typepath, sizeof typepath, "%s.type", sub);
		if (!type)
			return fail(c, sub, "missing \"type\" (required)");
		if (!cJSON_IsString(type))
			return fail(c, typepath, "expected a string, got %s", type_name(type));
		for (k = 0; k < nkinds; k++) {
			size_t d;
			if (strcmp(kinds[k].type, type->valuestring) == 0)
				break;
			d = likeness(type->valuestring, kinds[k].type);
			if (d < best_d) {
				best_d = d;
				best = kinds[k].type;
			}
		}
		if (k == nkinds) {
			if (best)
				return fail(c, typepath, "unknown %s \"%s\" (did you mean \"%s\"?)",
					    what, type->valuestring, best);
			kinds_list(kinds, nkinds, list, sizeof list);
			return fail(c, typepath, "unknown %s \"%s\": use one of %s",
				    what, type->valuestring, list);
		}
		if (check_object(c, sub, item, kinds[k].fields) < 0)
			return -1;
		if (kinds[k].fields == a_lines &&
		    json_num(item, "to_line", 0) < json_num(item, "from_line", 0))
			return fail(c, sub, "to_line is before from_line");
	}
	return 0;
}

/* A step's id: safe as a file name, and not used by an earlier item of
 * list (what = "steps" or "segments", for the message). */
static int check_id(struct ctx *c, const char *path, const cJSON *list, int i,
		    const char *what)
{
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(list, i), "id");
	const cJSON *other;
	const char *why;
	char sub[128];
	int j = 0;

	snprintf(sub, sizeof sub, "%s.id", path);
	if (!stepid_valid(id->valuestring, &why))
		return fail(c, sub, "\"%s\" %s: ids become file names, use letters, digits, '.', '_' and '-'",
			    id->valuestring, why);
	cJSON_ArrayForEach(other, list) {
		const cJSON *oid;
		if (j++ >= i)
			break;
		oid = cJSON_GetObjectItemCaseSensitive(other, "id");
		if (cJSON_IsString(oid) && strcmp(oid->valuestring, id->valuestring) == 0)
			return fail(c, sub, "duplicate id \"%s\" (also %s[%d].id): ids must be unique",
				    id->valuestring, what, j - 1);
	}
	return 0;
}

/* The video's size, as the capture will make it. */
static void video_size(const cJSON *spec, double *w, double *h)
{
	const cJSON *settings = cJSON_GetObjectItemCaseSensitive(spec, "settings");
	const cJSON *size = cJSON_GetObjectItemCaseSensitive(settings, "video_size");

	if (!size)
		size = cJSON_GetObjectItemCaseSensitive(settings, "viewport");
	*w = size ? json_num(size, "width", 1280) : 1280;
	*h = size ? json_num(size, "height", 720) : 720;
}

static int check_zoom(struct ctx *c, const char *path, const cJSON *zoom)
{
	static const char *const axes[] = { "cx", "cy" };
	double size[2];
	const cJSON *v;
	char sub[160];
	size_t i;

	if (check_object(c, path, zoom, zoom_fields) < 0)
		return -1;
	video_size(c->spec, &size[0], &size[1]);
	for (i = 0; i < LEN(axes); i++) {
		v = cJSON_GetObjectItemCaseSensitive(zoom, axes[i]);
		snprintf(sub, sizeof sub, "%s.%s", path, axes[i]);
		if (v && v->valuedouble > size[i])
			return fail(c, sub, "%g is outside the video (%g pixels %s): "
				    "give a centre in video pixels, from 0 to %g", v->valuedouble,
				    size[i], i ? "high" : "wide", size[i]);
	}
	return 0;
}

/* What a step holds beyond its fields: scroll, zoom, actions, assertions. */
static int check_step_parts(struct ctx *c, const char *path, const cJSON *step)
{
	const cJSON *v;
	char sub[128];

	if ((v = cJSON_GetObjectItemCaseSensitive(step, "zoom"))) {
		snprintf(sub, sizeof sub, "%s.zoom", path);
		if (check_zoom(c, sub, v) < 0)
			return -1;
	}

	if ((v = cJSON_GetObjectItemCaseSensitive(step, "scroll"))) {
		snprintf(sub, sizeof sub, "%s.scroll", path);
		if (check_object(c, sub, v, scroll_fields) < 0)
			return -1;
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(step, "actions"))) {
		snprintf(sub, sizeof sub, "%s.actions", path);
		if (check_kinds(c, sub, v, actions, LEN(actions), "action") < 0)
			return -1;
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(step, "assertions"))) {
		snprintf(sub, sizeof sub, "%s.assertions", path);
		if (check_kinds(c, sub, v, assertion_kinds, LEN(assertion_kinds),
				"assertion") < 0)
			return -1;
	}
	return 0;
}

static int check_steps(struct ctx *c, const cJSON *steps)
{
	const cJSON *step;
	char path[64];
	int i = 0;

	if (!steps)
		return fail(c, "steps", "missing: a spec needs a non-empty \"steps\" array");
	if (!cJSON_IsArray(steps))
		return fail(c, "steps", "expected an array, got %s", type_name(steps));
	if (cJSON_GetArraySize(steps) == 0)
		return fail(c, "steps", "is empty: add at least one step");
	cJSON_ArrayForEach(step, steps) {
		snprintf(path, sizeof path, "steps[%d]", i);
		if (check_object(c, path, step, step_fields) < 0 ||
		    check_id(c, path, steps, i, "steps") < 0 ||
		    check_step_parts(c, path, step) < 0)
			return -1;
		i++;
	}
	return 0;
}

/* The segments workflow: demo segments are steps, slides segments show a
 * range of the top-level deck while their narration plays. */
static const struct field deck_fields[] = {
	{ "generate", K_BOOL, 0, 0, 0, NULL },
	{ "theme", K_TEXT, 0, 0, 0, NULL },
	{ "cache_key", K_STRING, 0, 0, 0, NULL },
	{ "content", K_ARRAY, 0, 0, 0, NULL },
	{ "dir", K_TEXT, 0, 0, 0, NULL },
	END
};

static const struct field slide_title[] = {
	TYPE, { "title", K_TEXT, 1, 0, 0, NULL }, { "subtitle", K_STRING, 0, 0, 0, NULL }, END
};
static const struct field slide_content[] = {
	TYPE, { "title", K_TEXT, 1, 0, 0, NULL }, { "bullet_points", K_STRINGS, 0, 0, 0, NULL }, END
};

static const struct action_kind slide_kinds[] = {
	{ "title", slide_title },
	{ "content", slide_content },
};

#define SEGMENT_COMMON \
	{ "id", K_STRING, 1, 0, 0, NULL }, \
	{ "type", K_STRING, 1, 0, 0, NULL }, \
	{ "title", K_TEXT, 0, 0, 0, NULL }, \
	{ "narration", K_TEXT, 1, 0, 0, NULL }, \
	{ "duration", K_NUMBER, 0, 0, 86400, NULL }

static const struct field demo_fields[] = {
	SEGMENT_COMMON,
	{ "url", K_TEXT, 1, 0, 0, NULL },
	{ "actions", K_ARRAY, 0, 0, 0, NULL },
	{ "assertions", K_ARRAY, 0, 0, 0, NULL },
	{ "scroll", K_OBJECT, 0, 0, 0, NULL },
	{ "zoom", K_OBJECT, 0, 0, 0, NULL },
	END
};

static const struct field slides_segment_fields[] = {
	SEGMENT_COMMON,
	{ "slides", K_OBJECT, 1, 0, 0, NULL },
	END
};

static const struct field slides_show_fields[] = {
	{ "range", K_ARRAY, 1, 0, 0, NULL },
	{ "advance_interval", K_NUMBER, 0, 500, 3600000, NULL },
	END
};

static int check_deck(struct ctx *c, const cJSON *deck)
{
	const cJSON *content;

	if (check_object(c, "slides", deck, deck_fields) < 0)
		return -1;
	content = cJSON_GetObjectItemCaseSensitive(deck, "content");
	if (content && cJSON_GetObjectItemCaseSensitive(deck, "dir"))
		return fail(c, "slides", "has both \"content\" and \"dir\": keep one");
	if (!content)
		return 0;
	if (cJSON_GetArraySize(content) == 0)
		return fail(c, "slides.content", "is empty: add a slide or use \"dir\"");
	return check_kinds(c, "slides.content", content, slide_kinds, LEN(slide_kinds),
			   "slide type");
}

/* [first, last], 1-based and inclusive, within the deck when its size is
 * known here (a dir deck is counted by spec2req). */
static int check_slide_range(struct ctx *c, const char *path, const cJSON *range,
		       const cJSON *deck)
{
	const cJSON *content = cJSON_GetObjectItemCaseSensitive(deck, "content");
	const cJSON *first = cJSON_GetArrayItem(range, 0), *last = cJSON_GetArrayItem(range, 1);
	int n = cJSON_GetArraySize(content);

	if (cJSON_GetArraySize(range) != 2 || !cJSON_IsNumber(first) || !cJSON_IsNumber(last) ||
	    first->valuedouble != floor(first->valuedouble) ||
	    last->valuedouble != floor(last->valuedouble))
		return fail(c, path, "expected [first, last]: two slide numbers, counted from 1");
	if (first->valuedouble < 1 || last->valuedouble < first->valuedouble)
		return fail(c, path, "[%g, %g] is not a range: slides count from 1 and first <= last",
			    first->valuedouble, last->valuedouble);
	if (content && last->valuedouble > n)
		return fail(c, path, "[%g, %g] is outside the deck: slides.content has %d slide%s",
			    first->valuedouble, last->valuedouble, n, n == 1 ? "" : "s");
	return 0;
}

static int check_segments(struct ctx *c, const cJSON *segments, const cJSON *deck)
{
	const cJSON *seg, *type, *show;
	char path[64], sub[128];
	int i = 0;

	if (!cJSON_IsArray(segments))
		return fail(c, "segments", "expected an array, got %s", type_name(segments));
	if (cJSON_GetArraySize(segments) == 0)
		return fail(c, "segments", "is empty: add at least one segment");
	cJSON_ArrayForEach(seg, segments) {
		snprintf(path, sizeof path, "segments[%d]", i);
		snprintf(sub, sizeof sub, "%s.type", path);
		if (!cJSON_IsObject(seg))
			return fail(c, path, "expected an object, got %s", type_name(seg));
		type = cJSON_GetObjectItemCaseSensitive(seg, "type");
		if (!type)
			return fail(c, path, "missing \"type\" (required): \"demo\" or \"slides\"");
		if (!cJSON_IsString(type) || !in_choices(type->valuestring, "demo|slides"))
			return fail(c, sub, "%s%s%s is not a segment type: use \"demo\" or \"slides\"",
				    cJSON_IsString(type) ? "\"" : "",
				    cJSON_IsString(type) ? type->valuestring : type_name(type),
				    cJSON_IsString(type) ? "\"" : "");
		if (strcmp(type->valuestring, "demo") == 0) {
			if (check_object(c, path, seg, demo_fields) < 0 ||
			    check_id(c, path, segments, i, "segments") < 0 ||
			    check_step_parts(c, path, seg) < 0)
				return -1;
			i++;
			continue;
		}
		if (check_object(c, path, seg, slides_segment_fields) < 0 ||
		    check_id(c, path, segments, i, "segments") < 0)
			return -1;
		snprintf(sub, sizeof sub, "%s.slides", path);
		show = cJSON_GetObjectItemCaseSensitive(seg, "slides");
		if (check_object(c, sub, show, slides_show_fields) < 0)
			return -1;
		if (!deck)
			return fail(c, sub, "there is no deck to show: add a top-level \"slides\" "
				    "object with \"content\" (or \"dir\")");
		if (!cJSON_GetObjectItemCaseSensitive(deck, "content") &&
		    !cJSON_GetObjectItemCaseSensitive(deck, "dir"))
			return fail(c, "slides", "has no slides: add \"content\" (a list of slides) "
				    "or \"dir\" (a folder of images)");
		snprintf(sub, sizeof sub, "%s.slides.range", path);
		if (check_slide_range(c, sub, cJSON_GetObjectItemCaseSensitive(show, "range"), deck) < 0)
			return -1;
		i++;
	}
	return 0;
}

/* Every key and string in v is well-formed UTF-8: text goes to Chromium,
 * espeak-ng and subtitle files, which drop or garble anything else. */
static int check_utf8(struct ctx *c, const char *path, const cJSON *v)
{
	char sub[256];
	const cJSON *item;
	long at;
	int i = 0;

	if (cJSON_IsString(v) && (at = utf8_invalid_at(v->valuestring)) >= 0)
		return fail(c, *path ? path : "(top)", "not valid UTF-8 (byte %ld): save the "
			    "spec as UTF-8", at + 1);
	cJSON_ArrayForEach(item, v) {
		if (cJSON_IsObject(v) && (at = utf8_invalid_at(item->string)) >= 0)
			return fail(c, *path ? path : "(top)", "a key is not valid UTF-8 "
				    "(byte %ld): save the spec as UTF-8", at + 1);
		if (cJSON_IsObject(v))
			join_path(sub, sizeof sub, path, item->string);
		else
			snprintf(sub, sizeof sub, "%s[%d]", path, i++);
		if (check_utf8(c, sub, item) < 0)
			return -1;
	}
	return 0;
}

/* A tour can never meet a target above the most it may last. */
static int check_durations(struct ctx *c, const cJSON *meta)
{
	const cJSON *target = cJSON_GetObjectItemCaseSensitive(meta, "target_duration_seconds");
	const cJSON *max = cJSON_GetObjectItemCaseSensitive(meta, "max_duration_seconds");

	if (target && max && max->valuedouble < target->valuedouble)
		return fail(c, "meta.max_duration_seconds", "%g s is below "
			    "meta.target_duration_seconds (%g s): raise the maximum or lower the target",
			    max->valuedouble, target->valuedouble);
	return 0;
}

int spec_validate(const cJSON *spec, char *err, size_t errlen,
		  void (*warn_unknown)(const char *path))
{
	static const struct field top[] = {
		{ "meta", K_OBJECT, 0, 0, 0, NULL },
		{ "settings", K_OBJECT, 0, 0, 0, NULL },
		{ "steps", K_ARRAY, 0, 0, 0, NULL },
		{ "output", K_OBJECT, 0, 0, 0, NULL },
		{ "pre_setup", K_STRINGS, 0, 0, 0, NULL },
		{ "segments", K_ARRAY, 0, 0, 0, NULL },
		{ "slides", K_OBJECT, 0, 0, 0, NULL },
		END
	};
	struct ctx c = { spec, err, errlen, warn_unknown };
	const cJSON *v, *deck;

	if (!cJSON_IsObject(spec)) {
		snprintf(err, errlen, "the spec must be a JSON object with a \"steps\" array, not %s",
			 type_name(spec));
		return -1;
	}
	if (cJSON_GetObjectItemCaseSensitive(spec, "steps") &&
	    cJSON_GetObjectItemCaseSensitive(spec, "segments"))
		return fail(&c, "segments", "a spec has \"steps\" or \"segments\", not both: "
			    "move the steps into segments as {\"type\": \"demo\", ...}");
	if (check_utf8(&c, "", spec) < 0 || check_object(&c, "", spec, top) < 0)
		return -1;
	if ((v = cJSON_GetObjectItemCaseSensitive(spec, "meta")) &&
	    (check_object(&c, "meta", v, meta_fields) < 0 || check_durations(&c, v) < 0))
		return -1;
	if ((v = cJSON_GetObjectItemCaseSensitive(spec, "settings")) &&
	    check_object(&c, "settings", v, settings_fields) < 0)
		return -1;
	if ((v = cJSON_GetObjectItemCaseSensitive(spec, "output")) &&
	    check_object(&c, "output", v, output_fields) < 0)
		return -1;
	deck = cJSON_GetObjectItemCaseSensitive(spec, "slides");
	if (deck && check_deck(&c, deck) < 0)
		return -1;
	if ((v = cJSON_GetObjectItemCaseSensitive(spec, "segments")))
		return check_segments(&c, v, deck);
	return check_steps(&c, cJSON_GetObjectItemCaseSensitive(spec, "steps"));
}
