/* track.c - building and normalising a tour's audio track, a part at a
 * time, on two threads */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "file.h"
#include "loudnorm.h"
#include "resample.h"
#include "track.h"
#include "util.h"
#include "wav.h"

/* The limiter lowers the level a little where it works, and a true peak
 * can fall between samples: the result is measured again, and the gain or
 * the ceiling corrected, a few times at most. */
#define LOUDNESS_TRIES 4
#define LOUDNESS_TOLERANCE 0.5

/* Gains are kept to a grid: an edit elsewhere in the tour moves the
 * loudness by hundredths of a LU, and then most often leaves the gain as
 * it was, and with it the samples of every segment the edit did not
 * touch, whose encoded frames serve again (segments.h). Half a step off
 * the exact gain is well within the tolerance. */
#define GAIN_STEP 0.25

/* What one thread does to its parts, [from, to): build them (raw NULL)
 * or read them back from raw; then limit them (lim), measure them (meter)
 * and write them to out. */
struct half {
	struct track *tr;
	size_t from, to;
	FILE *raw, *out;
	const char *raw_path, *out_path;
	struct limiter *lim;
	struct loudnorm_meter *meter;
	/* The first error met, which stops the half: told once both are
	 * done, the first half's first, as one thread would have met it.
	 * A thread that died would race the other's writes to exit. */
	int code;
	char *error;
};

void track_init(struct track *tr, struct track_part *parts, size_t count)
{
	uint64_t at = 0, best = UINT64_MAX, d;
	size_t i;

	memset(tr, 0, sizeof *tr);
	tr->parts = parts;
	tr->count = count;
	for (i = 0; i < count; i++) {
		parts[i].start = at;
		at += parts[i].samples;
	}
	tr->samples = at;
	/* the part boundary nearest the middle */
	tr->half = count;
	for (i = 1; i < count; i++) {
		d = parts[i].start > at / 2 ? parts[i].start - at / 2 : at / 2 - parts[i].start;
		if (d < best) {
			best = d;
			tr->half = i;
		}
	}
}

/* One part's samples as the track holds them: its narration from at,
 * cut at its end. NULL, with h's error set, when its WAV cannot be read. */
static float *part_samples(struct half *h, struct track_part *pt)
{
	float *s = ecalloc(pt->samples ? pt->samples : 1, sizeof *s), *narration;
	size_t len, fit;
	unsigned char *file;
	struct wav w;
	const char *why;

	if (pt->audio) {
		fit = pt->audio_samples < pt->samples ? pt->audio_samples : pt->samples;
		memcpy(s, pt->audio, fit * sizeof *s);
	}
	if (!pt->wav)
		return s;
	if (!(file = (unsigned char *)read_file(pt->wav, &len))) {
		h->code = EXIT_SYS;
		h->error = estrfmt("%s: %s", pt->wav, strerror(errno));
		free(s);
		return NULL;
	}
	if (wav_parse(file, len, &w, &why) < 0) {
		h->code = EXIT_FAIL;
		h->error = estrfmt("%s: not a complete PCM WAV: %s", pt->wav, why);
		free(file);
		free(s);
		return NULL;
	}
	pt->wav_seconds = wav_seconds(&w);
	narration = wav_mono(file, &w);
	free(file);
	len = (size_t)w.frames;
	if (w.rate != TRACK_RATE) {
		float *at_rate = resample(narration, len, w.rate, TRACK_RATE, &len);

		free(narration);
		narration = at_rate;
	}
	fit = pt->at >= pt->samples ? 0 : pt->samples - pt->at < len ? pt->samples - pt->at : len;
	if (fit)
		memcpy(s + pt->at, narration, fit * sizeof *s);
	pt->lost = len - fit;
	free(narration);
	return s;
}

/* Returns -1, with h's error set, when out cannot be written. */
static int finish_part(struct half *h, float *part, size_t n)
{
	int16_t buf[4096];
	size_t i, k;

	if (h->lim)
		limiter_run(h->lim, part, n);
	if (h->meter)
		loudnorm_meter_add(h->meter, part, n);
	for (i = 0; i < n; i += k) {
		for (k = 0; k < LEN(buf) && i + k < n; k++) {
			float v = part[i + k] * 32768.0f;

			buf[k] = (int16_t)(v >= 32767.0f ? 32767 : v <= -32768.0f ? -32768 : lrintf(v));
		}
		if (fwrite(buf, 2, k, h->out) != k) {
			h->code = EXIT_SYS;
			h->error = estrfmt("%s: %s", h->out_path, strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* Up to n 16-bit samples from f, as finish_part wrote them, into out as
 * floats; returns how many were read. */
static size_t read_samples(FILE *f, int16_t *pcm, float *out, size_t n)
{
	size_t got = fread(pcm, sizeof *pcm, n, f), k;

	for (k = 0; k < got; k++)
		out[k] = pcm[k] / 32768.0f;
	return got;
}

/* One thread's half of a pass. */
static void *run_half(void *arg)
{
	struct half *h = arg;
	size_t i, n, cap = 0;
	int16_t *pcm = NULL;
	float *part = NULL;

	for (i = h->from; i < h->to && !h->error; i++) {
		n = h->tr->parts[i].samples;
		if (!h->raw) {
			if ((part = part_samples(h, &h->tr->parts[i])))
				finish_part(h, part, n);
			free(part);
			part = NULL;
			continue;
		}
		/* normalising again reads no WAV and resamples nothing */
		if (n > cap) {
			cap = n;
			pcm = erealloc(pcm, cap * sizeof *pcm);
			part = erealloc(part, cap * sizeof *part);
		}
		if (read_samples(h->raw, pcm, part, n) != n) {
			h->code = EXIT_SYS;
			h->error = estrfmt("%s: cannot read it back", h->raw_path);
			break;
		}
		finish_part(h, part, n);
	}
	free(pcm);
	free(part);
	return NULL;
}

static FILE *open_at(const char *path, const char *mode, uint64_t sample)
{
	FILE *f = fopen(path, mode);

	if (!f || fseeko(f, (off_t)(WAV_HEADER16 + 2 * sample), SEEK_SET) < 0)
		die(EXIT_SYS, "%s:", path);
	return f;
}

/* After building: the narrations cut, in the parts' order. */
static void built(const struct track *tr)
{
	size_t i;

	for (i = 0; i < tr->count; i++)
		if (tr->parts[i].lost)
			warn("%s: narration runs %.3f s past the end of its clip; cut",
			     tr->parts[i].name, (double)tr->parts[i].lost / TRACK_RATE);
}

/* A pass over the track into out (read back from raw, or built when raw
 * is NULL), each half measured by meters[h] when meters; limited by
 * lims[h] when lims. */
static void pass(struct track *tr, const char *raw, const char *out,
		 struct loudnorm_meter **meters, struct limiter *lims)
{
	unsigned char header[WAV_HEADER16];
	struct half h[2];
	pthread_t second;
	FILE *f;
	int i, threaded = tr->half < tr->count;

	wav_header16(header, (size_t)tr->samples, TRACK_RATE, 1);
	if (!(f = fopen(out, "wb")) || fwrite(header, 1, sizeof header, f) != sizeof header ||
	    fclose(f) != 0)
		die(EXIT_SYS, "%s:", out);
	for (i = 0; i < 2; i++) {
		size_t from = i ? tr->half : 0;
		uint64_t at = from < tr->count ? tr->parts[from].start : tr->samples;

		h[i] = (struct half){ .tr = tr, .from = from, .to = i ? tr->count : tr->half,
				      .out = open_at(out, "r+b", at), .out_path = out,
				      .raw = raw ? open_at(raw, "rb", at) : NULL, .raw_path = raw,
				      .lim = lims ? &lims[i] : NULL,
				      .meter = meters ? meters[i] : NULL };
	}
	if (threaded && (errno = pthread_create(&second, NULL, run_half, &h[1])) != 0)
		die(EXIT_SYS, "cannot start a thread:");
	run_half(&h[0]);
	if (threaded)
		pthread_join(second, NULL);
	for (i = 0; i < 2; i++)
		if (h[i].error)
			die(h[i].code, "%s", h[i].error);
	for (i = 0; i < 2; i++) {
		if (fclose(h[i].out) != 0)
			die(EXIT_SYS, "%s:", out);
		if (h[i].raw)
			fclose(h[i].raw);
	}
	if (!raw)
		built(tr);
}

void track_write(struct track *tr, const char *path)
{
	pass(tr, NULL, path, NULL, NULL);
}

static double on_grid(double gain)
{
	return round(gain / GAIN_STEP) * GAIN_STEP;
}

/* Measure both halves as one; -1 when silent. */
static int measure(struct loudnorm_meter **meters, double *lufs, double *dbtp)
{
	int r = loudnorm_meter_read(meters, 2, lufs, dbtp);

	loudnorm_meter_free(meters[0]);
	loudnorm_meter_free(meters[1]);
	return r;
}

/* Try gains (and ceilings) until the track, written to path, is within
 * LOUDNESS_TOLERANCE of the target loudness; with true_peak, until its
 * true peak is under the target too. */
static void normalise(struct track *tr, const char *path, int true_peak)
{
	struct loudnorm_meter *meters[2];
	struct limiter lims[2];
	double slope, aim;
	int try, i;

	for (try = 0; try < LOUDNESS_TRIES; try++) {
		for (i = 0; i < 2; i++) {
			limiter_init(&lims[i], TRACK_RATE, tr->gain, tr->ceiling);
			meters[i] = loudnorm_meter_new(TRACK_RATE, true_peak);
		}
		pass(tr, tr->raw_path, path, meters, lims);
		for (i = 0; i < 2; i++)
			limiter_free(&lims[i]);
		if (measure(meters, &tr->lufs, &tr->dbtp) < 0)
			die(EXIT_FAIL, "output.loudnorm: the narration fell silent when normalised");
		if (fabs(tr->lufs - LOUDNORM_TARGET_LUFS) <= LOUDNESS_TOLERANCE &&
		    tr->dbtp <= LOUDNORM_TARGET_DBTP)
			break;
		/* the limiter takes back part of any gain added: the next gain
		 * follows the line through the last two results, aimed half the
		 * tolerance past the target, as the limiter takes back more the
		 * higher the gain (the bench's narrated tour: 2 tries, not 3) */
		slope = tr->gain != tr->last_gain ?
			(tr->lufs - tr->last_lufs) / (tr->gain - tr->last_gain) : 1;
		slope = slope < 0.25 ? 0.25 : slope > 1 ? 1 : slope;
		aim = LOUDNORM_TARGET_LUFS + (tr->lufs < LOUDNORM_TARGET_LUFS ? 1 : -1) *
					     LOUDNESS_TOLERANCE / 2;
		tr->last_gain = tr->gain;
		tr->last_lufs = tr->lufs;
		if (fabs(tr->lufs - LOUDNORM_TARGET_LUFS) > LOUDNESS_TOLERANCE)
			tr->gain = on_grid(tr->gain + (aim - tr->lufs) / slope);
		/* towards the target peak from below, away from it from above */
		if (true_peak)
			tr->ceiling += LOUDNORM_TARGET_DBTP - tr->dbtp - 0.1;
	}
}

int track_normalise(struct track *tr, const char *raw_path, const char *path)
{
	struct loudnorm_meter *meters[2] = { loudnorm_meter_new(TRACK_RATE, 0),
					     loudnorm_meter_new(TRACK_RATE, 0) };

	pass(tr, NULL, raw_path, meters, NULL);
	if (measure(meters, &tr->lufs, &tr->dbtp) < 0) {
		warn("output.loudnorm: the narration is silent; the audio is left as it is");
		if (rename(raw_path, path) < 0)
			die(EXIT_SYS, "%s:", path);
		return 0;
	}
	tr->raw_path = raw_path;
	tr->last_gain = 0;
	tr->last_lufs = tr->lufs;
	tr->gain = on_grid(LOUDNORM_TARGET_LUFS - tr->lufs);
	tr->ceiling = LOUDNORM_TARGET_DBTP - 0.5;
	normalise(tr, path, 0);
	return 1;
}

double track_peak_of(const char *path, uint64_t from, uint64_t to)
{
	struct loudnorm_meter *m = loudnorm_meter_new(TRACK_RATE, 1);
	int16_t pcm[16384];
	float part[LEN(pcm)];
	double lufs, dbtp;
	size_t n;
	FILE *f = open_at(path, "rb", from);

	for (; from < to; from += n) {
		n = read_samples(f, pcm, part, to - from < LEN(pcm) ? (size_t)(to - from) : LEN(pcm));
		if (n == 0)
			die(EXIT_SYS, "%s: cannot read it back%s", path, ferror(f) ? ":" : ": cut short");
		loudnorm_meter_add(m, part, n);
	}
	fclose(f);
	/* the peak is read even where the loudness is too short to gate */
	loudnorm_meter_read(&m, 1, &lufs, &dbtp);
	loudnorm_meter_free(m);
	return dbtp;
}

int track_peak_under_target(struct track *tr, const char *path)
{
	tr->dbtp = track_peak_of(path, 0, tr->samples);
	if (tr->dbtp == -HUGE_VAL)
		die(EXIT_FAIL, "output.loudnorm: the narration fell silent when normalised");
	return tr->dbtp <= LOUDNORM_TARGET_DBTP;
}

void track_renormalise(struct track *tr, const char *path)
{
	tr->ceiling += LOUDNORM_TARGET_DBTP - tr->dbtp - 0.1;
	tr->last_gain = tr->gain;
	tr->last_lufs = tr->lufs;
	normalise(tr, path, 1);
}

void track_finish(struct track *tr)
{
	if (!tr->raw_path)
		return;
	if (fabs(tr->lufs - LOUDNORM_TARGET_LUFS) > 1 || tr->dbtp > LOUDNORM_TARGET_DBTP)
		warn("output.loudnorm: reached %.1f LUFS, %.1f dBTP (target %.0f LUFS, %.1f dBTP)",
		     tr->lufs, tr->dbtp, LOUDNORM_TARGET_LUFS, LOUDNORM_TARGET_DBTP);
	unlink(tr->raw_path);
}
