/* loudnorm.c - loudness measured by libebur128, reached by gain and a
 * look-ahead limiter */
#include <ebur128.h>
#include <math.h>
#include <stdlib.h>

#include "loudnorm.h"
#include "util.h"

/* The limiter sees this far ahead and lets go this slowly: long enough
 * that its gain changes are not heard as distortion on speech. */
#define LOOKAHEAD_S 0.005
#define RELEASE_S 0.080

struct loudnorm_meter {
	ebur128_state *state;
	int true_peak;
};

struct loudnorm_meter *loudnorm_meter_new(unsigned rate, int true_peak)
{
	struct loudnorm_meter *m = emalloc(sizeof *m);

	m->true_peak = true_peak;
	/* the true peak costs an oversampled copy of the signal */
	m->state = ebur128_init(1, rate, EBUR128_MODE_I |
				(true_peak ? EBUR128_MODE_TRUE_PEAK : 0));
	if (!m->state)
		die(EXIT_SYS, "libebur128: cannot start a meter at %u Hz", rate);
	return m;
}

void loudnorm_meter_add(struct loudnorm_meter *m, const float *samples, size_t n)
{
	if (n && ebur128_add_frames_float(m->state, samples, n) != EBUR128_SUCCESS)
		die(EXIT_SYS, "libebur128: out of memory");
}

int loudnorm_meter_read(struct loudnorm_meter *const *m, size_t n, double *lufs, double *dbtp)
{
	ebur128_state *states[8];
	double peak, max = 0;
	size_t i;

	if (n > LEN(states))
		die(EXIT_SYS, "libebur128: %zu meters read as one, more than %zu", n, LEN(states));
	for (i = 0; i < n; i++)
		states[i] = m[i]->state;
	if (ebur128_loudness_global_multiple(states, n, lufs) != EBUR128_SUCCESS)
		die(EXIT_SYS, "libebur128: cannot read the measurement");
	*dbtp = -HUGE_VAL;
	if (m[0]->true_peak) {
		for (i = 0; i < n; i++) {
			if (ebur128_true_peak(m[i]->state, 0, &peak) != EBUR128_SUCCESS)
				die(EXIT_SYS, "libebur128: cannot read the measurement");
			if (peak > max)
				max = peak;
		}
		if (max <= 0)
			return -1;
		*dbtp = 20 * log10(max);
	}
	if (!isfinite(*lufs))
		return -1;
	return 0;
}

void loudnorm_meter_free(struct loudnorm_meter *m)
{
	if (m) {
		ebur128_destroy(&m->state);
		free(m);
	}
}

void limiter_init(struct limiter *l, unsigned rate, double gain_db, double ceiling_db)
{
	l->gain = pow(10, gain_db / 20);
	l->ceiling = pow(10, ceiling_db / 20);
	l->release = 1 - exp(-1 / (RELEASE_S * rate));
	l->held = 1;
	l->lookahead = (size_t)lround(LOOKAHEAD_S * rate);
	if (l->lookahead < 1)
		l->lookahead = 1;
	l->need = NULL;
	l->need_cap = 0;
}

/* need[i]: the lowest reduction any sample in [i, i + lookahead] asks for,
 * then slowed on the way back up. Averaged over the lookahead that ends at
 * i, it comes down in a ramp and is still at most what the peak needs when
 * the peak arrives: every value averaged there is. */
void limiter_run(struct limiter *l, float *s, size_t n)
{
	size_t i, k, from, w = l->lookahead;
	double sum = 0, held = l->held;
	float *need;

	if (n > l->need_cap) {
		l->need_cap = n;
		l->need = erealloc(l->need, n * sizeof *l->need);
	}
	need = l->need;
	for (i = 0; i < n; i++) {
		s[i] = (float)(s[i] * l->gain);
		need[i] = 1;
	}
	for (i = 0; i < n; i++) {
		double a = fabs(s[i]);

		if (a > l->ceiling) {
			float r = (float)(l->ceiling / a);

			for (k = i >= w ? i - w : 0; k <= i; k++)
				if (need[k] > r)
					need[k] = r;
		}
	}
	for (i = 0; i < n; i++) {
		held += (1 - held) * l->release;
		if (need[i] < held)
			held = need[i];
		need[i] = (float)held;
	}
	l->held = held;
	for (i = 0; i < n; i++) {
		double g;

		sum += need[i];
		from = i >= w ? i - w + 1 : 0;
		if (i >= w)
			sum -= need[i - w];
		g = sum / (double)(i - from + 1);
		s[i] = (float)(s[i] * g);
		/* rounding in the running sum must not let a peak through */
		if (s[i] > l->ceiling)
			s[i] = (float)l->ceiling;
		else if (s[i] < -l->ceiling)
			s[i] = (float)-l->ceiling;
	}
}

void limiter_free(struct limiter *l)
{
	free(l->need);
	l->need = NULL;
	l->need_cap = 0;
}
