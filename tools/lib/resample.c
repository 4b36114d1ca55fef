/* resample.c - rational polyphase resampling. The ratio out/in reduces to
 * L/M; output sample j sits at input position j*M/L, whose fractional part
 * is one of L phases, so the filter is computed once per phase and each
 * output sample costs one short dot product. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "resample.h"
#include "util.h"

/* Filter half-width in samples at the lower of the two rates: a longer
 * filter has a sharper edge and costs more per sample. */
#define HALF_WIDTH 16
/* Cut-off a little below the lower Nyquist frequency, so the transition
 * band falls outside what is kept. */
#define CUTOFF 0.94

static unsigned gcd(unsigned a, unsigned b)
{
	while (b) {
		unsigned t = a % b;

		a = b;
		b = t;
	}
	return a;
}

static double windowed_sinc(double t, double fc, double span)
{
	double u = t / span, x = M_PI * fc * t, w;

	if (fabs(u) >= 1)
		return 0;
	/* Blackman: sidelobes under -58 dB */
	w = 0.42 + 0.5 * cos(M_PI * u) + 0.08 * cos(2 * M_PI * u);
	return (x == 0 ? fc : fc * sin(x) / x) * w;
}

float *resample(const float *in, size_t n, unsigned in_rate, unsigned out_rate, size_t *out_n)
{
	unsigned g = gcd(in_rate, out_rate), L = out_rate / g, M = in_rate / g, p;
	/* going down, the filter must also remove what the new rate cannot hold */
	double fc = CUTOFF * (L < M ? (double)L / M : 1.0), span = HALF_WIDTH / fc;
	int K = (int)ceil(span), taps = 2 * K, k;
	float *coef, *out;
	size_t j, count;

	count = (size_t)(((uint64_t)n * L + M / 2) / M);
	*out_n = count;
	out = ecalloc(count ? count : 1, sizeof *out);
	if (L == M) {
		memcpy(out, in, n * sizeof *in);
		return out;
	}
	coef = emalloc((size_t)L * (size_t)taps * sizeof *coef);
	for (p = 0; p < L; p++) {
		double sum = 0, frac = (double)p / L;
		float *c = coef + (size_t)p * taps;

		for (k = 0; k < taps; k++)
			sum += c[k] = (float)windowed_sinc(k - K + 1 - frac, fc, span);
		/* each phase passes a constant through unchanged */
		for (k = 0; k < taps; k++)
			c[k] = (float)(c[k] / sum);
	}
	for (j = 0; j < count; j++) {
		uint64_t pos = (uint64_t)j * M;
		int64_t base = (int64_t)(pos / L) - K + 1;
		const float *c = coef + (size_t)(pos % L) * taps;
		float acc = 0;

		if (base >= 0 && base + taps <= (int64_t)n) {
			const float *x = in + base;

			for (k = 0; k < taps; k++)
				acc += x[k] * c[k];
		} else {
			for (k = 0; k < taps; k++)
				if (base + k >= 0 && base + k < (int64_t)n)
					acc += in[base + k] * c[k];
		}
		out[j] = acc;
	}
	free(coef);
	return out;
}
