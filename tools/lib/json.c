/* json.c - cJSON loading with positioned errors */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "file.h"
#include "json.h"
#include "util.h"

static void position_of(const char *text, const char *at, int *line, int *col)
{
	const char *p;

	*line = 1;
	*col = 1;
	for (p = text; p < at && *p; p++) {
		if (*p == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

cJSON *json_load(const char *path, char *err, size_t errlen, int *sys_error)
{
	size_t len;
	char *text = read_file(path, &len);
	const char *end = NULL;
	cJSON *v;
	int line, col;

	*sys_error = 0;
	if (!text) {
		snprintf(err, errlen, "%s", strerror(errno));
		*sys_error = 1;
		return NULL;
	}
	if (strlen(text) != len) {
		snprintf(err, errlen, "invalid JSON: the file holds a NUL byte");
		free(text);
		return NULL;
	}
	/* The length counts the NUL: cJSON's trailing-garbage check wants to
	 * land on it. */
	v = cJSON_ParseWithLengthOpts(text, len + 1, &end, 1);
	if (!v) {
		const char *at = end ? end : cJSON_GetErrorPtr();
		if (!at)
			at = text + len;
		position_of(text, at, &line, &col);
		if (*at) {
			char near[16];
			size_t i;
			for (i = 0; i < sizeof near - 1 && at[i]; i++)
				near[i] = (at[i] == '\n' || at[i] == '\t' || at[i] == '\r') ? ' ' : at[i];
			near[i] = '\0';
			snprintf(err, errlen, "line %d, column %d: invalid JSON near '%s'",
				 line, col, near);
		}
		else
			snprintf(err, errlen, "line %d, column %d: invalid JSON: unexpected end of file",
				 line, col);
	}
	free(text);
	return v;
}

int json_write_if_changed(const char *path, const cJSON *v)
{
	char *text = cJSON_Print(v);
	size_t len;
	int ret;

	if (!text)
		die(EXIT_SYS, "cJSON_Print: out of memory");
	len = strlen(text);
	text = erealloc(text, len + 2);
	text[len++] = '\n';
	ret = write_if_changed(path, text, len);
	free(text);
	return ret;
}

double json_num(const cJSON *obj, const char *key, double fallback)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsNumber(v) ? v->valuedouble : fallback;
}

const char *json_str(const cJSON *obj, const char *key, const char *fallback)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(v) ? v->valuestring : fallback;
}

int json_bool(const cJSON *obj, const char *key, int fallback)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsBool(v) ? cJSON_IsTrue(v) : fallback;
}
