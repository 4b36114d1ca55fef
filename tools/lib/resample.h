/* resample.h - sample-rate conversion of a mono signal held in memory */
#ifndef RESAMPLE_H
#define RESAMPLE_H

#include <stddef.h>

/* in[0, n) at in_rate, converted to out_rate by a windowed-sinc filter
 * (linear phase, flat through speech's band, no aliasing when going
 * down). Returns a malloc'd buffer; *out_n receives its length,
 * n * out_rate / in_rate rounded to the nearest sample. */
float *resample(const float *in, size_t n, unsigned in_rate, unsigned out_rate, size_t *out_n);

#endif
