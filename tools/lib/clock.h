/* clock.h - the one clock every wait and deadline reads */
#ifndef CLOCK_H
#define CLOCK_H

/* Seconds on the monotonic clock: never jumps with the wall clock, and the
 * clock Chromium's frame times count in. */
double clock_now(void);

/* Sleep this many seconds (nothing when not positive). */
void clock_sleep(double seconds);

#endif
