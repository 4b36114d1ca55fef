/* track.c - building and normalising a tour's audio track, a part at a
 * time, on two threads, with what each part gave kept for the next time */
#include <ebur128.h>
#include <errno.h>
#include <fcntl.h>
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
 * it was, and with it every part the edit did not touch, whose normalised
 * samples serve again, and the encoded frames made of them (segments.h).
 * Half a step off the exact gain is well within the tolerance. */
#define GAIN_STEP 0.25

/* Samples copied from the cache at a time. */
#define COPY_SAMPLES 65536

/* What one thread does, to each of its parts [from, to) in turn. */
struct half {
	struct track *tr;
	size_t from, to;
	int fd;  /* the track, each part written at its place */
	void (*job)(struct half *h, struct track_part *pt);
	/* The first error met, which stops the half: told once both are
	 * done, the first half's first, as one thread would have met it.
	 * A thread that died would race the other's writes to exit. */
	int code;
	char *error;
};

static void fail(struct half *h, int code, char *error)
{
	if (!h->error) {
		h->code = code;
		h->error = error;
	} else {
		free(error);
	}
}

void track_init(struct track *tr, struct track_part *parts, size_t count, const char *cache)
{
	uint64_t at = 0, best = UINT64_MAX, d;
	size_t i;

	memset(tr, 0, sizeof *tr);
	tr->parts = parts;
	tr->count = count;
	tr->cache = cache;
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
	/* this very program, so that a part is made again when the code that
	 * makes it changed */
	if (sha256_self_hex(tr->program) < 0)
		die(EXIT_SYS, "libcrypto: cannot make a digest");
}

/* The narration's WAV file, read whole; NULL, with h's error set, when it
 * cannot be. */
static unsigned char *read_wav(struct half *h, const struct track_part *pt, size_t *len)
{
	unsigned char *file = (unsigned char *)read_file(pt->wav, len);

	if (!file)
		fail(h, EXIT_SYS, estrfmt("%s: %s", pt->wav, strerror(errno)));
	return file;
}

/* One part's samples as the track holds them before normalising: its own
 * sound, and its narration (the WAV file's bytes) from at, cut at its end.
 * NULL, with h's error set, when the WAV is not one. */
static float *part_samples(struct half *h, struct track_part *pt, const unsigned char *file,
			   size_t len)
{
	float *s = ecalloc(pt->samples ? pt->samples : 1, sizeof *s), *narration;
	size_t fit;
	struct wav w;
	const char *why;

	if (pt->audio) {
		fit = pt->audio_samples < pt->samples ? pt->audio_samples : pt->samples;
		memcpy(s, pt->audio, fit * sizeof *s);
	}
	if (!file)
		return s;
	if (wav_parse(file, len, &w, &why) < 0) {
		fail(h, EXIT_FAIL, estrfmt("%s: not a complete PCM WAV: %s", pt->wav, why));
		free(s);
		return NULL;
	}
	pt->wav_seconds = wav_seconds(&w);
	narration = wav_mono(file, &w);
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

/* What a part is made of: this program, where its narration lies, its
 * own sound and its WAV file's bytes. */
static int source_key(const struct track *tr, const struct track_part *pt,
		      const unsigned char *file, size_t len, char key[SHA256_HEX_SIZE])
{
	struct sha256 *d = sha256_new();
	int major, minor, patch, r;
	char *what;

	/* the library as loaded, which measures the blocks */
	ebur128_get_version(&major, &minor, &patch);
	what = estrfmt("part %s libebur128 %d.%d.%d rate %d samples %zu at %zu audio %zu "
		       "wav %zu\n", tr->program, major, minor, patch, TRACK_RATE, pt->samples,
		       pt->at, pt->audio ? pt->audio_samples : 0, file ? len : 0);
	r = !d || sha256_add(d, what, strlen(what)) < 0 ||
		(pt->audio && sha256_add(d, pt->audio, pt->audio_samples * sizeof *pt->audio) < 0) ||
		(file && sha256_add(d, file, len) < 0) ? -1 : 0;

	if (d && sha256_end(d, key) < 0)
		r = -1;
	free(what);
	return r;
}

/* A part as it stands: named, and its blocks read from the cache or
 * measured and kept there. */
static void source_job(struct half *h, struct track_part *pt)
{
	unsigned char *file = NULL;
	size_t len = 0;
	float *s;
	char *failed = NULL;
	struct part_entry *e = &pt->source;

	if (pt->wav && !(file = read_wav(h, pt, &len)))
		return;
	if (source_key(h->tr, pt, file, len, pt->key) < 0) {
		fail(h, EXIT_SYS, estrfmt("libcrypto: cannot digest %s", pt->name));
	} else if (partcache_read(h->tr->cache, pt->key, e) < 0 ||
		   sscanf(e->head, "%lf %zu", &pt->wav_seconds, &pt->lost) != 2) {
		free(e->blocks);
		if ((s = part_samples(h, pt, file, len))) {
			e->count = loudnorm_blocks(s, pt->samples, TRACK_RATE, &e->blocks);
			snprintf(e->head, sizeof e->head, "%.17g %zu", pt->wav_seconds, pt->lost);
			if (partcache_write(h->tr->cache, pt->key, e, &failed) < 0)
				fail(h, EXIT_SYS, estrfmt("%s: %s", failed, strerror(errno)));
			free(failed);
			free(s);
		}
	}
	free(file);
}

static int write_at(int fd, const void *data, size_t len, off_t at)
{
	const char *p = data;
	ssize_t n;

	while (len) {
		n = pwrite(fd, p, len, at);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
		at += n;
	}
	return 0;
}

static off_t offset_of(const struct track_part *pt)
{
	return (off_t)(WAV_HEADER16 + 2 * pt->start);
}

/* n samples as 16-bit ones, digested by d, into the track at the part's
 * place and into fd (the cache's file at tmp): 0, or -1 with errno and
 * *where the file that could not be written. */
static int write_pcm(struct half *h, const struct track_part *pt, const float *s, size_t n,
		     int fd, const char *tmp, struct sha256 *d, const char **where)
{
	int16_t pcm[4096];
	size_t i, k;

	for (i = 0; i < n; i += k) {
		k = n - i < LEN(pcm) ? n - i : LEN(pcm);
		wav_to_pcm16(s + i, pcm, k);
		*where = "libcrypto";
		if (sha256_add(d, pcm, k * sizeof *pcm) < 0)
			return errno = EIO, -1;
		*where = h->tr->path;
		if (write_at(h->fd, pcm, k * sizeof *pcm, offset_of(pt) + 2 * (off_t)i) < 0)
			return -1;
		*where = tmp;
		if (write_at(fd, pcm, k * sizeof *pcm, 2 * (off_t)i) < 0)
			return -1;
	}
	return 0;
}

/* The part normalised as this try says, from its narration: written into
 * the track, and kept in the cache with its blocks. */
static void build_output(struct half *h, struct track_part *pt)
{
	struct track *tr = h->tr;
	unsigned char *file = NULL;
	char *pcm_path, *tmp;
	size_t len = 0;
	float *s;
	struct limiter lim;
	struct part_entry *e = &pt->out;
	struct sha256 *d = NULL;
	const char *where;
	char *failed = NULL, key[SHA256_HEX_SIZE];
	int fd, r;

	if (pt->wav && !(file = read_wav(h, pt, &len)))
		return;
	/* the samples kept under the key must be of the bytes it digests */
	if (source_key(tr, pt, file, len, key) < 0 || strcmp(key, pt->key)) {
		fail(h, EXIT_FAIL, estrfmt("%s: changed while the audio was assembled; "
					   "assemble again", pt->wav ? pt->wav : pt->name));
		free(file);
		return;
	}
	s = part_samples(h, pt, file, len);
	free(file);
	if (!s)
		return;
	free(e->blocks);
	e->blocks = NULL;
	e->count = 0;
	if (tr->normalising) {
		/* each part limited from rest: its samples depend on nothing
		 * else, and an edit elsewhere leaves them as they were */
		limiter_init(&lim, TRACK_RATE, tr->gain, tr->ceiling);
		limiter_run(&lim, s, pt->samples);
		limiter_free(&lim);
		e->count = loudnorm_blocks(s, pt->samples, TRACK_RATE, &e->blocks);
	}
	pcm_path = partcache_pcm_path(tr->cache, pt->out_key);
	tmp = partcache_tmp(tr->cache, strrchr(pcm_path, '/') + 1);
	where = tmp;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd >= 0 && !(d = sha256_new()))
		where = "libcrypto", errno = EIO;
	r = d ? write_pcm(h, pt, s, pt->samples, fd, tmp, d, &where) : -1;
	if (d && sha256_end(d, e->head) < 0 && r == 0)
		r = -1, where = "libcrypto", errno = EIO;
	if (fd >= 0 && close(fd) < 0 && r == 0)
		r = -1, where = tmp;
	if (r == 0 && rename(tmp, pcm_path) < 0)
		r = -1, where = pcm_path;
	if (r == 0 && partcache_write(tr->cache, pt->out_key, e, &failed) < 0)
		r = -1, where = failed;
	if (r < 0) {
		fail(h, EXIT_SYS, estrfmt("%s: %s", where, strerror(errno)));
		unlink(tmp);
	}
	free(failed);
	pt->written = r == 0;
	free(tmp);
	free(pcm_path);
	free(s);
}

/* How this try normalises a part: into out_key. */
static void output_key(const struct track *tr, struct track_part *pt)
{
	char *how = tr->normalising ?
		estrfmt("%s gain %.17g ceiling %.17g", pt->key, tr->gain, tr->ceiling) :
		estrfmt("%s as it is", pt->key);

	if (sha256_hex(how, strlen(how), pt->out_key) < 0)
		die(EXIT_SYS, "libcrypto: cannot make a digest");
	free(how);
}

/* A part as this try normalises it: its blocks from the cache, its
 * samples copied later (place_job), or it built now. */
static void output_job(struct half *h, struct track_part *pt)
{
	pt->written = 0;
	free(pt->out.blocks);
	if (partcache_read(h->tr->cache, pt->out_key, &pt->out) < 0 ||
	    strlen(pt->out.head) != SHA256_HEX_SIZE - 1)
		build_output(h, pt);
}

/* The part's samples the cache holds, copied into the track: 0, or -1
 * when they are not there whole, as their digest says. */
static int copy_kept(struct half *h, struct track_part *pt)
{
	char *path = partcache_pcm_path(h->tr->cache, pt->out_key), hex[SHA256_HEX_SIZE];
	int fd = open(path, O_RDONLY | O_CLOEXEC), ok = fd >= 0;
	struct sha256 *d = sha256_new();
	int16_t *buf = emalloc(COPY_SAMPLES * sizeof *buf);
	size_t done = 0, want;
	ssize_t n;

	free(path);
	while (ok && done < pt->samples) {
		want = pt->samples - done < COPY_SAMPLES ? pt->samples - done : COPY_SAMPLES;
		n = read(fd, buf, want * sizeof *buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || n % 2 || !d || sha256_add(d, buf, (size_t)n) < 0)
			ok = 0;
		else if (write_at(h->fd, buf, (size_t)n, offset_of(pt) + 2 * (off_t)done) < 0)
			fail(h, EXIT_SYS, estrfmt("%s: %s", h->tr->path, strerror(errno)));
		else
			done += (size_t)n / 2;
		ok = ok && !h->error;
	}
	/* nothing after the samples */
	if (ok && read(fd, buf, 1) != 0)
		ok = 0;
	if (d && sha256_end(d, hex) < 0)
		ok = 0;
	if (fd >= 0)
		close(fd);
	free(buf);
	return ok && !strcmp(hex, pt->out.head) ? 0 : -1;
}

/* A part the cache held, into the track; built again when its samples
 * there are not whole. */
static void place_job(struct half *h, struct track_part *pt)
{
	if (pt->written)
		return;
	if (copy_kept(h, pt) < 0 && !h->error)
		build_output(h, pt);
	pt->written = !h->error;
}

static void *run_half(void *arg)
{
	struct half *h = arg;
	size_t i;

	for (i = h->from; i < h->to && !h->error; i++)
		h->job(h, &h->tr->parts[i]);
	return NULL;
}

/* job done to every part, on two threads; the track at tr->path open for
 * them to write. */
static void each_part(struct track *tr, void (*job)(struct half *h, struct track_part *pt))
{
	struct half h[2];
	pthread_t second;
	int i, fd = -1, threaded = tr->half < tr->count;

	if (tr->path && (fd = open(tr->path, O_WRONLY | O_CLOEXEC)) < 0)
		die(EXIT_SYS, "%s:", tr->path);
	for (i = 0; i < 2; i++)
		h[i] = (struct half){ .tr = tr, .from = i ? tr->half : 0,
				      .to = i ? tr->count : tr->half, .fd = fd, .job = job };
	if (threaded && (errno = pthread_create(&second, NULL, run_half, &h[1])) != 0)
		die(EXIT_SYS, "cannot start a thread:");
	run_half(&h[0]);
	if (threaded)
		pthread_join(second, NULL);
	for (i = 0; i < 2; i++)
		if (h[i].error)
			die(h[i].code, "%s", h[i].error);
	if (fd >= 0 && close(fd) < 0)
		die(EXIT_SYS, "%s:", tr->path);
}

static void keep(struct track *tr, const char *key, const char *ext)
{
	tr->keep = erealloc(tr->keep, (tr->kept + 1) * sizeof *tr->keep);
	tr->keep[tr->kept++] = estrfmt("%s.%s", key, ext);
}

/* After building: every part named and its blocks known; the narrations
 * cut told, in the parts' order. */
static void sources(struct track *tr, const char *path)
{
	unsigned char header[WAV_HEADER16];
	size_t i;
	int fd;

	each_part(tr, source_job);
	for (i = 0; i < tr->count; i++) {
		keep(tr, tr->parts[i].key, "blocks");
		if (tr->parts[i].lost)
			warn("%s: narration runs %.3f s past the end of its clip; cut",
			     tr->parts[i].name, (double)tr->parts[i].lost / TRACK_RATE);
	}
	wav_header16(header, (size_t)tr->samples, TRACK_RATE, 1);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0 ||
	    write_at(fd, header, sizeof header, 0) < 0 ||
	    ftruncate(fd, (off_t)(WAV_HEADER16 + 2 * tr->samples)) < 0 || close(fd) < 0)
		die(EXIT_SYS, "%s:", path);
	tr->path = path;
}

/* The loudness of the parts' blocks, as they stand (source) or as this
 * try normalised them. */
static double loudness(const struct track *tr, int source)
{
	const double **lists = emalloc((tr->count ? tr->count : 1) * sizeof *lists);
	size_t *counts = emalloc((tr->count ? tr->count : 1) * sizeof *counts), i;
	double lufs;

	for (i = 0; i < tr->count; i++) {
		const struct part_entry *e = source ? &tr->parts[i].source : &tr->parts[i].out;

		lists[i] = e->blocks;
		counts[i] = e->count;
	}
	lufs = loudnorm_gated(lists, counts, tr->count);
	free(lists);
	free(counts);
	return lufs;
}

/* One try: each part's blocks as it normalises them, and its samples
 * when it had to be built. */
static void try_outputs(struct track *tr)
{
	size_t i;

	for (i = 0; i < tr->count; i++) {
		output_key(tr, &tr->parts[i]);
		keep(tr, tr->parts[i].out_key, "blocks");
	}
	each_part(tr, output_job);
}

static void place(struct track *tr)
{
	each_part(tr, place_job);
}

/* The parts into the track as they stand. */
static void as_they_stand(struct track *tr)
{
	tr->normalising = 0;
	try_outputs(tr);
	place(tr);
}

void track_write(struct track *tr, const char *path)
{
	sources(tr, path);
	as_they_stand(tr);
}

static double on_grid(double gain)
{
	return round(gain / GAIN_STEP) * GAIN_STEP;
}

/* Try gains (and ceilings) until the track, written to path, is within
 * LOUDNESS_TOLERANCE of the target loudness; with true_peak, until its
 * true peak is under the target too. A try whose parts the cache holds
 * costs their blocks read. */
static void normalise(struct track *tr, const char *path, int true_peak)
{
	double slope, aim;
	int try;

	for (try = 0; try < LOUDNESS_TRIES; try++) {
		try_outputs(tr);
		tr->lufs = loudness(tr, 0);
		if (tr->lufs == -HUGE_VAL)
			die(EXIT_FAIL, "output.loudnorm: the narration fell silent when normalised");
		if (true_peak) {
			place(tr);
			tr->dbtp = track_peak_of(path, 0, tr->samples);
		}
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
	place(tr);
}

int track_normalise(struct track *tr, const char *path)
{
	sources(tr, path);
	tr->lufs = loudness(tr, 1);
	tr->dbtp = -HUGE_VAL;
	if (tr->lufs == -HUGE_VAL) {
		warn("output.loudnorm: the narration is silent; the audio is left as it is");
		as_they_stand(tr);
		return 0;
	}
	tr->normalising = 1;
	tr->last_gain = 0;
	tr->last_lufs = tr->lufs;
	tr->gain = on_grid(LOUDNORM_TARGET_LUFS - tr->lufs);
	tr->ceiling = LOUDNORM_TARGET_DBTP - 0.5;
	normalise(tr, path, 0);
	return 1;
}

double track_peak_of(const char *path, uint64_t from, uint64_t to)
{
	struct loudnorm_peak *m = loudnorm_peak_new(TRACK_RATE);
	int16_t pcm[16384];
	float part[LEN(pcm)];
	double dbtp;
	size_t n, k;
	FILE *f = fopen(path, "rb");

	if (!f || fseeko(f, (off_t)(WAV_HEADER16 + 2 * from), SEEK_SET) < 0)
		die(EXIT_SYS, "%s:", path);
	for (; from < to; from += n) {
		n = fread(pcm, sizeof *pcm, to - from < LEN(pcm) ? (size_t)(to - from) : LEN(pcm), f);
		if (n == 0)
			die(EXIT_SYS, "%s: cannot read it back%s", path, ferror(f) ? ":" : ": cut short");
		for (k = 0; k < n; k++)
			part[k] = pcm[k] / 32768.0f;
		loudnorm_peak_add(m, part, n);
	}
	fclose(f);
	dbtp = loudnorm_peak_read(m);
	loudnorm_peak_free(m);
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
	size_t i;

	if (tr->normalising &&
	    (fabs(tr->lufs - LOUDNORM_TARGET_LUFS) > 1 || tr->dbtp > LOUDNORM_TARGET_DBTP))
		warn("output.loudnorm: reached %.1f LUFS, %.1f dBTP (target %.0f LUFS, %.1f dBTP)",
		     tr->lufs, tr->dbtp, LOUDNORM_TARGET_LUFS, LOUDNORM_TARGET_DBTP);
	for (i = 0; i < tr->count; i++)
		keep(tr, tr->parts[i].out_key, "pcm");
	partcache_keep_only(tr->cache, tr->keep, tr->kept);
	for (i = 0; i < tr->kept; i++)
		free(tr->keep[i]);
	for (i = 0; i < tr->count; i++) {
		free(tr->parts[i].source.blocks);
		free(tr->parts[i].out.blocks);
	}
	free(tr->keep);
}
