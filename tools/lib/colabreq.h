/* colabreq.h - what spec2req needs for the Colab backends: the F5 reference
 * voice, the cache key of a step, and the job request for the steps whose
 * audio is missing */
#ifndef COLABREQ_H
#define COLABREQ_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "sha256.h"

/* The reference voice F5-TTS clones, as found on this machine. */
struct f5_voice {
	char *path;                   /* absolute */
	char sha256[SHA256_HEX_SIZE]; /* of its content: part of every cache key */
	double seconds;               /* its length */
};

/* Check the F5 settings BACKEND=colab-f5 needs (f5_ref_audio: a WAV, MP3,
 * FLAC or OGG file, "~/" or relative to spec_dir; f5_ref_text) and read the
 * reference voice. Returns 0, or -1 with err naming the setting and the fix. */
int f5_voice_load(const cJSON *settings, const char *spec_dir, struct f5_voice *v,
		  char *err, size_t errlen);
void f5_voice_free(struct f5_voice *v);

/* F5-TTS clones best from 6 to 12 s of speech. */
#define F5_REF_MIN_SECONDS 6.0
#define F5_REF_MAX_SECONDS 12.0
#define F5_DEFAULT_NFE_STEP 32

/* Add the F5 settings to a step's narration fragment, so that changing any
 * of them (or the reference voice's content) remakes the audio. */
void f5_add_fields(cJSON *fragment, const cJSON *settings, const struct f5_voice *v);

/* The TTS cache key of a Colab narration fragment. Returns 0, or -1 when
 * libcrypto fails. */
int colab_fragment_key(const cJSON *fragment, char key[SHA256_HEX_SIZE]);

/* For each step of spec whose outdir/wav/ID.wav is missing or older than
 * its fragment outdir/step/ID/tts.json, look its key up in cachedir, and
 * write, each atomically:
 *   reqdir/hits      "ID KEY" lines: stale steps the cache holds
 *   reqdir/misses    "ID KEY" lines: stale steps the worker must speak
 *   reqdir/job/      when there are misses: the job to send, the F5
 *                    reference voice first, request.json (seed fields plus
 *                    "engine", and "ref_audio_sha256" for F5) last.
 * Without misses reqdir/job/ is removed. Returns the number of misses, or
 * -1 with err set (a fragment that cannot be read, a write that fails). */
int colab_request_write(const cJSON *spec, const char *outdir, const char *reqdir,
			const char *cachedir, char *err, size_t errlen);

#endif
