/* test_wav - parsing of complete, truncated and foreign WAV files */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>

#include "check.h"
#include "wav.h"

static void put32(unsigned char *p, unsigned v)
{
	p[0] = v & 0xff, p[1] = (v >> 8) & 0xff, p[2] = (v >> 16) & 0xff, p[3] = v >> 24;
}

static int refused_for(const unsigned char *buf, size_t len, const char *reason)
{
	struct wav w;
	const char *why = NULL;

	if (wav_parse(buf, len, &w, &why) == 0)
		return 0;
	if (strcmp(why, reason) != 0)
		printf("# why: %s\n", why);
	return strcmp(why, reason) == 0;
}

int main(void)
{
	int16_t samples[2205];
	unsigned char *buf, *big;
	size_t len, i;
	struct wav w;
	const char *why;

	for (i = 0; i < 2205; i++)
		samples[i] = (int16_t)(i * 7);
	buf = wav_build16(samples, 2205, 22050, 1, &len);
	CHECK(len == 44 + 2 * 2205);
	CHECK(wav_parse(buf, len, &w, &why) == 0);
	CHECK(w.rate == 22050 && w.channels == 1 && w.bits == 16);
	CHECK(w.frames == 2205 && w.data_offset == 44 && w.data_bytes == 4410);
	CHECK(wav_seconds(&w) > 0.0999 && wav_seconds(&w) < 0.1001);
	CHECK(memcmp(buf + 44 + 2 * 100, &samples[100], 2) == 0); /* little endian */

	/* the failures a half-synced or foreign file shows */
	CHECK(refused_for(buf, len - 1,
			  "RIFF size does not match the file size (truncated or still being written)"));
	CHECK(refused_for(buf, 8, "not a RIFF/WAVE file"));
	memcpy(buf + 8, "AVI ", 4);
	CHECK(refused_for(buf, len, "not a RIFF/WAVE file"));
	memcpy(buf + 8, "WAVE", 4);
	buf[20] = 3; /* IEEE float */
	CHECK(refused_for(buf, len, "not integer PCM"));
	buf[20] = 1;
	put32(buf + 40, 4411); /* data chunk longer than the file */
	CHECK(refused_for(buf, len, "a chunk runs past the end of the file (truncated)"));
	put32(buf + 40, 4410);
	CHECK(wav_parse(buf, len, &w, &why) == 0);

	/* a LIST chunk before the data, as ffmpeg writes, is skipped */
	big = malloc(len + 12);
	memcpy(big, buf, 36);
	memcpy(big + 36, "LIST\4\0\0\0INFO", 12);
	memcpy(big + 48, buf + 36, len - 36);
	put32(big + 4, (unsigned)(len + 12 - 8));
	CHECK(wav_parse(big, len + 12, &w, &why) == 0 && w.data_offset == 56 && w.frames == 2205);

	CHECK(wav_probe("/nonexistent/x.wav", &w, &why) == -1 && strcmp(why, "No such file or directory") == 0);
	free(big);
	free(buf);
	{
		/* two channels averaged into one, as fractions of full scale */
		const int16_t stereo[] = { 16384, -16384, 32767, 32767, -32768, 0 };
		unsigned char *two = wav_build16(stereo, 3, 48000, 2, &len), hdr[WAV_HEADER16];
		struct wav w2;
		const char *why2;
		float *mono;

		CHECK(wav_parse(two, len, &w2, &why2) == 0 && w2.frames == 3);
		mono = wav_mono(two, &w2);
		CHECK(mono[0] == 0.0f && mono[1] > 0.9999f && mono[2] == -0.5f);
		wav_header16(hdr, 3, 48000, 2);
		CHECK(memcmp(hdr, two, WAV_HEADER16) == 0);
		free(mono);
		free(two);
	}
	/* a file that cannot be read is told apart from one that is not a WAV */
	{
		char path[] = "/tmp/tour-wav.XXXXXX";
		int fd = mkstemp(path);
		const char *why2 = NULL;
		struct wav w2;

		CHECK(fd >= 0 && write(fd, "not a wav", 9) == 9 && close(fd) == 0);
		errno = EINVAL;
		CHECK(wav_probe(path, &w2, &why2) < 0 && errno == 0 && why2);
		unlink(path);
		errno = 0;
		CHECK(wav_probe(path, &w2, &why2) < 0 && errno == ENOENT);
	}
	return check_done();
}
