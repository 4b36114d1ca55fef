/* partcache.h - a track's parts as the assemblies before built them, kept
 * in a folder from one assembly to the next under digests of all that
 * made them (track.c names them): a part's loudness blocks as its
 * narration stands, and, for each gain and ceiling tried, its blocks and
 * its 16-bit samples once normalised. An assembly then reads a few
 * numbers, and copies the samples, of a part no edit touched. */
#ifndef PARTCACHE_H
#define PARTCACHE_H

#include <stddef.h>

#include "sha256.h"

/* KEY.blocks: a first line the caller writes (what else it knows of the
 * part), then the part's loudness blocks (loudnorm_blocks), then a digest
 * of all that. */
struct part_entry {
	char head[160];
	double *blocks;
	size_t count;
};

/* The entry dir holds for key into e (e->blocks for the caller to free).
 * Returns 0, or -1 when there is none, or none whole. */
int partcache_read(const char *dir, const char *key, struct part_entry *e);

/* A temporary name in dir for the entry file name, of this run and of
 * no other call: two threads may make the same entry at once (two steps
 * alike). Caller frees. */
char *partcache_tmp(const char *dir, const char *name);

/* e kept for key, under a temporary name first. Returns 0, or -1 with
 * errno and, when failed is given, the path that failed in *failed
 * (caller frees). */
int partcache_write(const char *dir, const char *key, const struct part_entry *e,
		    char **failed);

/* dir/KEY.pcm: a part's samples. Caller frees. */
char *partcache_pcm_path(const char *dir, const char *key);

/* Remove from dir every entry not named in keep ("KEY.blocks",
 * "KEY.pcm"), and what an interrupted run left. Dies on an error. */
void partcache_keep_only(const char *dir, char **keep, size_t n);

#endif
