/* json.h - cJSON loading with positioned errors */
#ifndef JSON_H
#define JSON_H

#include <cjson/cJSON.h>
#include <stddef.h>

/* Parse a JSON file. On failure returns NULL and writes into err a message
 * such as "line 3, column 14: invalid JSON near '}'" (or the errno text when
 * the file cannot be read; *sys_error is then set to 1). */
cJSON *json_load(const char *path, char *err, size_t errlen, int *sys_error);

/* Serialise v (pretty) and write it with write_if_changed.
 * Returns 1 written, 0 unchanged, -1 with errno. */
int json_write_if_changed(const char *path, const cJSON *v);

/* Typed getters on an object; return fallback when the member is absent
 * or of another type (validation happens earlier, in spec2req). */
double json_num(const cJSON *obj, const char *key, double fallback);
const char *json_str(const cJSON *obj, const char *key, const char *fallback);
int json_bool(const cJSON *obj, const char *key, int fallback);

#endif
