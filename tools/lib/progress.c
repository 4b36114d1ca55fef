/* progress.c - progress lines for a job being waited for */
#include <stdio.h>
#include <string.h>

#include "progress.h"

void progress_clock(double seconds, char *buf, size_t size)
{
	long s = seconds > 0 ? (long)(seconds + 0.5) : 0;

	if (s >= 3600)
		snprintf(buf, size, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
	else
		snprintf(buf, size, "%ld:%02ld", s / 60, s % 60);
}

void progress_line(char *buf, size_t size, int done, int total, double elapsed, int bar)
{
	char spent[32], left[32];
	size_t used = 0;
	int i, filled;

	buf[0] = '\0';
	if (done < 0)
		done = 0;
	if (total > 0 && done > total)
		done = total;
	if (bar > 0 && total > 0 && size > (size_t)bar + 3) {
		filled = done * bar / total;
		buf[used++] = '[';
		for (i = 0; i < bar; i++)
			buf[used++] = i < filled ? '#' : '-';
		buf[used++] = ']';
		buf[used++] = ' ';
		buf[used] = '\0';
	}
	progress_clock(elapsed, spent, sizeof spent);
	if (total <= 0) {
		snprintf(buf + used, size - used, "%d step%s done, %s elapsed", done,
			 done == 1 ? "" : "s", spent);
		return;
	}
	if (done == 0 || done == total) {
		snprintf(buf + used, size - used, "%d/%d steps, %s elapsed", done, total, spent);
		return;
	}
	progress_clock(elapsed / done * (total - done), left, sizeof left);
	snprintf(buf + used, size - used, "%d/%d steps, %s elapsed, about %s left", done, total,
		 spent, left);
}
