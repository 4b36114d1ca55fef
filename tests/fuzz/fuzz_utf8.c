/* fuzz_utf8 - the UTF-8 check against a plain decoder written from the
 * standard's table: they must agree on where the first bad byte is. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

/* Length of the well-formed sequence at s (Unicode table 3-7), 0 if none. */
static size_t sequence(const unsigned char *s)
{
	unsigned char c = s[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		return (s[1] & 0xC0) == 0x80 ? 2 : 0;
	if (c >= 0xE0 && c <= 0xEF) {
		unsigned char lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
		return s[1] >= lo && s[1] <= hi && (s[2] & 0xC0) == 0x80 ? 3 : 0;
	}
	if (c >= 0xF0 && c <= 0xF4) {
		unsigned char lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
		return s[1] >= lo && s[1] <= hi && (s[2] & 0xC0) == 0x80 &&
		       (s[3] & 0xC0) == 0x80 ? 4 : 0;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	long want = -1, got;
	size_t i = 0, n;

	memcpy(s, data, size);
	s[size] = '\0';
	/* the C string ends at the first NUL */
	while (s[i]) {
		n = sequence((const unsigned char *)s + i);
		if (!n) {
			want = (long)i;
			break;
		}
		i += n;
	}
	got = utf8_invalid_at(s);
	if (got != want)
		__builtin_trap();
	free(s);
	return 0;
}
