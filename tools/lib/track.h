/* track.h - a tour's audio track: its parts (the intro, each step, the
 * outro) laid out at their samples and written as one 16-bit mono WAV,
 * sample-exact; with loudness normalisation, measured by libebur128 and
 * reached by a gain and a peak limiter. Each part is built, limited and
 * measured on its own, two at a time (the parts before the middle on one
 * thread, those after on another), and what it gave is kept in a cache
 * (partcache.h): an assembly builds again only the parts an edit changed,
 * and copies the others' samples. */
#ifndef TRACK_H
#define TRACK_H

#include <stddef.h>
#include <stdint.h>

#include "partcache.h"
#include "sha256.h"

#define TRACK_RATE 48000

struct track_part {
	const char *name;      /* for messages: the step's id */
	size_t samples;        /* its length in the track */
	const float *audio;    /* its own sound from its start (an intro's), or NULL */
	size_t audio_samples;
	const char *wav;       /* a narration, read and resampled here, or NULL */
	size_t at;             /* where the narration starts in the part */
	/* found while building */
	uint64_t start;        /* its first sample in the track */
	double wav_seconds;
	size_t lost;           /* narration samples past the part's end, cut */
	char key[SHA256_HEX_SIZE];      /* of all it is made of */
	struct part_entry source;       /* its blocks as it stands */
	char out_key[SHA256_HEX_SIZE];  /* of that and how it is normalised */
	struct part_entry out;          /* its blocks normalised; its samples' digest */
	int written;           /* its samples are in the track as normalised now */
};

struct track {
	struct track_part *parts;
	size_t count;
	uint64_t samples;      /* of all parts */
	size_t half;           /* the first part of the second thread's half */
	const char *cache;     /* the folder of parts kept */
	char program[SHA256_HEX_SIZE];  /* what made them: parts another build of
					 * this program made are not used */
	const char *path;      /* the track being written */
	char **keep;           /* entries of the cache this assembly used */
	size_t kept;
	/* normalising */
	int normalising;
	double gain, ceiling, lufs, dbtp;
	double last_gain, last_lufs;  /* the try before, for the slope */
};

/* A track of count parts, their samples set, kept in the folder cache
 * (which must exist); plans the halves. */
void track_init(struct track *tr, struct track_part *parts, size_t count, const char *cache);

/* Build the track into path as it is. */
void track_write(struct track *tr, const char *path);

/* Build the track, measure it, and normalise it into path; the true peak,
 * which costs four times the rest of a measurement, is left to
 * track_peak_under_target. Returns 0 when the narration is silent: then
 * path holds the track as it is, with a warning. */
int track_normalise(struct track *tr, const char *path);

/* Whether the true peak of the normalised track at path, as its encoder
 * reads it, is under the target. */
int track_peak_under_target(struct track *tr, const char *path);

/* The true peak (dBTP; -HUGE_VAL for silence) of samples [from, to) of
 * the track at path, measured as if the track were silent around them. */
double track_peak_of(const char *path, uint64_t from, uint64_t to);

/* A true peak over the target: the ceiling lowered by as much, normalised
 * again into path, measuring the true peak each try. */
void track_renormalise(struct track *tr, const char *path);

/* Warn when the result is off the target; keep in the cache only what
 * this assembly used. */
void track_finish(struct track *tr);

#endif
