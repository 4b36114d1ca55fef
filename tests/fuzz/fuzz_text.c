/* fuzz_text - the small parsers that take one string from a spec: step
 * ids, key chords, URLs, user paths and voice names. Each input is tried
 * as every one of them. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "keys.h"
#include "stepid.h"
#include "url.h"
#include "userpath.h"
#include "voices.h"

/* The id rule, written out again: what stepid_valid accepts must keep it. */
static int id_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > STEPID_MAX || s[0] == '.' || s[0] == '-')
		return 0;
	return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") == n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), *r;
	const char *why = NULL;
	struct key_chord chord;

	memcpy(s, data, size);
	s[size] = '\0';

	if (stepid_valid(s, &why) ? !id_ok(s) : !why)
		__builtin_trap();
	why = NULL;
	if (key_chord_parse(s, &chord, &why) == 0) {
		if (!memchr(chord.key.key, '\0', sizeof chord.key.key) ||
		    !memchr(chord.key.code, '\0', sizeof chord.key.code) ||
		    !memchr(chord.key.text, '\0', sizeof chord.key.text))
			__builtin_trap();
	} else if (!why) {
		__builtin_trap();
	}
	r = url_resolve(s, "/spec dir");
	if (!r || (!url_has_scheme(s) && strncmp(r, "file://", 7) != 0))
		__builtin_trap();
	free(r);
	setenv("HOME", "/home/me", 1);
	free(userpath_resolve(s, "/spec dir"));
	free(voice_from_kokoro(s));
	free(s);
	return 0;
}
