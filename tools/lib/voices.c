/* voices.c - Kokoro voice names mapped to the nearest espeak-ng voice */
#include <string.h>

#include "util.h"
#include "voices.h"

/* Kokoro's language letters and the espeak-ng voice file of each (the names
 * espeak_SetVoiceByName accepts: British English is plain "en"). */
static const struct {
	char letter;
	const char *voice;
} kokoro_languages[] = {
	{ 'a', "en-us" }, { 'b', "en" }, { 'e', "es" }, { 'f', "fr" }, { 'h', "hi" },
	{ 'i', "it" }, { 'j', "ja" }, { 'p', "pt-br" }, { 'z', "cmn" },
};

/* espeak-ng's "!v" variants f3 and m3: a clearly female and a clearly male
 * voice that stay intelligible at high speeds. */
static const char *variant_for(char gender)
{
	return gender == 'f' ? "f3" : "m3";
}

static int is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

char *voice_from_kokoro(const char *name)
{
	size_t i;
	const char *p;

	if (strlen(name) < 4 || (name[1] != 'f' && name[1] != 'm') || name[2] != '_')
		return NULL;
	for (p = name + 3; *p; p++)
		if (!is_name_char(*p))
			return NULL;
	for (i = 0; i < LEN(kokoro_languages); i++)
		if (kokoro_languages[i].letter == name[0])
			return estrfmt("%s+%s", kokoro_languages[i].voice,
				       variant_for(name[1]));
	return NULL;
}
