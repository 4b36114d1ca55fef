/* Unit tests: progress lines and clocks while a job is waited for. */
#include <string.h>

#include "check.h"
#include "progress.h"

static int line_is(int done, int total, double elapsed, int bar, const char *want)
{
	char buf[256];

	progress_line(buf, sizeof buf, done, total, elapsed, bar);
	if (strcmp(buf, want) != 0)
		printf("# got \"%s\", want \"%s\"\n", buf, want);
	return strcmp(buf, want) == 0;
}

static int clock_is(double seconds, const char *want)
{
	char buf[32];

	progress_clock(seconds, buf, sizeof buf);
	return strcmp(buf, want) == 0;
}

int main(void)
{
	char tiny[8];

	CHECK(clock_is(0, "0:00"));
	CHECK(clock_is(-3, "0:00"));
	CHECK(clock_is(59.4, "0:59"));
	CHECK(clock_is(59.6, "1:00"));
	CHECK(clock_is(3725, "1:02:05"));

	CHECK(line_is(0, 7, 3, 0, "0/7 steps, 0:03 elapsed"));
	CHECK(line_is(3, 7, 12, 0, "3/7 steps, 0:12 elapsed, about 0:16 left"));
	CHECK(line_is(7, 7, 30, 0, "7/7 steps, 0:30 elapsed"));
	CHECK(line_is(9, 7, 30, 0, "7/7 steps, 0:30 elapsed"));
	CHECK(line_is(1, 0, 5, 0, "1 step done, 0:05 elapsed"));
	CHECK(line_is(2, 0, 5, 10, "2 steps done, 0:05 elapsed"));
	CHECK(line_is(1, 2, 4, 10, "[#####-----] 1/2 steps, 0:04 elapsed, about 0:04 left"));
	CHECK(line_is(0, 3, 0, 6, "[------] 0/3 steps, 0:00 elapsed"));
	CHECK(line_is(3, 3, 61, 6, "[######] 3/3 steps, 1:01 elapsed"));

	/* A buffer too small for the bar gets none, and stays terminated. */
	progress_line(tiny, sizeof tiny, 1, 2, 4, 20);
	CHECK(strlen(tiny) == sizeof tiny - 1 && tiny[0] == '1');
	return check_done();
}
