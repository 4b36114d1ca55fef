/* loudnorm.h - EBU R128 loudness: measured with libebur128, the reference
 * implementation, and reached by a gain with a look-ahead peak limiter */
#ifndef LOUDNORM_H
#define LOUDNORM_H

#include <stddef.h>

/* What video sites normalise speech to. */
#define LOUDNORM_TARGET_LUFS -16.0
#define LOUDNORM_TARGET_DBTP -1.5

struct loudnorm_meter;

/* A meter for a mono signal at rate: integrated loudness, and the true
 * peak when true_peak is set. */
struct loudnorm_meter *loudnorm_meter_new(unsigned rate, int true_peak);
void loudnorm_meter_add(struct loudnorm_meter *m, const float *samples, size_t n);
/* Integrated loudness (LUFS) and true peak (dBTP; -HUGE_VAL when not
 * measured) of all samples added to n meters, as one signal cut in n:
 * the gating sees the blocks of all. Returns -1 when there is no level to
 * speak of (silence). */
int loudnorm_meter_read(struct loudnorm_meter *const *m, size_t n, double *lufs, double *dbtp);
void loudnorm_meter_free(struct loudnorm_meter *m);

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
