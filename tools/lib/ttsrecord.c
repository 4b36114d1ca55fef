/* ttsrecord.c - how a step's narration WAV was made, kept beside it */
#include <stdlib.h>

#include "json.h"
#include "ttsrecord.h"
#include "util.h"

char *ttsrecord_path(const char *wav)
{
	return estrfmt("%s.json", wav);
}

int ttsrecord_write(const char *wav, const char *cache, const char *key)
{
	char *path = ttsrecord_path(wav);
	cJSON *record = cJSON_CreateObject();
	int ret;

	cJSON_AddStringToObject(record, "cache", cache);
	if (key)
		cJSON_AddStringToObject(record, "key", key);
	ret = json_write_if_changed(path, record);
	cJSON_Delete(record);
	free(path);
	return ret;
}

char *ttsrecord_cache(const char *wav)
{
	char *path = ttsrecord_path(wav), err[64], *cache = NULL;
	int sys_error;
	cJSON *record = json_load(path, err, sizeof err, &sys_error);
	const char *v = json_str(record, "cache", NULL);

	if (v)
		cache = estrfmt("%s", v);
	cJSON_Delete(record);
	free(path);
	return cache;
}
