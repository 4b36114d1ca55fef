/* segcache.h - the AAC frames of a track's segments, kept in a folder from
 * one assembly to the next under their segments' digests; an index holds
 * each entry's own digest, which proves it whole, and the true peak of the
 * segment's samples */
#ifndef SEGCACHE_H
#define SEGCACHE_H

#include <stddef.h>

#include "segments.h"

/* What the index says of a segment. */
struct segcache_entry {
	char digest[SHA256_HEX_SIZE];  /* of the frames; "" when not indexed */
	double peak;                   /* dBTP; NAN when not measured */
};

/* dir/HASH.aac: the segment's frames as its own encoder wrote them, its
 * priming frame first. Caller frees. */
char *segcache_path(const char *dir, const struct segment *s);

/* How many frames the stream at path holds; -1 when it is missing or not
 * a whole ADTS stream. */
long segcache_frames(const char *path);

/* What the index holds for segs, into entries. */
void segcache_read(const char *dir, const struct segment *segs, size_t n,
		   struct segcache_entry *entries);

/* Whether the frames at path are the ones the entry's digest names. */
int segcache_intact(const char *path, const struct segcache_entry *e);

/* The digest of the frames at path into e. Dies when they cannot be read. */
void segcache_digest(const char *path, struct segcache_entry *e);

/* The index rewritten to hold segs' entries, and the frames of any segment
 * not in segs removed, with what an interrupted run left: the folder
 * holds what the last assembly used. Dies on an error. */
void segcache_keep_only(const char *dir, const struct segment *segs, size_t n,
			const struct segcache_entry *entries);

#endif
