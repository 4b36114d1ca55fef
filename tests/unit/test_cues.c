/* Unit tests: narration cut into subtitle cues, and the SRT/WebVTT text. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cues.h"

/* Every cue within the limits: lines, characters, seconds; cues in order,
 * back to back, covering [start, end]. */
static int within_limits(const struct cue_list *l, double start, double end)
{
	size_t i;

	for (i = 0; i < l->count; i++) {
		const struct cue *c = &l->items[i];
		char *copy = strdup(c->text), *line, *save = NULL;
		int lines = 0, ok = 1;

		for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			lines++;
			if (utf8_len(line) > CUE_LINE_CHARS)
				ok = 0;
		}
		free(copy);
		if (!ok || lines < 1 || lines > CUE_MAX_LINES || c->end - c->start > CUE_MAX_SECONDS + 1e-9 ||
		    c->end <= c->start) {
			printf("# cue %zu out of limits: [%s] %.3f-%.3f\n", i, c->text, c->start, c->end);
			return 0;
		}
		if (i > 0 && fabs(c->start - l->items[i - 1].end) > 1e-9)
			return 0;
	}
	return l->count > 0 && fabs(l->items[0].start - start) < 1e-9 &&
	       fabs(l->items[l->count - 1].end - end) < 1e-9;
}

static int text_is(const struct cue_list *l, size_t i, const char *want)
{
	int ok = i < l->count && strcmp(l->items[i].text, want) == 0;

	if (!ok)
		printf("# cue %zu: [%s], want [%s]\n", i, i < l->count ? l->items[i].text : "(none)", want);
	return ok;
}

int main(void)
{
	struct cue_list l = { 0 };
	char *s;
	static const char long_text[] =
		"This is the team dashboard, where everything comes together. At a glance, "
		"you can see the hours tracked this week, the billable share, and how much of "
		"the budget is used. Below that, every recent time entry is listed by person "
		"and project.";

	/* sentences become cues of their own */
	cues_split(&l, "Welcome.  It is\n short!", 1.0, 2.0);
	CHECK(l.count == 2);
	CHECK(text_is(&l, 0, "Welcome."));
	CHECK(text_is(&l, 1, "It is short!"));
	CHECK(within_limits(&l, 1.0, 3.0));
	/* time shared by characters: "Welcome. " is 9 of 22 */
	CHECK(fabs(l.items[0].end - (1.0 + 2.0 * 9 / 22)) < 1e-9);
	cues_free(&l);

	/* a long narration: within limits, nothing lost, in order */
	cues_split(&l, long_text, 10.0, 16.0);
	CHECK(within_limits(&l, 10.0, 26.0));
	CHECK(l.count >= 4);
	CHECK(text_is(&l, 0, "This is the team dashboard,\nwhere everything comes together."));
	/* the 7 s limit splits a sentence that fits in two lines */
	cues_free(&l);
	cues_split(&l, "This sentence is short but spoken slowly.", 0, 12.0);
	CHECK(l.count == 2);
	CHECK(within_limits(&l, 0, 12.0));
	cues_free(&l);

	/* a sentence too long for one cue is cut at a comma when one is near;
	 * lines are broken evenly */
	cues_split(&l, "First we open the settings page of the account, then we pick a plan "
		       "and confirm it with the green button.", 0, 6.0);
	CHECK(l.count == 2);
	CHECK(text_is(&l, 0, "First we open the settings\npage of the account,"));
	CHECK(within_limits(&l, 0, 6.0));
	cues_free(&l);

	/* a word longer than a line is cut; UTF-8 counted in code points */
	cues_split(&l, "See https://example.com/a/very/long/path/that/never/ends/at/all/index.html now.",
		   0, 4.0);
	CHECK(within_limits(&l, 0, 4.0));
	cues_free(&l);
	cues_split(&l, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
		       " caf\xc3\xa9 na\xc3\xafve r\xc3\xa9sum\xc3\xa9 d\xc3\xa9j\xc3\xa0 vu.", 0, 3.0);
	CHECK(l.count == 1 && !strchr(l.items[0].text, '\n'));
	CHECK(utf8_len("caf\xc3\xa9") == 4);
	cues_free(&l);

	/* a long sentence without a full stop: every cue fits, no word lost */
	{
		size_t words = 2000, i, n = 0;
		char *text = malloc(words * 7 + 1), *o = text;

		for (i = 0; i < words; i++)
			o += sprintf(o, "%s ", i % 9 == 4 ? "clause," : "word");
		cues_split(&l, text, 0, (double)words * 0.3);
		CHECK(within_limits(&l, 0, (double)words * 0.3));
		for (i = 0; i < l.count; i++)
			for (o = l.items[i].text; *o; o++)
				n += *o == 'w' || *o == 'c';
		CHECK(n == words);
		cues_free(&l);
		free(text);
	}

	/* blank text gives no cue */
	cues_split(&l, "  \n ", 0, 3.0);
	CHECK(l.count == 0);

	/* the files */
	cues_split(&l, "One. Two <b> & three --> four.", 61.5, 2.0);
	s = cues_srt(&l);
	CHECK(strncmp(s, "1\n00:01:01,500 --> 00:01:01,", 28) == 0);
	CHECK(strstr(s, "\n\n2\n") != NULL);
	CHECK(strstr(s, "three -> four.") != NULL);
	free(s);
	s = cues_vtt(&l);
	CHECK(strncmp(s, "WEBVTT\n\n00:01:01.500 --> ", 25) == 0);
	CHECK(strstr(s, "Two &lt;b> &amp; three -> four.\n\n") != NULL);
	CHECK(strstr(s, "00:01:03.500\n") != NULL);
	free(s);
	cues_free(&l);
	return check_done();
}
