/* progress.h - how far a job has got, as one line of text */
#ifndef PROGRESS_H
#define PROGRESS_H

#include <stddef.h>

/* "M:SS" (or "H:MM:SS") for a number of seconds. */
void progress_clock(double seconds, char *buf, size_t size);

/* One progress line: "3/7 steps, 0:12 elapsed, about 0:16 left". With bar
 * width > 0 a bar comes first ("[#########-----------] "). total 0 means
 * the total is not known yet ("3 steps done, 0:12 elapsed"); the estimate
 * appears once a step is done, from the time the steps done took. */
void progress_line(char *buf, size_t size, int done, int total, double elapsed, int bar);

#endif
