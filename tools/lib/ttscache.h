/* ttscache.h - the content-addressed TTS cache: keys and file names */
#ifndef TTSCACHE_H
#define TTSCACHE_H

#include "sha256.h"

/* Everything that shapes a TTS result. Two requests with equal fields give
 * the same audio, so they share one cache entry. */
struct tts_request {
	const char *engine;    /* engine and its version: "espeak-ng 1.51" */
	const char *voice;     /* the engine's own voice name, after mapping */
	double speed;
	const char *language;
	const char *text;
	const char *reference; /* sha256 of the reference audio (voice cloning), or NULL */
};

/* The cache key: sha256 of a canonical serialisation of r, where every field
 * is length-prefixed so no two requests serialise alike. Returns 0, or -1
 * when libcrypto fails. */
int ttscache_key(const struct tts_request *r, char key[SHA256_HEX_SIZE]);

/* Whether key looks like one ttscache_key makes: 64 lowercase hex digits,
 * so it is safe as a file name. */
int ttscache_key_valid(const char *key);

/* The entry for key: "dir/KEY.wav" (malloc'd). */
char *ttscache_path(const char *dir, const char *key);

#endif
