/* Unit tests: a finished job's files against its marker, and safe names. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "file.h"
#include "jobcheck.h"
#include "sha256.h"
#include "util.h"
#include "wav.h"

static char dir[] = "/tmp/tour-unit.XXXXXX";

static void put(const char *name, const void *data, size_t len)
{
	char *path = estrfmt("%s/%s", dir, name);

	mkdirs_for(path);
	write_file_atomic(path, data, len);
	free(path);
}

/* A marker with a manifest entry for name describing data[0..len). */
static cJSON *marker_for(const char *name, const void *data, size_t len)
{
	char hash[SHA256_HEX_SIZE];
	cJSON *m = cJSON_CreateObject(), *files = cJSON_AddArrayToObject(m, "files");
	cJSON *e = cJSON_CreateObject();

	sha256_hex(data, len, hash);
	cJSON_AddStringToObject(e, "name", name);
	cJSON_AddNumberToObject(e, "bytes", (double)len);
	cJSON_AddStringToObject(e, "sha256", hash);
	cJSON_AddItemToArray(files, e);
	return m;
}

static enum job_state check(const cJSON *marker, char *const *names, size_t n, const char *want_why)
{
	cJSON *manifest;
	char *why, *bad;
	enum job_state s = job_check(dir, marker, names, n, &manifest, &why, &bad);

	if (want_why && (!why || strcmp(why, want_why) != 0))
		printf("# why \"%s\", want \"%s\"\n", why ? why : "(none)", want_why);
	if (want_why && (!why || strcmp(why, want_why) != 0))
		s = (enum job_state)-1;
	cJSON_Delete(manifest);
	free(why);
	free(bad);
	return s;
}

int main(void)
{
	int16_t samples[2400] = { 0 };
	size_t len;
	unsigned char *wav = wav_build16(samples, 2400, 24000, 1, &len);
	char *names[] = { "audio/step-a.wav" };
	cJSON *marker, *seed_marker = cJSON_CreateObject(), *manifest;
	char *why, *bad;

	if (!mkdtemp(dir))
		return 1;
	CHECK(job_name_safe("audio/step-a.wav"));
	CHECK(job_name_safe("a"));
	CHECK(!job_name_safe(""));
	CHECK(!job_name_safe("/etc/passwd"));
	CHECK(!job_name_safe("../x"));
	CHECK(!job_name_safe("audio/../../x"));
	CHECK(!job_name_safe("audio//x"));
	CHECK(!job_name_safe("audio/"));
	CHECK(!job_name_safe("./x"));
	CHECK(job_name_safe("..x/y"));

	marker = marker_for("audio/step-a.wav", wav, len);
	CHECK(check(marker, names, 1, "audio/step-a.wav: not there yet") == JOB_WAITING);
	put("audio/step-a.wav", wav, len / 2);
	CHECK(check(marker, names, 1,
		    "audio/step-a.wav: RIFF size does not match the file size (truncated or still being written)")
	      == JOB_WAITING);
	put("audio/step-a.wav", wav, len);
	CHECK(check(marker, names, 1, NULL) == JOB_COMPLETE);
	CHECK(check(marker, NULL, 0, NULL) == JOB_COMPLETE);

	/* The manifest's description of the checked bytes */
	CHECK(job_check(dir, marker, names, 1, &manifest, &why, &bad) == JOB_COMPLETE);
	CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(manifest, "files")) == 1);
	CHECK(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(manifest, "files"), 0),
				  "sample_rate")->valuedouble == 24000);
	CHECK(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(manifest, "files"), 0),
				  "duration")->valuedouble == 0.1);
	cJSON_Delete(manifest);

	/* Same size, other content */
	wav[len - 1] ^= 1;
	put("audio/step-a.wav", wav, len);
	CHECK(check(marker, names, 1, "audio/step-a.wav: sha256 differs from the manifest") == JOB_WAITING);
	/* Without a manifest any whole WAV is accepted: the caller checks it stays so */
	CHECK(check(seed_marker, names, 1, NULL) == JOB_COMPLETE);
	CHECK(check(seed_marker, NULL, 0, NULL) == JOB_COMPLETE);

	wav[len - 1] ^= 1;
	put("audio/step-a.wav", wav, len);
	{
		char *two[] = { "audio/step-a.wav", "audio/step-b.wav" };
		CHECK(check(marker, two, 2, "done.marker does not list audio/step-b.wav") == JOB_BAD);
		CHECK(check(seed_marker, two, 2, "audio/step-b.wav: not there yet") == JOB_WAITING);
	}
	/* Permanent faults: the manifest's very bytes are no usable WAV, or
	 * an entry gives no size or hash to wait for */
	{
		unsigned char *odd = emalloc(len);
		cJSON *float_marker, *entry;

		memcpy(odd, wav, len);
		odd[20] = 3; /* IEEE float */
		float_marker = marker_for("audio/step-a.wav", odd, len);
		put("audio/step-a.wav", odd, len);
		CHECK(check(float_marker, names, 1,
			    "audio/step-a.wav: the bytes the manifest lists are no usable WAV: not integer PCM")
		      == JOB_BAD);
		put("audio/step-a.wav", odd, len - 1);
		CHECK(check(float_marker, names, 1,
			    "audio/step-a.wav: RIFF size does not match the file size (truncated or still being written)")
		      == JOB_WAITING);
		put("audio/step-a.wav", wav, len);
		entry = cJSON_GetArrayItem(cJSON_GetObjectItem(float_marker, "files"), 0);
		cJSON_DeleteItemFromObject(entry, "sha256");
		CHECK(check(float_marker, names, 1, "done.marker's entry for audio/step-a.wav lacks sha256")
		      == JOB_BAD);
		cJSON_DeleteItemFromObject(entry, "bytes");
		CHECK(check(float_marker, NULL, 0, "done.marker's entry for audio/step-a.wav lacks bytes")
		      == JOB_BAD);
		cJSON_Delete(float_marker);
		free(odd);
	}
	cJSON_SetValuestring(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(marker, "files"), 0), "name"),
			     "../step-a.wav");
	CHECK(check(marker, NULL, 0,
		    "done.marker lists \"../step-a.wav\", which is no file inside the job folder") == JOB_BAD);

	cJSON_Delete(marker);
	cJSON_Delete(seed_marker);
	free(wav);
	remove_tree(dir);
	return check_done();
}
