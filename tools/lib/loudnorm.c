/* loudnorm.c - loudness measured by libebur128, reached by gain and a
 * look-ahead limiter */
#include <ebur128.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>

#include "loudnorm.h"
#include "util.h"

/* The limiter sees this far ahead and lets go this slowly: long enough
 * that its gain changes are not heard as distortion on speech. */
#define LOOKAHEAD_S 0.005
#define RELEASE_S 0.080

/* EBU R128's gates: blocks under -70 LUFS do not count, nor those more
 * than 10 LU under the mean of the rest; libebur128 reads a block's
 * energy as 10 log10(energy) - 0.691 LUFS. */
#define ABSOLUTE_GATE_LUFS -70.0
#define RELATIVE_GATE_LU -10.0
#define K_OFFSET 0.691

/* libebur128 sets its static tables each time a meter starts: two threads
 * must not start (or end) one at once. */
static pthread_mutex_t meters = PTHREAD_MUTEX_INITIALIZER;

size_t loudnorm_blocks(const float *s, size_t n, unsigned rate, double **blocks)
{
	ebur128_state *st;
	/* libebur128's own 100 ms, and its first block after four of them */
	size_t hop = (rate + 5) / 10, i, count = 0;
	double *out, momentary;

	pthread_mutex_lock(&meters);
	st = ebur128_init(1, rate, EBUR128_MODE_M);
	pthread_mutex_unlock(&meters);
	if (!st)
		die(EXIT_SYS, "libebur128: cannot start a meter at %u Hz", rate);
	out = emalloc((n / hop + 1) * sizeof *out);
	for (i = 0; i + hop <= n; i += hop) {
		if (ebur128_add_frames_float(st, s + i, hop) != EBUR128_SUCCESS)
			die(EXIT_SYS, "libebur128: out of memory");
		if (i < 3 * hop)
			continue;
		if (ebur128_loudness_momentary(st, &momentary) != EBUR128_SUCCESS)
			die(EXIT_SYS, "libebur128: cannot read the measurement");
		out[count++] = momentary == -HUGE_VAL ? 0 : pow(10, (momentary + K_OFFSET) / 10);
	}
	pthread_mutex_lock(&meters);
	ebur128_destroy(&st);
	pthread_mutex_unlock(&meters);
	*blocks = out;
	return count;
}

double loudnorm_gated(const double *const *lists, const size_t *counts, size_t n)
{
	double gate = pow(10, (ABSOLUTE_GATE_LUFS + K_OFFSET) / 10), sum = 0, relative;
	size_t i, k, above = 0;

	for (i = 0; i < n; i++)
		for (k = 0; k < counts[i]; k++)
			if (lists[i][k] >= gate) {
				sum += lists[i][k];
				above++;
			}
	if (!above)
		return -HUGE_VAL;
	relative = sum / (double)above * pow(10, RELATIVE_GATE_LU / 10);
	if (relative > gate)
		gate = relative;
	sum = 0;
	above = 0;
	for (i = 0; i < n; i++)
		for (k = 0; k < counts[i]; k++)
			if (lists[i][k] >= gate) {
				sum += lists[i][k];
				above++;
			}
	return above ? 10 * log10(sum / (double)above) - K_OFFSET : -HUGE_VAL;
}

struct loudnorm_peak {
	ebur128_state *state;
};

struct loudnorm_peak *loudnorm_peak_new(unsigned rate)
{
	struct loudnorm_peak *m = emalloc(sizeof *m);

	/* the true peak costs an oversampled copy of the signal */
	m->state = ebur128_init(1, rate, EBUR128_MODE_TRUE_PEAK);
	if (!m->state)
		die(EXIT_SYS, "libebur128: cannot start a meter at %u Hz", rate);
	return m;
}

void loudnorm_peak_add(struct loudnorm_peak *m, const float *samples, size_t n)
{
	if (n && ebur128_add_frames_float(m->state, samples, n) != EBUR128_SUCCESS)
		die(EXIT_SYS, "libebur128: out of memory");
}

double loudnorm_peak_read(struct loudnorm_peak *m)
{
	double peak;

	if (ebur128_true_peak(m->state, 0, &peak) != EBUR128_SUCCESS)
		die(EXIT_SYS, "libebur128: cannot read the measurement");
	return peak > 0 ? 20 * log10(peak) : -HUGE_VAL;
}

void loudnorm_peak_free(struct loudnorm_peak *m)
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
