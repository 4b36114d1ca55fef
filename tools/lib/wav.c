/* wav.c - RIFF/WAVE PCM parsing and writing */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "file.h"
#include "le.h"
#include "util.h"
#include "wav.h"

/* The PCM subtype GUID of WAVE_FORMAT_EXTENSIBLE, after its first two bytes. */
static const unsigned char pcm_guid_tail[14] = {
	0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71
};

int wav_parse(const unsigned char *buf, size_t len, struct wav *w, const char **why)
{
	size_t pos = 12;
	int have_fmt = 0;

	memset(w, 0, sizeof *w);
	if (len < 12 || memcmp(buf, "RIFF", 4) != 0 || memcmp(buf + 8, "WAVE", 4) != 0) {
		*why = "not a RIFF/WAVE file";
		return -1;
	}
	if ((uint64_t)le32(buf + 4) + 8 != len) {
		*why = "RIFF size does not match the file size (truncated or still being written)";
		return -1;
	}
	while (pos + 8 <= len) {
		uint32_t size = le32(buf + pos + 4);
		const unsigned char *body = buf + pos + 8;

		if ((uint64_t)pos + 8 + size > len) {
			*why = "a chunk runs past the end of the file (truncated)";
			return -1;
		}
		if (memcmp(buf + pos, "fmt ", 4) == 0) {
			uint16_t format;

			if (size < 16) {
				*why = "fmt chunk too short";
				return -1;
			}
			format = le16(body);
			if (format == 0xfffe && size >= 40 &&
			    memcmp(body + 26, pcm_guid_tail, sizeof pcm_guid_tail) == 0 &&
			    le16(body + 24) == 1)
				format = 1;
			if (format != 1) {
				*why = "not integer PCM";
				return -1;
			}
			w->channels = le16(body + 2);
			w->rate = le32(body + 4);
			w->bits = le16(body + 14);
			if (w->channels == 0 || w->rate == 0 ||
			    (w->bits != 8 && w->bits != 16 && w->bits != 24 && w->bits != 32)) {
				*why = "unsupported channel count, rate or sample size";
				return -1;
			}
			if (le16(body + 12) != w->channels * (w->bits / 8)) {
				*why = "block align disagrees with channels and sample size";
				return -1;
			}
			have_fmt = 1;
		} else if (memcmp(buf + pos, "data", 4) == 0) {
			size_t frame_bytes;

			if (!have_fmt) {
				*why = "data chunk before fmt chunk";
				return -1;
			}
			frame_bytes = (size_t)w->channels * (w->bits / 8);
			if (size % frame_bytes != 0) {
				*why = "data size is not a whole number of sample frames";
				return -1;
			}
			w->data_offset = pos + 8;
			w->data_bytes = size;
			w->frames = size / frame_bytes;
			return 0;
		}
		pos += 8 + (size_t)size + (size & 1);
	}
	*why = have_fmt ? "no data chunk" : "no fmt chunk";
	return -1;
}

int wav_probe(const char *path, struct wav *w, const char **why)
{
	size_t len;
	unsigned char *buf = (unsigned char *)read_file(path, &len);
	int ret;

	if (!buf) {
		*why = strerror(errno);
		return -1;
	}
	ret = wav_parse(buf, len, w, why);
	free(buf);
	/* read but refused: bad media, not an I/O error */
	if (ret < 0)
		errno = 0;
	return ret;
}

double wav_seconds(const struct wav *w)
{
	return w->rate ? (double)w->frames / w->rate : 0.0;
}

void wav_header16(unsigned char *hdr, size_t frames, unsigned rate, unsigned channels)
{
	size_t data = frames * channels * 2;

	memcpy(hdr, "RIFF", 4);
	put_le32(hdr + 4, (uint32_t)(36 + data));
	memcpy(hdr + 8, "WAVEfmt ", 8);
	put_le32(hdr + 16, 16);
	put_le16(hdr + 20, 1);
	put_le16(hdr + 22, (uint16_t)channels);
	put_le32(hdr + 24, rate);
	put_le32(hdr + 28, rate * channels * 2);
	put_le16(hdr + 32, (uint16_t)(channels * 2));
	put_le16(hdr + 34, 16);
	memcpy(hdr + 36, "data", 4);
	put_le32(hdr + 40, (uint32_t)data);
}

unsigned char *wav_build16(const int16_t *samples, size_t frames, unsigned rate,
			   unsigned channels, size_t *len)
{
	size_t data = frames * channels * 2, i;
	unsigned char *buf = emalloc(WAV_HEADER16 + data), *p;

	wav_header16(buf, frames, rate, channels);
	p = buf + WAV_HEADER16;
	for (i = 0; i < frames * channels; i++, p += 2)
		put_le16(p, (uint16_t)samples[i]);
	*len = WAV_HEADER16 + data;
	return buf;
}

/* One sample as a fraction of full scale. 8-bit PCM is unsigned, the
 * wider sizes signed little-endian. */
static float sample_at(const unsigned char *p, unsigned bits)
{
	switch (bits) {
	case 8: return ((int)p[0] - 128) / 128.0f;
	case 16: return (int16_t)le16(p) / 32768.0f;
	case 24: return (int32_t)((uint32_t)p[0] << 8 | (uint32_t)p[1] << 16 |
				  (uint32_t)p[2] << 24) / 2147483648.0f;
	default: return (int32_t)le32(p) / 2147483648.0f;
	}
}

float *wav_mono(const unsigned char *buf, const struct wav *w)
{
	const unsigned char *p = buf + w->data_offset;
	size_t bytes = w->bits / 8, i;
	unsigned c;
	float *out = emalloc((w->frames ? w->frames : 1) * sizeof *out);

	for (i = 0; i < w->frames; i++) {
		float sum = 0;

		for (c = 0; c < w->channels; c++, p += bytes)
			sum += sample_at(p, w->bits);
		out[i] = sum / (float)w->channels;
	}
	return out;
}

void wav_to_pcm16(const float *s, int16_t *pcm, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		pcm[i] = (int16_t)lrintf(fmaxf(-32768.0f, fminf(32767.0f, s[i] * 32768.0f)));
}
