/* voices.h - Kokoro voice names mapped to the nearest espeak-ng voice */
#ifndef VOICES_H
#define VOICES_H

/* Kokoro names are "<language><gender>_<name>": "am_michael" is American
 * English, male. Returns the espeak-ng voice for it, such as "en-us+m3"
 * (malloc'd), or NULL when name is not shaped like a Kokoro voice or its
 * language letter is unknown. */
char *voice_from_kokoro(const char *name);

#endif
