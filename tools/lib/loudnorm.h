/* loudnorm.h - EBU R128 loudness: measured with libebur128, the reference
 * implementation, and reached by a gain with a look-ahead peak limiter */
#ifndef LOUDNORM_H
#define LOUDNORM_H

#include <stddef.h>

/* What video sites normalise speech to. */
#define LOUDNORM_TARGET_LUFS -16.0
#define LOUDNORM_TARGET_DBTP -1.5

/* Integrated loudness is gated over blocks: the K-weighted mean square
 * of every 400 ms of a signal, one block each 100 ms. A part's blocks,
 * measured apart and kept, gate with the other parts' as one signal cut
 * in parts would on meters of its own (ebur128_loudness_global_multiple):
 * only blocks across a cut are not there. */

/* The blocks of n samples at rate, measured by libebur128 (each is its
 * momentary loudness as the block ends), into *blocks (caller frees);
 * returns how many. */
size_t loudnorm_blocks(const float *samples, size_t n, unsigned rate, double **blocks);

/* Integrated loudness (LUFS) of parts whose blocks lists[i] holds, counts[i]
 * of them, gated as libebur128 gates; -HUGE_VAL when no block is louder
 * than the absolute gate (silence). */
double loudnorm_gated(const double *const *lists, const size_t *counts, size_t n);

/* A meter of the true peak (dBTP) of a mono signal at rate. */
struct loudnorm_peak;
struct loudnorm_peak *loudnorm_peak_new(unsigned rate);
void loudnorm_peak_add(struct loudnorm_peak *m, const float *samples, size_t n);
/* -HUGE_VAL for silence */
double loudnorm_peak_read(struct loudnorm_peak *m);
void loudnorm_peak_free(struct loudnorm_peak *m);

/* A gain, then a limiter that keeps every sample within ceiling. The
 * limiter looks ahead, so its gain has come down smoothly by the time a
 * peak arrives, and recovers slowly after it; its state runs from one
 * buffer to the next. */
struct limiter {
	double gain, ceiling;  /* linear */
	double release;        /* per-sample recovery towards no reduction */
	double held;           /* the reduction carried over from the last buffer */
	size_t lookahead;      /* samples */
	float *need;           /* work space */
	size_t need_cap;
};

void limiter_init(struct limiter *l, unsigned rate, double gain_db, double ceiling_db);
void limiter_run(struct limiter *l, float *samples, size_t n);
void limiter_free(struct limiter *l);

#endif
