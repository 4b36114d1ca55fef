/* Unit tests: a clip's frames for its narration (tools/lib/timing.c) */
#include "check.h"
#include "timing.h"

int main(void)
{
	/* 1.01 s of narration after 0.5 s at 30 fps ends in frame 46: the
	 * nearest frame, 45, would cut its last 10 ms */
	CHECK(timing_narrated_frames(0.5, 1.01, 0, 30) == 46);
	/* a whole number of frames stays whole despite floating point */
	CHECK(timing_narrated_frames(0.5, 1.0, 1.0, 30) == 75);
	CHECK(timing_narrated_frames(0.1, 0.3, 0.7, 10) == 11);
	CHECK(timing_narrated_frames(0, 0, 0, 30) == 0);
	CHECK(timing_narrated_frames(0.2, 2.0 / 3, 0.3, 30) == 35);
	return check_done();
}
