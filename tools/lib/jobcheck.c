/* jobcheck.c - verify a finished job's files against its marker */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "file.h"
#include "jobcheck.h"
#include "json.h"
#include "sha256.h"
#include "util.h"
#include "wav.h"

int job_name_safe(const char *name)
{
	const char *part = name;

	if (!*name || *name == '/')
		return 0;
	for (;;) {
		size_t len = strcspn(part, "/");

		if (len == 0 || (len == 1 && part[0] == '.') ||
		    (len == 2 && part[0] == '.' && part[1] == '.'))
			return 0;
		if (!part[len])
			return 1;
		part += len + 1;
	}
}

int job_has_manifest(const cJSON *marker)
{
	return cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(marker, "files"));
}

static const cJSON *listed(const cJSON *marker, const char *name)
{
	const cJSON *entry;

	cJSON_ArrayForEach(entry, cJSON_GetObjectItemCaseSensitive(marker, "files")) {
		const char *entry_name = json_str(entry, "name", NULL);

		if (entry_name && strcmp(entry_name, name) == 0)
			return entry;
	}
	return NULL;
}

/* Check one file; on success add it to files. Returns JOB_COMPLETE, or
 * JOB_WAITING / JOB_BAD with *why set. A file that matches its manifest
 * entry byte for byte is the worker's final word: if it is still no usable
 * WAV, waiting cannot help. */
static enum job_state check_file(const char *dir, const char *name, const cJSON *entry,
				 cJSON *files, char **why)
{
	char *path = estrfmt("%s/%s", dir, name);
	char hash[SHA256_HEX_SIZE];
	const char *wav_why = NULL, *want_hash = NULL;
	double want_bytes = -1;
	size_t len;
	unsigned char *data;
	struct wav w;
	cJSON *item;
	int listed_bytes;

	if (entry) {
		want_bytes = json_num(entry, "bytes", -1);
		want_hash = json_str(entry, "sha256", NULL);
		if (want_bytes < 0 || !want_hash) {
			*why = estrfmt("done.marker's entry for %s lacks %s", name,
				       want_bytes < 0 ? "bytes" : "sha256");
			free(path);
			return JOB_BAD;
		}
	}
	data = (unsigned char *)read_file(path, &len);
	free(path);
	if (!data) {
		*why = estrfmt("%s: %s", name, errno == ENOENT ? "not there yet" : strerror(errno));
		return JOB_WAITING;
	}
	if (sha256_hex(data, len, hash) < 0)
		die(EXIT_SYS, "cannot hash %s: libcrypto failed", name);
	listed_bytes = entry && want_bytes == (double)len && strcmp(want_hash, hash) == 0;
	if (wav_parse(data, len, &w, &wav_why) < 0) {
		free(data);
		if (listed_bytes) {
			*why = estrfmt("%s: the bytes the manifest lists are no usable WAV: %s", name,
				       wav_why);
			return JOB_BAD;
		}
		*why = estrfmt("%s: %s", name, wav_why);
		return JOB_WAITING;
	}
	free(data);
	if (entry && want_bytes != (double)len) {
		*why = estrfmt("%s: %zu bytes, the manifest says %.0f", name, len, want_bytes);
		return JOB_WAITING;
	}
	if (entry && !listed_bytes) {
		*why = estrfmt("%s: sha256 differs from the manifest", name);
		return JOB_WAITING;
	}
	item = cJSON_CreateObject();
	cJSON_AddStringToObject(item, "name", name);
	cJSON_AddNumberToObject(item, "bytes", (double)len);
	cJSON_AddStringToObject(item, "sha256", hash);
	cJSON_AddNumberToObject(item, "duration", wav_seconds(&w));
	cJSON_AddNumberToObject(item, "sample_rate", w.rate);
	cJSON_AddItemToArray(files, item);
	return JOB_COMPLETE;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Without a manifest or a list from the caller: every audio/step-*.wav. */
static char **present_wavs(const char *dir, size_t *count)
{
	char *audio = estrfmt("%s/audio", dir);
	DIR *d = opendir(audio);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, len;

	free(audio);
	while (d && (e = readdir(d))) {
		len = strlen(e->d_name);
		if (strncmp(e->d_name, "step-", 5) != 0 || len < 9 ||
		    strcmp(e->d_name + len - 4, ".wav") != 0)
			continue;
		names = erealloc(names, (n + 1) * sizeof *names);
		names[n++] = estrfmt("audio/%s", e->d_name);
	}
	if (d)
		closedir(d);
	if (n)
		qsort(names, n, sizeof *names, by_name);
	*count = n;
	return names;
}

enum job_state job_check(const char *dir, const cJSON *marker, char *const *names,
			 size_t count, cJSON **manifest, char **why, char **bad)
{
	int has_manifest = job_has_manifest(marker);
	char **own = NULL;
	const cJSON *entry;
	enum job_state state = JOB_COMPLETE;
	cJSON *files = cJSON_CreateArray();
	size_t i;

	*manifest = NULL;
	*why = *bad = NULL;
	cJSON_ArrayForEach(entry, cJSON_GetObjectItemCaseSensitive(marker, "files")) {
		const char *name = json_str(entry, "name", NULL);

		if (!name || !job_name_safe(name)) {
			*why = estrfmt("done.marker lists %s%s%s, which is no file inside the job folder",
				       name ? "\"" : "", name ? name : "an entry without a name",
				       name ? "\"" : "");
			cJSON_Delete(files);
			return JOB_BAD;
		}
	}
	if (count == 0 && has_manifest) {
		cJSON_ArrayForEach(entry, cJSON_GetObjectItemCaseSensitive(marker, "files")) {
			own = erealloc(own, (count + 1) * sizeof *own);
			own[count++] = estrdup(json_str(entry, "name", ""));
		}
		names = own;
	} else if (count == 0) {
		/* An old worker's marker lists nothing: the WAVs present are the
		 * job, once as many are there as it says it made (at least one
		 * when it does not say). */
		double made = json_num(marker, "steps_generated", 1);

		names = own = present_wavs(dir, &count);
		if ((double)count < made) {
			*why = estrfmt("done.marker is there, but %zu of %.0f WAVs", count, made);
			for (i = 0; i < count; i++)
				free(own[i]);
			free(own);
			cJSON_Delete(files);
			return JOB_WAITING;
		}
	}
	for (i = 0; i < count && state == JOB_COMPLETE; i++) {
		entry = has_manifest ? listed(marker, names[i]) : NULL;
		if (has_manifest && !entry) {
			*why = estrfmt("done.marker does not list %s", names[i]);
			state = JOB_BAD;
		} else if ((state = check_file(dir, names[i], entry, files, why)) != JOB_COMPLETE) {
			*bad = estrdup(names[i]);
		}
	}
	for (i = 0; own && i < count; i++)
		free(own[i]);
	free(own);
	if (state != JOB_COMPLETE) {
		cJSON_Delete(files);
		return state;
	}
	*manifest = cJSON_CreateObject();
	cJSON_AddItemToObject(*manifest, "files", files);
	return JOB_COMPLETE;
}
