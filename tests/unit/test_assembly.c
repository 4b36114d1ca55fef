/* Unit tests: chapters (FFmetadata and the plain list), the loudnorm
 * blocks, gate, true peak and limiter, the resampler, and paths written in a spec. */
#include <ebur128.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "chapters.h"
#include "check.h"
#include "loudnorm.h"
#include "resample.h"
#include "userpath.h"

static int same(char *got, const char *want)
{
	int ok = got && strcmp(got, want) == 0;

	if (!ok)
		printf("# got:\n%s\n# want:\n%s\n", got ? got : "(null)", want);
	free(got);
	return ok;
}

/* n samples of a sine at freq and amplitude (of full scale) */
static float *sine(size_t n, unsigned rate, double freq, double amplitude)
{
	float *s = malloc(n * sizeof *s);
	size_t i;

	for (i = 0; i < n; i++)
		s[i] = (float)(amplitude * sin(2 * M_PI * freq * i / rate));
	return s;
}

static double peak_of(const float *s, size_t n)
{
	double p = 0;
	size_t i;

	for (i = 0; i < n; i++)
		if (fabs(s[i]) > p)
			p = fabs(s[i]);
	return p;
}

/* EBU Tech 3341: a 1 kHz sine at -20 dBFS, one channel, reads -23 LUFS
 * (within 0.1), its true peak -20 dBTP; silence has no loudness. */
static void test_meter(void)
{
	float *s = sine(48000 * 5, 48000, 997, 0.1), zero[48000] = { 0 };
	struct loudnorm_peak *m = loudnorm_peak_new(48000);
	double *blocks;
	size_t n = loudnorm_blocks(s, 48000 * 5, 48000, &blocks);
	const double *lists[] = { blocks };

	CHECK(n == 47);
	CHECK(fabs(loudnorm_gated(lists, &n, 1) + 23.0) < 0.1);
	free(blocks);
	loudnorm_peak_add(m, s, 48000 * 5);
	CHECK(fabs(loudnorm_peak_read(m) + 20.0) < 0.1);
	loudnorm_peak_free(m);
	n = loudnorm_blocks(zero, 48000, 48000, &blocks);
	lists[0] = blocks;
	CHECK(n == 7 && loudnorm_gated(lists, &n, 1) == -HUGE_VAL);
	free(blocks);
	m = loudnorm_peak_new(48000);
	loudnorm_peak_add(m, zero, 4800);
	CHECK(loudnorm_peak_read(m) == -HUGE_VAL);
	loudnorm_peak_free(m);
	free(s);
}

/* libebur128's own reading of n samples cut in parts, each on a meter of
 * its own, read as one */
static double reference(const float *s, const size_t *cut, size_t parts)
{
	ebur128_state *st[4];
	double lufs;
	size_t i, at = 0;

	for (i = 0; i < parts; at += cut[i++]) {
		st[i] = ebur128_init(1, 48000, EBUR128_MODE_I);
		ebur128_add_frames_float(st[i], s + at, cut[i]);
	}
	ebur128_loudness_global_multiple(st, parts, &lufs);
	for (i = 0; i < parts; i++)
		ebur128_destroy(&st[i]);
	return lufs;
}

/* Blocks measured part by part, and gated together, read what libebur128
 * reads of the parts on meters of their own: a quiet part, a loud one,
 * and one so much quieter than the rest that the relative gate leaves
 * it out; cut where no block lies across, and where blocks do. */
static void test_blocks_gated(void)
{
	size_t n = 48000 * 6, cut[3] = { 48000 * 2, 48000 * 2, 48000 * 2 }, i, at, counts[3];
	size_t odd[3] = { 70001, 100003, 48000 * 6 - 170004 };
	float *s = sine(n, 48000, 997, 0.1);
	const size_t *cuts[2] = { cut, odd };
	double *blocks[3];
	int c;

	for (i = 48000 * 2; i < 48000 * 4; i++)
		s[i] *= 3.16f;
	for (i = 48000 * 4; i < n; i++)
		s[i] *= 0.01f;
	for (c = 0; c < 2; c++) {
		for (i = 0, at = 0; i < 3; at += cuts[c][i++])
			counts[i] = loudnorm_blocks(s + at, cuts[c][i], 48000, &blocks[i]);
		CHECK(fabs(loudnorm_gated((const double *const *)blocks, counts, 3) -
			   reference(s, cuts[c], 3)) < 1e-9);
		for (i = 0; i < 3; i++)
			free(blocks[i]);
	}
	free(s);
}

/* A gain that would push a sine over the ceiling: limited to it, the
 * quiet part before untouched, nothing over the ceiling anywhere. */
static void test_limiter(void)
{
	size_t n = 48000, i;
	float *s = sine(n, 48000, 440, 0.5);
	struct limiter l;
	int quiet_kept = 1;

	for (i = 0; i < n / 2; i++)
		s[i] *= 0.1f;
	limiter_init(&l, 48000, 6, -3);
	limiter_run(&l, s, n);
	CHECK(peak_of(s, n) <= pow(10, -3 / 20.0) + 1e-6);
	CHECK(peak_of(s + n * 3 / 4, n / 4) > pow(10, -3 / 20.0) * 0.95);
	for (i = 0; i < n / 4; i++)
		if (fabs(s[i] - 2 * 0.05 * sin(2 * M_PI * 440 * i / 48000.0)) > 0.05 * 0.01)
			quiet_kept = 0;
	CHECK(quiet_kept);
	limiter_free(&l);
	free(s);
}

/* 22050 Hz speech-band sine to 48 kHz: the length scales, the tone keeps
 * its level and lands where it should; going down removes what the new
 * rate cannot hold. */
static void test_resample(void)
{
	float *s = sine(22050, 22050, 1000, 0.5), *out, *want, *high;
	size_t n, i;
	double err = 0;

	out = resample(s, 22050, 22050, 48000, &n);
	CHECK(n == 48000);
	want = sine(48000, 48000, 1000, 0.5);
	for (i = 100; i < n - 100; i++)
		if (fabs(out[i] - want[i]) > err)
			err = fabs(out[i] - want[i]);
	CHECK(err < 0.005);
	free(out);
	high = sine(48000, 48000, 15000, 0.5);
	out = resample(high, 48000, 48000, 16000, &n);
	CHECK(n == 16000 && peak_of(out + 100, n - 200) < 0.01);
	free(out);
	out = resample(want, 48000, 48000, 48000, &n);
	CHECK(n == 48000 && memcmp(out, want, n * sizeof *out) == 0);
	free(out);
	free(want);
	free(high);
	free(s);
}

int main(void)
{
	const struct chapter ch[] = {
		{ 0, 1500, "Intro" },
		{ 1500, 65250, "Sign up; pay = done #1" },
		{ 65250, 3725000, "Two\nlines" },
	};

	CHECK(same(chapters_ffmetadata("A \\ title", ch, 2),
		   ";FFMETADATA1\ntitle=A \\\\ title\n"
		   "\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=1500\ntitle=Intro\n"
		   "\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=1500\nEND=65250\n"
		   "title=Sign up\\; pay \\= done \\#1\n"));
	CHECK(same(chapters_ffmetadata(NULL, ch + 2, 1),
		   ";FFMETADATA1\n\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=65250\nEND=3725000\n"
		   "title=Two\\\nlines\n"));
	CHECK(same(chapters_list(ch, 3), "0:00 Intro\n0:01 Sign up; pay = done #1\n1:05 Two lines\n"));
	{
		const struct chapter late = { 3725999, 3800000, "Late" };
		CHECK(same(chapters_list(&late, 1), "1:02:05 Late\n"));
	}

	test_meter();
	test_blocks_gated();
	test_limiter();
	test_resample();

	setenv("HOME", "/home/ann", 1);
	CHECK(same(userpath_resolve("~/v/intro.mp4", "/specs"), "/home/ann/v/intro.mp4"));
	CHECK(same(userpath_resolve("~", "/specs"), "/home/ann"));
	CHECK(same(userpath_resolve("/abs/x.mp4", "/specs"), "/abs/x.mp4"));
	CHECK(same(userpath_resolve("media/x.mp4", "/specs"), "/specs/media/x.mp4"));
	CHECK(userpath_resolve("~bob/x", "/specs") == NULL);
	unsetenv("HOME");
	CHECK(userpath_resolve("~/x", "/specs") == NULL);
	return check_done();
}
