/* base64.c - strict base64 decoding: a corrupt screenshot must fail loudly,
 * not turn into a broken frame */
#include "base64.h"

static int sextet(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

size_t base64_decoded_max(size_t len)
{
	return (len + 3) / 4 * 3;
}

long base64_decode(const char *in, size_t len, unsigned char *out)
{
	unsigned long acc = 0;
	size_t i, pad = 0, n = 0;
	int bits = 0, v;

	while (len > 0 && in[len - 1] == '=' && pad < 2) {
		len--;
		pad++;
	}
	/* padding only ever completes a group of four */
	if (pad && (len + pad) % 4)
		return -1;
	for (i = 0; i < len; i++) {
		v = sextet((unsigned char)in[i]);
		if (v < 0)
			return -1;
		acc = (acc << 6 | (unsigned long)v) & 0xffffff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[n++] = (unsigned char)(acc >> bits);
		}
	}
	/* a lone sextet cannot carry a byte: the input was cut short */
	if (bits >= 6)
		return -1;
	return (long)n;
}
