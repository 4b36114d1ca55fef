/* cues.h - narration text cut into subtitle cues, written as SRT and WebVTT */
#ifndef CUES_H
#define CUES_H

#include <stddef.h>

/* What a cue may hold: readable at a glance, the usual broadcast limits. */
#define CUE_LINE_CHARS 42
#define CUE_MAX_LINES 2
#define CUE_MAX_SECONDS 7.0

struct cue {
	double start, end;   /* seconds from the start of the video */
	char *text;          /* one line, or two joined by '\n' */
};

struct cue_list {
	struct cue *items;
	size_t count, cap;
};

/* Cut text into cues laid over [start, start + seconds): sentences first,
 * then each sentence into as few even pieces as keep every cue within
 * CUE_MAX_LINES lines of CUE_LINE_CHARS characters (UTF-8 code points) and
 * CUE_MAX_SECONDS. Time is shared in proportion to characters, since speech
 * runs at a roughly even rate. Whitespace runs count as one space; a word
 * longer than a line is cut. A sentence needing many pieces (hundreds of
 * words without a full stop) may get a few more than the fewest: the
 * search for them stays near-linear. Cues are appended to list. */
void cues_split(struct cue_list *list, const char *text, double start, double seconds);

void cues_free(struct cue_list *list);

/* The whole file, malloc'd: SubRip ("00:00:01,500 --> ...") and WebVTT
 * ("WEBVTT" header, "00:00:01.500", '<' and '&' escaped). */
char *cues_srt(const struct cue_list *list);
char *cues_vtt(const struct cue_list *list);

/* Code points in a UTF-8 string. */
size_t utf8_len(const char *s);

#endif
