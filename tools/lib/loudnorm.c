/* loudnorm.c - parse loudnorm's first pass, build its second */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "loudnorm.h"
#include "util.h"

/* loudnorm prints its numbers as JSON strings: "input_i" : "-23.54". */
static int field(const cJSON *root, const char *key, double *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, key);
	char *end;

	if (!cJSON_IsString(v))
		return -1;
	*out = strtod(v->valuestring, &end);
	return end != v->valuestring && *end == '\0' && isfinite(*out) ? 0 : -1;
}

int loudnorm_parse(const char *log, struct loudness *l, const char **why)
{
	const char *open = NULL, *p;
	cJSON *root;
	int bad;

	/* the block is the last '{' at the start of a line */
	for (p = log; (p = strchr(p, '{')); p++)
		if (p == log || p[-1] == '\n')
			open = p;
	if (!open) {
		*why = "no loudness measurement in ffmpeg's output";
		return -1;
	}
	root = cJSON_ParseWithOpts(open, NULL, 0);
	if (!root) {
		*why = "the loudness measurement is not valid JSON";
		return -1;
	}
	bad = field(root, "input_i", &l->input_i) < 0 || field(root, "input_tp", &l->input_tp) < 0 ||
	      field(root, "input_lra", &l->input_lra) < 0 ||
	      field(root, "input_thresh", &l->input_thresh) < 0 ||
	      field(root, "target_offset", &l->target_offset) < 0;
	cJSON_Delete(root);
	if (bad) {
		*why = "the loudness measurement lacks a level (is the audio silent?)";
		return -1;
	}
	return 0;
}

char *loudnorm_second_pass(const struct loudness *l)
{
	return estrfmt("loudnorm=" LOUDNORM_TARGET ":measured_I=%.2f:measured_TP=%.2f:"
		       "measured_LRA=%.2f:measured_thresh=%.2f:offset=%.2f:linear=true",
		       l->input_i, l->input_tp, l->input_lra, l->input_thresh, l->target_offset);
}
