/* test_segments - a track cut in its silences: every cut on the AAC frame
 * grid with its margins of silence, none closer than the shortest segment,
 * and segments named by their samples alone */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adts.h"
#include "check.h"
#include "segments.h"
#include "wav.h"

#define RATE 48000

/* A track of n samples: sound (a ramp, never 0) over [at[k], at[k] + len[k]). */
static int16_t *track(size_t n, const size_t *at, const size_t *len, size_t parts)
{
	int16_t *s = calloc(n, sizeof *s);
	size_t k, i;

	for (k = 0; k < parts; k++)
		for (i = 0; i < len[k]; i++)
			s[at[k] + i] = (int16_t)(1 + (i + k) % 1000);
	return s;
}

static const char *write_track(const int16_t *s, size_t n)
{
	static char path[64];
	unsigned char hdr[WAV_HEADER16];
	int fd;
	FILE *f;

	strcpy(path, "/tmp/test_segments.XXXXXX");
	fd = mkstemp(path);
	f = fdopen(fd, "wb");

	wav_header16(hdr, n, RATE, 1);
	fwrite(hdr, 1, sizeof hdr, f);
	fwrite(s, sizeof *s, n, f);
	fclose(f);
	return path;
}

static size_t plan(const int16_t *s, size_t n, const char *key, struct segment **segs)
{
	const char *path = write_track(s, n);
	size_t count = segments_plan(path, n, key, segs);

	remove(path);
	return count;
}

/* Every segment named by the digest of the key and its own samples. */
static int named_by_samples(const int16_t *s, const struct segment *segs, size_t count,
			    const char *key)
{
	char hex[SHA256_HEX_SIZE];
	size_t k, klen = strlen(key) + 1;

	for (k = 0; k < count; k++) {
		size_t len = (size_t)(segs[k].end - segs[k].start) * sizeof *s;
		unsigned char *buf = malloc(klen + len);

		memcpy(buf, key, klen);
		memcpy(buf + klen, s + segs[k].start, len);
		sha256_hex(buf, klen + len, hex);
		free(buf);
		if (strcmp(hex, segs[k].hash))
			return 0;
	}
	return 1;
}

/* Every cut on the grid, with 4096 samples of silence either side. */
static int cuts_quiet(const int16_t *s, const struct segment *segs, size_t count)
{
	size_t k, i;

	for (k = 1; k < count; k++) {
		if (segs[k].start % AAC_FRAME || segs[k].start != segs[k - 1].end)
			return 0;
		for (i = segs[k].start - 4096; i < segs[k].start + 4096; i++)
			if (s[i])
				return 0;
	}
	return 1;
}

int main(void)
{
	/* three narrations of 6 s, 14 s apart: each followed by 8 s of silence */
	size_t n = 60 * RATE, at[] = { RATE + 17, 21 * RATE + 301, 41 * RATE + 555 },
	       len[] = { 6 * RATE, 6 * RATE, 6 * RATE };
	int16_t *s = track(n, at, len, 3), *moved;
	struct segment *a, *b;
	size_t na, nb, k;

	na = plan(s, n, "aac 192k", &a);
	CHECK(na >= 3);
	CHECK(a[0].start == 0 && a[na - 1].end == n);
	CHECK(cuts_quiet(s, a, na));
	CHECK(named_by_samples(s, a, na, "aac 192k"));
	for (k = 0; k + 1 < na; k++)
		CHECK(a[k].end - a[k].start >= 10 * RATE);

	/* the same samples, the same names; another key, other names */
	nb = plan(s, n, "aac 192k", &b);
	CHECK(nb == na && memcmp(a, b, na * sizeof *a) == 0);
	free(b);
	nb = plan(s, n, "aac 128k", &b);
	CHECK(nb == na && strcmp(a[1].hash, b[1].hash) != 0);
	free(b);

	/* the second narration changed: the segments before it keep their name */
	s[at[1] + 100] ^= 1;
	nb = plan(s, n, "aac 192k", &b);
	CHECK(nb == na && strcmp(a[0].hash, b[0].hash) == 0);
	for (k = 0; k < na; k++)
		if (a[k].start <= at[1] + 100 && at[1] + 100 < a[k].end)
			CHECK(strcmp(a[k].hash, b[k].hash) != 0);
		else
			CHECK(strcmp(a[k].hash, b[k].hash) == 0);
	s[at[1] + 100] ^= 1;
	free(b);

	/* the whole track later by a multiple of the frame: the same segments,
	 * one of silence more before them */
	moved = calloc(n + 16 * AAC_FRAME * 30, sizeof *moved);
	memcpy(moved + 16 * AAC_FRAME * 30, s, n * sizeof *s);
	nb = plan(moved, n + 16 * AAC_FRAME * 30, "aac 192k", &b);
	CHECK(nb >= na);
	CHECK(strcmp(a[na - 1].hash, b[nb - 1].hash) == 0);
	free(b);
	free(moved);

	/* 12 s of silence first, and a silence that ends just past where
	 * the reader's buffer does, 4096 samples before a cut could be */
	{
		size_t at2[] = { 12 * RATE, 16384 * 60 + 5 }, len2[] = { 5 * RATE, 3 * RATE };
		int16_t *t = track(n, at2, len2, 2);

		nb = plan(t, n, "k", &b);
		CHECK(nb >= 2 && b[0].end >= 10 * RATE);
		CHECK(cuts_quiet(t, b, nb));
		CHECK(named_by_samples(t, b, nb, "k"));
		free(b);
		free(t);
	}

	/* no silence wide enough: one segment */
	for (k = 0; k < n; k++)
		s[k] = k % 4000 ? 1 : 0;
	nb = plan(s, n, "aac 192k", &b);
	CHECK(nb == 1 && b[0].start == 0 && b[0].end == n);
	CHECK(named_by_samples(s, b, nb, "aac 192k"));
	free(b);

	free(a);
	free(s);
	return check_done();
}
