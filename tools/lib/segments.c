/* segments.c - cutting a track in its silences, and naming each segment
 * by its samples */
#include <stdio.h>
#include <string.h>

#include "adts.h"
#include "segments.h"
#include "track.h"
#include "util.h"
#include "wav.h"

/* Digital silence this long either side of a cut: the two frames an AAC
 * frame's window spans, twice over. */
#define QUIET_MARGIN 4096

/* Each segment is an encoder of its own, about 11 ms of CPU to start and
 * finish, and what an edit encodes again: ten seconds keeps a step's
 * narration, with the silence after it, in one or two. */
#define SEGMENT_MIN (10 * TRACK_RATE)

struct planner {
	const char *path, *key;
	struct segment *segs;
	size_t count, cap;
	struct sha256 *digest;  /* of the segment open */
	uint64_t start;         /* its first sample */
	uint64_t run_from;      /* where the silence running began */
	int in_run;
};

static void open_segment(struct planner *p, uint64_t start)
{
	p->digest = sha256_new();
	if (!p->digest || sha256_add(p->digest, p->key, strlen(p->key) + 1) < 0)
		die(EXIT_SYS, "libcrypto: cannot start a digest");
	p->start = start;
}

static void close_segment(struct planner *p, uint64_t end)
{
	struct segment *s;

	if (p->count == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 64;
		p->segs = erealloc(p->segs, p->cap * sizeof *p->segs);
	}
	s = &p->segs[p->count++];
	s->start = p->start;
	s->end = end;
	if (sha256_end(p->digest, s->hash) < 0)
		die(EXIT_SYS, "libcrypto: cannot finish a digest");
}

static void add(struct planner *p, const int16_t *pcm, size_t n)
{
	if (n && sha256_add(p->digest, pcm, n * sizeof *pcm) < 0)
		die(EXIT_SYS, "libcrypto: cannot digest %s", p->path);
}

static void add_zeros(struct planner *p, uint64_t n)
{
	static const int16_t zeros[4096];
	size_t k;

	for (; n; n -= k) {
		k = n < LEN(zeros) ? (size_t)n : LEN(zeros);
		add(p, zeros, k);
	}
}

/* The silence [p->run_from, to) is over: its zeros go to the segments it
 * is cut into. It is cut at its first point on the grid and at its last,
 * so that a long silence is a segment of its own, and a narration either
 * side of it keeps its samples whatever the silence's length; a cut
 * closer than SEGMENT_MIN to the last is not made. */
static void silence_ends(struct planner *p, uint64_t to)
{
	uint64_t from = p->run_from, fed = from, cuts[2];
	int i;

	p->in_run = 0;
	if (to - from >= 2 * QUIET_MARGIN) {
		cuts[0] = (from + QUIET_MARGIN + AAC_FRAME - 1) / AAC_FRAME * AAC_FRAME;
		cuts[1] = (to - QUIET_MARGIN) / AAC_FRAME * AAC_FRAME;
		for (i = 0; i < 2 && cuts[0] <= cuts[1]; i++) {
			if (cuts[i] < p->start + SEGMENT_MIN)
				continue;
			add_zeros(p, cuts[i] - fed);
			fed = cuts[i];
			close_segment(p, fed);
			open_segment(p, fed);
		}
	}
	add_zeros(p, to - fed);
}

/* n samples from sample at: silences are held back until they end, the
 * rest digested as it comes. */
static void scan(struct planner *p, const int16_t *pcm, size_t n, uint64_t at)
{
	size_t i, from = 0;

	for (i = 0; i < n; i++) {
		if (pcm[i] == 0) {
			if (!p->in_run) {
				add(p, pcm + from, i - from);
				p->in_run = 1;
				p->run_from = at + i;
			}
		} else if (p->in_run) {
			silence_ends(p, at + i);
			from = i;
		}
	}
	if (!p->in_run)
		add(p, pcm + from, n - from);
}

size_t segments_plan(const char *path, uint64_t samples, const char *key,
		     struct segment **segs)
{
	struct planner p = { .path = path, .key = key };
	int16_t pcm[16384];
	uint64_t at = 0;
	size_t n;
	FILE *f = fopen(path, "rb");

	if (!f || fseek(f, WAV_HEADER16, SEEK_SET) < 0)
		die(EXIT_SYS, "%s: cannot read it back:", path);
	open_segment(&p, 0);
	while (at < samples && (n = fread(pcm, sizeof *pcm, LEN(pcm), f)) > 0) {
		if (n > samples - at)
			n = (size_t)(samples - at);
		scan(&p, pcm, n, at);
		at += n;
	}
	if (ferror(f) || at != samples)
		die(EXIT_SYS, "%s: cannot read it back%s", path, ferror(f) ? ":" : ": cut short");
	fclose(f);
	if (p.in_run)
		silence_ends(&p, samples);
	close_segment(&p, samples);
	*segs = p.segs;
	return p.count;
}
