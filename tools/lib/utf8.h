/* utf8.h - checking that text is well-formed UTF-8 */
#ifndef UTF8_H
#define UTF8_H

#include <stddef.h>

/* The offset of the first byte of s that breaks UTF-8 (a stray
 * continuation byte, a truncated or overlong sequence, a surrogate, a code
 * point past U+10FFFF), or -1 when s is well-formed. Chromium drops a
 * protocol message holding such bytes without a word, so they are refused
 * where the spec is read. */
long utf8_invalid_at(const char *s);

#endif
