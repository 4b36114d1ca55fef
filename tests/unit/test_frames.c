/* test_frames.c - pacing frames to the wall clock (tools/lib/frames.c):
 * a paced frame waits one frame interval after the one before, wherever
 * the frame clock is */
#include <string.h>

#include "check.h"
#include "frames.h"

static int near(double a, double b)
{
	return a > b - 1e-6 && a < b + 1e-6;
}

int main(void)
{
	struct frames f;

	memset(&f, 0, sizeof f);
	f.interval_ms = 1000.0 / 30;
	/* the first paced frame in a long while goes at once */
	f.paced_ms = 1000;
	CHECK(near(frames_pace_delay(&f, 5000), 0));
	/* the next waits out the rest of one interval */
	f.paced_ms = 5000;
	CHECK(near(frames_pace_delay(&f, 5010), 1000.0 / 30 - 10));
	CHECK(near(frames_pace_delay(&f, 5000 + 1000.0 / 30), 0));
	/* a hold recorded faster than real time leaves the frame clock 20 s
	 * ahead of the wall clock: a pause after it still waits one interval
	 * a frame, not until the wall clock has caught up */
	f.clock_ms = 25000;
	CHECK(near(frames_pace_delay(&f, 5010), 1000.0 / 30 - 10));
	CHECK(near(frames_pace_delay(&f, 6000), 0));
	return check_done();
}
