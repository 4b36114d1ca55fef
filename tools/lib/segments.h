/* segments.h - a finished audio track cut, in its silences, into segments
 * named by a digest of their samples: what a segment was encoded to serves
 * again for as long as its samples stay the same, so an assembly encodes
 * only the segments an edit changed. */
#ifndef SEGMENTS_H
#define SEGMENTS_H

#include <stddef.h>
#include <stdint.h>

#include "sha256.h"

struct segment {
	uint64_t start, end;          /* samples of the track, [start, end) */
	char hash[SHA256_HEX_SIZE];   /* of the key and the samples */
};

/* Cut the track at path, a 16-bit mono WAV of `samples` samples as
 * track_write writes it. Every cut is on the AAC frame grid, in digital
 * silence wide enough that the frames either side of it, encoded apart,
 * decode to the silence one encoder would have made of them. key names
 * what else the encoded frames depend on (the encoder's settings) and is
 * digested with every segment. Returns how many segments *segs holds. */
size_t segments_plan(const char *path, uint64_t samples, const char *key,
		     struct segment **segs);

#endif
