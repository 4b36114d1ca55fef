/* cues.c - narration text cut into subtitle cues, written as SRT and WebVTT */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cues.h"
#include "strbuf.h"
#include "util.h"

struct word {
	const char *text;
	size_t bytes, chars;
	size_t at;   /* where it starts in the text, spaces made single */
	int ends_sentence, ends_clause;
};

size_t utf8_len(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

/* Bytes of the first n code points of s (at most len bytes). */
static size_t utf8_prefix(const char *s, size_t len, size_t n)
{
	size_t i = 0;

	while (i < len && n > 0) {
		i++;
		while (i < len && ((unsigned char)s[i] & 0xC0) == 0x80)
			i++;
		n--;
	}
	return i;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Whether a word closes a sentence (or a clause): its last character before
 * any closing quotes or brackets. */
static void mark_ends(struct word *w)
{
	size_t n = w->bytes;

	while (n > 1 && strchr("\"')]", w->text[n - 1]))
		n--;
	w->ends_sentence = strchr(".!?", w->text[n - 1]) != NULL ||
			   (n >= 3 && memcmp(w->text + n - 3, "\xe2\x80\xa6", 3) == 0);
	w->ends_clause = strchr(",;:", w->text[n - 1]) != NULL;
}

/* The text's words, those longer than a line cut into line-sized pieces. */
static struct word *split_words(const char *text, size_t *count)
{
	struct word *words = NULL;
	size_t n = 0, cap = 0;
	const char *p = text;

	for (;;) {
		size_t len, chars;

		while (is_space(*p))
			p++;
		if (!*p)
			break;
		for (len = 0; p[len] && !is_space(p[len]); len++)
			;
		while (len > 0) {
			size_t piece = utf8_prefix(p, len, CUE_LINE_CHARS), i;

			if (n == cap)
				words = erealloc(words, (cap = cap ? 2 * cap : 32) * sizeof *words);
			chars = 0;
			for (i = 0; i < piece; i++)
				chars += ((unsigned char)p[i] & 0xC0) != 0x80;
			words[n] = (struct word){ p, piece, chars, 0, 0, 0 };
			if (n > 0)
				words[n].at = words[n - 1].at + words[n - 1].chars + 1;
			mark_ends(&words[n]);
			n++;
			p += piece;
			len -= piece;
		}
	}
	if (n > 0)
		words[n - 1].ends_sentence = 1;
	*count = n;
	return words;
}

/* Characters of words [a, b) on one line, spaces included: from the words'
 * offsets, so that the searches below cost no walk over the words. */
static size_t span_chars(const struct word *w, size_t a, size_t b)
{
	return b > a ? w[b - 1].at + w[b - 1].chars - w[a].at : 0;
}

/* Where words [a, b) break into two lines, or b when one line holds them;
 * the most even break that fits, or 0 when none does. */
static size_t line_break(const struct word *w, size_t a, size_t b)
{
	size_t best = 0, best_longer = (size_t)-1, i;

	if (span_chars(w, a, b) <= CUE_LINE_CHARS)
		return b;
	/* the first line only grows with i: past a full line nothing fits */
	for (i = a + 1; i < b && span_chars(w, a, i) <= CUE_LINE_CHARS; i++) {
		size_t one = span_chars(w, a, i), two = span_chars(w, i, b);
		size_t longer = one > two ? one : two;

		if (two <= CUE_LINE_CHARS && longer < best_longer) {
			best = i;
			best_longer = longer;
		}
	}
	return best;
}

#define CLAUSE_BONUS 6.0

/* Cut words [a, b) into k pieces of about even length, preferring cuts
 * after a comma; cuts[0..k] receive the boundaries. Each cut is the first
 * best-scoring word end; only ends within CLAUSE_BONUS characters of the
 * nearest one can score better, so a binary search and a short walk find
 * it without trying every word. */
static void even_cuts(const struct word *w, size_t a, size_t b, size_t k, size_t *cuts)
{
	double total = (double)span_chars(w, a, b);
	size_t j;

	cuts[0] = a;
	cuts[k] = b;
	for (j = 1; j < k; j++) {
		double target = total * (double)j / (double)k, best_score = 1e30, near;
		size_t lo = cuts[j - 1] + 1, hi = b - (k - j), first, last, i, best = lo;

		if (lo <= hi) {
			/* first end at or past the target, within [lo, hi] */
			first = lo;
			last = hi + 1;
			while (first < last) {
				size_t mid = first + (last - first) / 2;

				if ((double)span_chars(w, a, mid) + 1 < target)
					first = mid + 1;
				else
					last = mid;
			}
			near = 1e30;
			if (first <= hi)
				near = fabs((double)span_chars(w, a, first) + 1 - target);
			if (first > lo && fabs((double)span_chars(w, a, first - 1) + 1 - target) < near)
				near = fabs((double)span_chars(w, a, first - 1) + 1 - target);
			while (first > lo &&
			       target - ((double)span_chars(w, a, first - 1) + 1) <= near + CLAUSE_BONUS)
				first--;
			for (i = first; i <= hi; i++) {
				double at = (double)span_chars(w, a, i) + 1;
				double score = fabs(at - target) - (w[i - 1].ends_clause ? CLAUSE_BONUS : 0);

				if (at - target > near + CLAUSE_BONUS)
					break;
				if (score < best_score) {
					best_score = score;
					best = i;
				}
			}
		}
		cuts[j] = best;
	}
}

static void add_cue(struct cue_list *list, const struct word *w, size_t a, size_t b,
		    double start, double end)
{
	size_t brk = line_break(w, a, b), bytes = 0, i;
	char *text, *o;

	for (i = a; i < b; i++)
		bytes += w[i].bytes + 1;
	text = o = emalloc(bytes + 1);
	for (i = a; i < b; i++) {
		if (i > a)
			*o++ = i == brk ? '\n' : ' ';
		memcpy(o, w[i].text, w[i].bytes);
		o += w[i].bytes;
	}
	*o = '\0';
	if (list->count == list->cap)
		list->items = erealloc(list->items,
				       (list->cap = list->cap ? 2 * list->cap : 32) * sizeof *list->items);
	list->items[list->count++] = (struct cue){ start, end, text };
}

/* Whether every piece fits its lines and its time. */
static int pieces_fit(const struct word *w, const size_t *cuts, size_t k, double per_char)
{
	size_t j;

	for (j = 0; j < k; j++) {
		if (!line_break(w, cuts[j], cuts[j + 1]))
			return 0;
		if (per_char * (double)(span_chars(w, cuts[j], cuts[j + 1]) + 1) > CUE_MAX_SECONDS)
			return 0;
	}
	return 1;
}

/* Fewer pieces than this cannot fit: the count of a greedy packing, each
 * piece as long as fits. A part of a piece that fits fits too, so no way
 * of cutting, even or not, needs fewer. */
static size_t fewest_pieces(const struct word *w, size_t a, size_t b, double per_char)
{
	size_t pieces = 0, from = a, to;

	while (from < b) {
		for (to = from + 1; to < b; to++)
			if (!line_break(w, from, to + 1) ||
			    per_char * (double)(span_chars(w, from, to + 1) + 1) > CUE_MAX_SECONDS)
				break;
		pieces++;
		from = to;
	}
	return pieces;
}

static int even_fit(const struct word *w, size_t a, size_t b, size_t k, double per_char,
		    size_t *cuts)
{
	even_cuts(w, a, b, k, cuts);
	return pieces_fit(w, cuts, k, per_char);
}

/* How many even pieces words [a, b) are cut into: the fewest that fit,
 * tried one by one from the least possible. A sentence that needs many
 * more than that (a long one without a full stop) is searched in doubling
 * steps, then halved back, so its cost stays near-linear, not quadratic;
 * since evenly cut pieces do not always fit better for being more, that
 * search may settle on a few more pieces than the fewest. One word per
 * piece always serves. */
static size_t piece_count(const struct word *w, size_t a, size_t b, double per_char,
			  size_t *cuts)
{
	size_t n = b - a, k = fewest_pieces(w, a, b, per_char), last = k + 8, lo, hi, step;

	for (; k < n && k < last; k++)
		if (even_fit(w, a, b, k, per_char, cuts))
			return k;
	if (k >= n)
		return n;
	/* k - 1 did not fit: find one that does, doubling the step */
	lo = k - 1;
	for (step = 1; lo + step < n && !even_fit(w, a, b, lo + step, per_char, cuts); step *= 2)
		lo += step;
	hi = lo + step < n ? lo + step : n;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (even_fit(w, a, b, mid, per_char, cuts))
			hi = mid;
		else
			lo = mid;
	}
	return hi;
}

void cues_split(struct cue_list *list, const char *text, double start, double seconds)
{
	size_t count, a, total = 0, done = 0, *cuts;
	struct word *w = split_words(text, &count);
	double per_char;

	if (count == 0) {
		free(w);
		return;
	}
	total = span_chars(w, 0, count) + 1;
	per_char = seconds / (double)total;
	cuts = emalloc((count + 1) * sizeof *cuts);
	for (a = 0; a < count;) {
		size_t b = a, k, j;

		while (!w[b].ends_sentence)
			b++;
		b++;
		k = piece_count(w, a, b, per_char, cuts);
		even_cuts(w, a, b, k, cuts);
		for (j = 0; j < k; j++) {
			size_t chars = span_chars(w, cuts[j], cuts[j + 1]) + 1;

			add_cue(list, w, cuts[j], cuts[j + 1], start + per_char * (double)done,
				start + per_char * (double)(done + chars));
			done += chars;
		}
		a = b;
	}
	free(cuts);
	free(w);
}

void cues_free(struct cue_list *list)
{
	size_t i;

	for (i = 0; i < list->count; i++)
		free(list->items[i].text);
	free(list->items);
	*list = (struct cue_list){ 0 };
}

static void stamp(char *buf, size_t len, double seconds, char comma)
{
	long long ms = llround(seconds * 1000);

	if (ms < 0)
		ms = 0;
	snprintf(buf, len, "%02lld:%02lld:%02lld%c%03lld", ms / 3600000, ms / 60000 % 60,
		 ms / 1000 % 60, comma, ms % 1000);
}

/* A cue's text where "-->" would end its timing line early. */
static void put_cue_text(struct strbuf *t, const char *s, int vtt)
{
	for (; *s; s++) {
		if (strncmp(s, "-->", 3) == 0) {
			sb_puts(t, "->");
			s += 2;
		} else if (vtt && *s == '<') {
			sb_puts(t, "&lt;");
		} else if (vtt && *s == '&') {
			sb_puts(t, "&amp;");
		} else {
			sb_add(t, s, 1);
		}
	}
}

static char *write_cues(const struct cue_list *list, int vtt)
{
	struct strbuf t = { 0 };
	char from[32], to[32];
	size_t i;

	sb_puts(&t, vtt ? "WEBVTT\n\n" : "");
	for (i = 0; i < list->count; i++) {
		const struct cue *c = &list->items[i];

		stamp(from, sizeof from, c->start, vtt ? '.' : ',');
		stamp(to, sizeof to, c->end, vtt ? '.' : ',');
		if (!vtt)
			sb_printf(&t, "%zu\n", i + 1);
		sb_printf(&t, "%s --> %s\n", from, to);
		put_cue_text(&t, c->text, vtt);
		sb_puts(&t, "\n\n");
	}
	return sb_take(&t);
}

char *cues_srt(const struct cue_list *list)
{
	return write_cues(list, 0);
}

char *cues_vtt(const struct cue_list *list)
{
	return write_cues(list, 1);
}
