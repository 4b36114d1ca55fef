/* chapters.h - one chapter per step: as FFmpeg metadata for the MP4, and as
 * the plain list video sites read from a description */
#ifndef CHAPTERS_H
#define CHAPTERS_H

#include <stddef.h>
#include <stdint.h>

struct chapter {
	uint64_t start_ms, end_ms;
	const char *title;
};

/* An FFMETADATA1 file: the video's title, then a [CHAPTER] (TIMEBASE=1/1000)
 * per chapter, with '=', ';', '#', '\' and newlines escaped. malloc'd. */
char *chapters_ffmetadata(const char *title, const struct chapter *c, size_t n);

/* "0:00 Title" lines, times rounded down to the second ("1:02:03" past an
 * hour), newlines in titles turned into spaces. malloc'd. */
char *chapters_list(const struct chapter *c, size_t n);

#endif
