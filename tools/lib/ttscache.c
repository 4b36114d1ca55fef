/* ttscache.c - the content-addressed TTS cache: keys and file names */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ttscache.h"
#include "util.h"

/* Appends "name LEN\nVALUE\n" to *buf. */
static char *add_field(char *buf, const char *name, const char *value)
{
	char *next = estrfmt("%s%s %zu\n%s\n", buf, name, strlen(value), value);

	free(buf);
	return next;
}

int ttscache_key(const struct tts_request *r, char key[SHA256_HEX_SIZE])
{
	char speed[32];
	char *buf = estrdup("tts-cache 1\n");
	int ret;

	/* Four decimals: 1.0 and 1.00 are the same speed, and no engine
	 * resolves finer steps. */
	snprintf(speed, sizeof speed, "%.4f", r->speed);
	buf = add_field(buf, "engine", r->engine);
	buf = add_field(buf, "voice", r->voice);
	buf = add_field(buf, "speed", speed);
	buf = add_field(buf, "language", r->language);
	buf = add_field(buf, "text", r->text);
	buf = add_field(buf, "reference", r->reference ? r->reference : "");
	ret = sha256_hex(buf, strlen(buf), key);
	free(buf);
	return ret;
}

int ttscache_key_valid(const char *key)
{
	return strlen(key) == SHA256_HEX_SIZE - 1 &&
	       strspn(key, "0123456789abcdef") == SHA256_HEX_SIZE - 1;
}

char *ttscache_path(const char *dir, const char *key)
{
	return estrfmt("%s/%s.wav", dir, key);
}
