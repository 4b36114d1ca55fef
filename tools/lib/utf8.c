/* utf8.c - checking that text is well-formed UTF-8 (RFC 3629) */
#include "utf8.h"

long utf8_invalid_at(const char *s)
{
	const unsigned char *p = (const unsigned char *)s, *start;
	unsigned long cp, min;
	int more, i;

	while (*p) {
		start = p;
		if (*p < 0x80) {
			p++;
			continue;
		} else if ((*p & 0xe0) == 0xc0) {
			cp = *p & 0x1f, more = 1, min = 0x80;
		} else if ((*p & 0xf0) == 0xe0) {
			cp = *p & 0x0f, more = 2, min = 0x800;
		} else if ((*p & 0xf8) == 0xf0) {
			cp = *p & 0x07, more = 3, min = 0x10000;
		} else {
			return (long)(start - (const unsigned char *)s);
		}
		for (i = 0, p++; i < more; i++, p++) {
			if ((*p & 0xc0) != 0x80)
				return (long)(start - (const unsigned char *)s);
			cp = cp << 6 | (*p & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return (long)(start - (const unsigned char *)s);
	}
	return -1;
}
