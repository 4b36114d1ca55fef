/* timing.c - the timing model's frame counts */
#include <math.h>

#include "timing.h"

/* a narration of exactly n frames computes as n plus rounding noise */
#define FRAME_EPSILON 1e-6

long timing_narrated_frames(double lead_in, double narration, double tail, int fps)
{
	return lround(lead_in * fps) + (long)ceil(narration * fps - FRAME_EPSILON) +
	       lround(tail * fps);
}
