/* check.h - a minimal TAP unit-test harness for the C library.
 * Each test file defines tests with CHECK() and ends main() with
 * check_done(), which prints the plan and returns the exit status. */
#ifndef CHECK_H
#define CHECK_H

#include <stdio.h>

static int check_count, check_failed;

#define CHECK(cond) check_report((cond), #cond, __FILE__, __LINE__)

static inline int check_report(int ok, const char *what, const char *file, int line)
{
	check_count++;
	if (ok) {
		printf("ok %d - %s\n", check_count, what);
	} else {
		check_failed++;
		printf("not ok %d - %s (%s:%d)\n", check_count, what, file, line);
	}
	return ok;
}

static inline int check_done(void)
{
	printf("1..%d\n", check_count);
	return check_failed != 0;
}

#endif
