/* ttsrecord.h - how a step's narration WAV was made, kept beside it
 *
 * wav/ID.wav gets wav/ID.wav.json: {"cache": "hit"|"made"|"off", "key"}. The
 * tool that writes the WAV writes its record, so the report can say which
 * narrations this build synthesised and which came from the cache without
 * guessing from file ages.
 */
#ifndef TTSRECORD_H
#define TTSRECORD_H

/* The record's path for a WAV: "x.wav" -> "x.wav.json" (malloc'd); never
 * a name a tour's own files use, so it cannot overwrite a fragment. */
char *ttsrecord_path(const char *wav);

/* Write wav's record atomically. key may be NULL. Returns 0, or -1 with
 * errno set. */
int ttsrecord_write(const char *wav, const char *cache, const char *key);

/* The "cache" field of wav's record (malloc'd), or NULL when there is no
 * readable record. */
char *ttsrecord_cache(const char *wav);

#endif
