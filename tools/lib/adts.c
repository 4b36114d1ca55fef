/* adts.c - copying ADTS frames (ISO/IEC 13818-7, 6.2): each starts with a
 * 12-bit sync word and gives its own length, header included */
#include <errno.h>

#include "adts.h"

#define HEADER 7        /* without the CRC, which a frame's length includes */
#define MAX_FRAME 8191  /* 13 bits */

long adts_copy(FILE *out, FILE *from, long skip, const char **why)
{
	unsigned char frame[MAX_FRAME];
	size_t len, got;
	long count;

	for (count = 0;; count++) {
		got = fread(frame, 1, HEADER, from);
		if (got == 0 && !ferror(from))
			return count;
		if (got < HEADER)
			goto short_read;
		if (frame[0] != 0xff || (frame[1] & 0xf6) != 0xf0) {
			*why = "no ADTS sync word where a frame should start";
			errno = 0;
			return -1;
		}
		len = (size_t)(frame[3] & 0x03) << 11 | (size_t)frame[4] << 3 | frame[5] >> 5;
		if (len < HEADER) {
			*why = "an ADTS frame shorter than its header";
			errno = 0;
			return -1;
		}
		if (fread(frame + HEADER, 1, len - HEADER, from) != len - HEADER)
			goto short_read;
		if (out && count >= skip && fwrite(frame, 1, len, out) != len)
			return -1;
	}
short_read:
	if (ferror(from))
		return -1;
	*why = "the last ADTS frame is cut short";
	errno = 0;
	return -1;
}
