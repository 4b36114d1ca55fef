/* fuzz_jobcheck - a done.marker from the worker, as arbitrary bytes,
 * checked against a job folder holding one whole WAV and one cut short:
 * any marker is complete, waiting or bad, with a reason, and never names a
 * file outside the folder. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "file.h"
#include "jobcheck.h"
#include "wav.h"

static char dir[] = "/tmp/fuzz-jobcheck.XXXXXX";

static void setup(void)
{
	int16_t samples[800] = { 0 };
	unsigned char *wav;
	size_t len;
	char *path;

	if (!mkdtemp(dir))
		abort();
	wav = wav_build16(samples, 800, 16000, 1, &len);
	path = malloc(strlen(dir) + 32);
	sprintf(path, "%s/audio/step-a.wav", dir);
	if (mkdirs_for(path) < 0 || write_file_atomic(path, wav, len) < 0)
		abort();
	sprintf(path, "%s/audio/step-b.wav", dir);
	if (write_file_atomic(path, wav, len / 2) < 0)
		abort();
	free(path);
	free(wav);
}

/* The rule, written out: parts between '/' are neither empty, "." nor "..". */
static int plain_relative(const char *name)
{
	const char *part = name, *end;

	for (;;) {
		size_t n;

		end = strchr(part, '/');
		n = end ? (size_t)(end - part) : strlen(part);
		if (n == 0 || (n == 1 && part[0] == '.') || (n == 2 && part[0] == '.' && part[1] == '.'))
			return 0;
		if (!end)
			return 1;
		part = end + 1;
	}
}

static void check(const cJSON *marker, char *const *names, size_t count)
{
	cJSON *manifest = NULL;
	char *why = NULL, *bad = NULL;
	enum job_state s = job_check(dir, marker, names, count, &manifest, &why, &bad);

	if (s == JOB_COMPLETE && !manifest)
		__builtin_trap();
	if (s != JOB_COMPLETE && !why)
		__builtin_trap();
	if (bad && !job_name_safe(bad) && strncmp(bad, dir, strlen(dir)) != 0)
		__builtin_trap();
	cJSON_Delete(manifest);
	free(why);
	free(bad);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	char *wanted[] = { "audio/step-a.wav", "audio/step-b.wav" };
	cJSON *marker;
	char *name;

	if (!ready) {
		setup();
		ready = 1;
	}
	/* the name check on its own, on the raw bytes */
	name = malloc(size + 1);
	memcpy(name, data, size);
	name[size] = '\0';
	if (job_name_safe(name) && !plain_relative(name))
		__builtin_trap();
	free(name);

	marker = cJSON_ParseWithLength((const char *)data, size);
	if (!marker)
		return 0;
	(void)job_has_manifest(marker);
	check(marker, NULL, 0);
	check(marker, wanted, 1);
	check(marker, wanted, 2);
	cJSON_Delete(marker);
	return 0;
}
