/* wav.h - RIFF/WAVE PCM parsing and writing */
#ifndef WAV_H
#define WAV_H

#include <stddef.h>
#include <stdint.h>

struct wav {
	unsigned rate;        /* samples per second */
	unsigned channels;
	unsigned bits;        /* bits per sample: 8, 16, 24 or 32 */
	size_t data_offset;   /* where the PCM bytes start in the file */
	size_t data_bytes;    /* length of the data chunk */
	uint64_t frames;      /* sample frames: data_bytes / (channels * bits/8) */
};

/* Parse a whole WAV file held in memory. Accepts only integer PCM
 * (format 1, or WAVE_FORMAT_EXTENSIBLE with the PCM subtype) whose header
 * sizes agree with len. Returns 0, or -1 with *why set to a short reason. */
int wav_parse(const unsigned char *buf, size_t len, struct wav *w, const char **why);

/* Read and parse a WAV file's header and sizes; same result as wav_parse.
 * On failure errno tells the two apart: set (ENOENT…, *why its strerror)
 * when the file cannot be read, an I/O error; 0 when it was read and is not
 * a complete PCM WAV, bad media. */
int wav_probe(const char *path, struct wav *w, const char **why);

/* Duration in seconds. */
double wav_seconds(const struct wav *w);

/* The 44-byte header of a 16-bit PCM WAV holding frames sample frames. */
#define WAV_HEADER16 44
void wav_header16(unsigned char *hdr, size_t frames, unsigned rate, unsigned channels);

/* Serialise 16-bit PCM samples (interleaved) as a WAV file in memory.
 * Returns a malloc'd buffer; *len receives its size. */
unsigned char *wav_build16(const int16_t *samples, size_t frames, unsigned rate,
			   unsigned channels, size_t *len);

/* The samples of a parsed WAV (buf: the whole file), channels averaged
 * into one, as fractions of full scale. Returns a malloc'd array of
 * w->frames samples. */
float *wav_mono(const unsigned char *buf, const struct wav *w);

/* n samples from full scale [-1, 1] to 16 bits, rounded, clipped. */
void wav_to_pcm16(const float *s, int16_t *pcm, size_t n);

#endif
