/* test_adts - copying ADTS frames: whole streams, the first frames left
 * out, and streams that are not ADTS or are cut short */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "adts.h"
#include "check.h"

/* An ADTS frame of len bytes, header included, its payload filled with
 * tag: MPEG-4 AAC-LC, 48 kHz, mono, no CRC. */
static size_t frame(unsigned char *p, size_t len, unsigned char tag)
{
	p[0] = 0xff;
	p[1] = 0xf1;
	p[2] = 0x4c;  /* AAC-LC, 48 kHz */
	p[3] = 0x40 | (unsigned char)((len >> 11) & 0x03);  /* mono */
	p[4] = (unsigned char)(len >> 3);
	p[5] = (unsigned char)((len & 0x07) << 5 | 0x1f);
	p[6] = 0xfc;
	memset(p + 7, tag, len - 7);
	return len;
}

static FILE *stream_of(const unsigned char *buf, size_t len)
{
	FILE *f = tmpfile();

	fwrite(buf, 1, len, f);
	rewind(f);
	return f;
}

/* adts_copy of buf, skip frames left out: its result, and what it wrote
 * in out (*out_len bytes) */
static long copy(const unsigned char *buf, size_t len, long skip, unsigned char *out,
		 size_t *out_len, const char **why)
{
	FILE *in = stream_of(buf, len), *dst = tmpfile();
	long n = adts_copy(dst, in, skip, why);

	rewind(dst);
	*out_len = fread(out, 1, 65536, dst);
	fclose(in);
	fclose(dst);
	return n;
}

int main(void)
{
	static unsigned char buf[65536], out[65536];
	size_t len = 0, first, out_len;
	const char *why = NULL;

	first = frame(buf, 9, 'a');
	len = first + frame(buf + first, 300, 'b');
	len += frame(buf + len, 8191, 'c');  /* the longest a frame can be */

	CHECK(copy(buf, len, 0, out, &out_len, &why) == 3);
	CHECK(out_len == len && memcmp(out, buf, len) == 0);

	/* the first frame left out: the rest, byte for byte */
	CHECK(copy(buf, len, 1, out, &out_len, &why) == 3);
	CHECK(out_len == len - first && memcmp(out, buf + first, out_len) == 0);

	CHECK(copy(buf, 0, 0, out, &out_len, &why) == 0 && out_len == 0);

	/* counted only, with nowhere to copy to */
	{
		FILE *in = stream_of(buf, len);

		CHECK(adts_copy(NULL, in, 0, &why) == 3);
		fclose(in);
	}

	/* cut inside a frame, and inside a header */
	errno = 0;
	CHECK(copy(buf, len - 1, 0, out, &out_len, &why) == -1 && errno == 0);
	CHECK(why && strcmp(why, "the last ADTS frame is cut short") == 0);
	CHECK(copy(buf, first + 3, 0, out, &out_len, &why) == -1 && errno == 0);

	/* not ADTS: a WAV's first bytes, and a frame shorter than a header */
	errno = 0;
	CHECK(copy((const unsigned char *)"RIFF\x24\0\0\0WAVEfmt ", 16, 0, out, &out_len,
		   &why) == -1 && errno == 0);
	CHECK(why && strcmp(why, "no ADTS sync word where a frame should start") == 0);
	frame(buf, 9, 'a');
	buf[4] = 0, buf[3] &= 0xfc, buf[5] = 0x1f;  /* length 0 */
	CHECK(copy(buf, 9, 0, out, &out_len, &why) == -1);
	CHECK(why && strcmp(why, "an ADTS frame shorter than its header") == 0);

	return check_done();
}
