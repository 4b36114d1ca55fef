/* fuzz_base64 - base64 decoding of arbitrary text (screenshots from the
 * browser): never past the bound it states, and a round trip for what it
 * accepts. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"

static const char alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Encode for the round trip: the test's own, plain RFC 4648. */
static char *encode(const unsigned char *in, size_t len, size_t *outlen)
{
	char *out = malloc(4 * ((len + 2) / 3) + 1), *o = out;
	size_t i;

	for (i = 0; i + 2 < len; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
		*o++ = alphabet[v >> 18];
		*o++ = alphabet[v >> 12 & 63];
		*o++ = alphabet[v >> 6 & 63];
		*o++ = alphabet[v & 63];
	}
	if (i < len) {
		uint32_t v = (uint32_t)in[i] << 16 | (i + 1 < len ? (uint32_t)in[i + 1] << 8 : 0);
		*o++ = alphabet[v >> 18];
		*o++ = alphabet[v >> 12 & 63];
		*o++ = i + 1 < len ? alphabet[v >> 6 & 63] : '=';
		*o++ = '=';
	}
	*outlen = (size_t)(o - out);
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t max = base64_decoded_max(size), elen;
	unsigned char *out = malloc(max ? max : 1), *back;
	long n = base64_decode((const char *)data, size, out);
	char *text;

	if (n > (long)max)
		__builtin_trap();
	free(out);
	/* any bytes, encoded, decode to themselves */
	text = encode(data, size, &elen);
	back = malloc(base64_decoded_max(elen) + 1);
	n = base64_decode(text, elen, back);
	if (n != (long)size || memcmp(back, data, size) != 0)
		__builtin_trap();
	free(back);
	free(text);
	return 0;
}
