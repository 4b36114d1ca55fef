/* segcache.h - the AAC frames of a track's segments, kept in a folder from
 * one assembly to the next under their segments' digests, with the true
 * peak of each segment's samples beside them in one index */
#ifndef SEGCACHE_H
#define SEGCACHE_H

#include <stddef.h>

#include "segments.h"

/* dir/HASH.aac: the segment's frames as its own encoder wrote them, its
 * priming frame first. Caller frees. */
char *segcache_path(const char *dir, const struct segment *s);

/* How many frames the stream at path holds; -1 when it is missing or not
 * a whole ADTS stream. */
long segcache_frames(const char *path);

/* The true peaks (dBTP) the index holds for segs into peaks; NAN where it
 * holds none. */
void segcache_read_peaks(const char *dir, const struct segment *segs, size_t n,
			 double *peaks);

/* The index rewritten to hold segs' peaks, and the frames of any segment
 * not in segs removed, with what an interrupted run left: the folder
 * holds what the last assembly used. Dies on an error. */
void segcache_keep_only(const char *dir, const struct segment *segs, size_t n,
			const double *peaks);

#endif
