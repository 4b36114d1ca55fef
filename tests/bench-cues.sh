#!/bin/bash
# bench-cues.sh - subtitle cutting of one long sentence (no full stop, a
# comma every ninth word) at growing lengths. Printed per word, as a ratio
# to the 2,000-word sentence of the same run: near 1 at every length means
# the cost grows linearly with the sentence (it once grew as its 4th power:
# 2,000 words took seconds).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
WORK=$ROOT/out/bench-cues
mkdir -p "$WORK"
make --no-print-directory -s out/obj/libtour.a >/dev/null

cat >"$WORK/cuebench.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "cues.h"

/* CPU seconds to cut a sentence of n words, best of three */
static double cut(size_t n)
{
	char *text = malloc(n * 8 + 1), *o = text;
	double best = 1e9;
	size_t i;
	int r;

	for (i = 0; i < n; i++)
		o += sprintf(o, "%s ", i % 9 == 4 ? "clause," : "word");
	for (r = 0; r < 3; r++) {
		struct cue_list l = { 0 };
		clock_t t0 = clock();
		cues_split(&l, text, 0, (double)n * 0.3);
		double s = (double)(clock() - t0) / CLOCKS_PER_SEC;
		if (s < best)
			best = s;
		cues_free(&l);
	}
	free(text);
	return best;
}

int main(void)
{
	static const size_t sizes[] = { 2000, 20000, 200000 };
	double base = 0;
	size_t i;

	for (i = 0; i < sizeof sizes / sizeof *sizes; i++) {
		double s = cut(sizes[i]);

		if (i == 0)
			base = s / (double)sizes[0];
		printf("  cues: %6zu words in one sentence: %8.4f s CPU, per word %5.2fx the %zu-word one\n",
		       sizes[i], s, base > 0 ? s / (double)sizes[i] / base : 0, sizes[0]);
	}
	return 0;
}
C
cc -O2 -std=c11 -D_GNU_SOURCE -Itools/lib -o "$WORK/cuebench" "$WORK/cuebench.c" out/obj/libtour.a -lm
"$WORK/cuebench"
