/* base64.h - decode the base64 text the DevTools protocol uses for binary data */
#ifndef BASE64_H
#define BASE64_H

#include <stddef.h>

/* Bytes needed to decode len characters of base64 (an upper bound). */
size_t base64_decoded_max(size_t len);

/* Decode len characters of standard base64 (RFC 4648, '=' padding optional)
 * into out, which holds at least base64_decoded_max(len) bytes.
 * Returns the number of bytes written, or -1 on a character outside the
 * alphabet, misplaced padding or a truncated final group. */
long base64_decode(const char *in, size_t len, unsigned char *out);

#endif
