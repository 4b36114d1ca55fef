/* Unit tests: chapters (FFmetadata and the plain list), the loudnorm
 * measurement, and paths written in a spec. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "chapters.h"
#include "check.h"
#include "loudnorm.h"
#include "userpath.h"

static int same(char *got, const char *want)
{
	int ok = got && strcmp(got, want) == 0;

	if (!ok)
		printf("# got:\n%s\n# want:\n%s\n", got ? got : "(null)", want);
	free(got);
	return ok;
}

static const char measured[] =
	"[Parsed_loudnorm_0 @ 0x55d] \n"
	"{\n"
	"\t\"input_i\" : \"-27.61\",\n"
	"\t\"input_tp\" : \"-4.47\",\n"
	"\t\"input_lra\" : \"2.10\",\n"
	"\t\"input_thresh\" : \"-37.95\",\n"
	"\t\"output_i\" : \"-16.25\",\n"
	"\t\"output_tp\" : \"-1.50\",\n"
	"\t\"output_lra\" : \"1.80\",\n"
	"\t\"output_thresh\" : \"-26.53\",\n"
	"\t\"normalization_type\" : \"dynamic\",\n"
	"\t\"target_offset\" : \"0.25\"\n"
	"}\n"
	"[out#0/null @ 0x55e] video:0kB audio:1kB\n";

int main(void)
{
	const struct chapter ch[] = {
		{ 0, 1500, "Intro" },
		{ 1500, 65250, "Sign up; pay = done #1" },
		{ 65250, 3725000, "Two\nlines" },
	};
	struct loudness l;
	const char *why = NULL;

	CHECK(same(chapters_ffmetadata("A \\ title", ch, 2),
		   ";FFMETADATA1\ntitle=A \\\\ title\n"
		   "\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=1500\ntitle=Intro\n"
		   "\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=1500\nEND=65250\n"
		   "title=Sign up\\; pay \\= done \\#1\n"));
	CHECK(same(chapters_ffmetadata(NULL, ch + 2, 1),
		   ";FFMETADATA1\n\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=65250\nEND=3725000\n"
		   "title=Two\\\nlines\n"));
	CHECK(same(chapters_list(ch, 3), "0:00 Intro\n0:01 Sign up; pay = done #1\n1:05 Two lines\n"));
	{
		const struct chapter late = { 3725999, 3800000, "Late" };
		CHECK(same(chapters_list(&late, 1), "1:02:05 Late\n"));
	}

	CHECK(loudnorm_parse(measured, &l, &why) == 0);
	CHECK(fabs(l.input_i + 27.61) < 1e-9 && fabs(l.input_tp + 4.47) < 1e-9 &&
	      fabs(l.input_lra - 2.10) < 1e-9 && fabs(l.input_thresh + 37.95) < 1e-9 &&
	      fabs(l.target_offset - 0.25) < 1e-9);
	CHECK(same(loudnorm_second_pass(&l),
		   "loudnorm=I=-16:TP=-1.5:LRA=11:measured_I=-27.61:measured_TP=-4.47:"
		   "measured_LRA=2.10:measured_thresh=-37.95:offset=0.25:linear=true"));
	CHECK(loudnorm_parse("no json here\n", &l, &why) < 0 && strstr(why, "no loudness"));
	CHECK(loudnorm_parse("x\n{\"input_i\" : \"-inf\", \"input_tp\" : \"-inf\", "
			     "\"input_lra\" : \"0.00\", \"input_thresh\" : \"-70.00\", "
			     "\"target_offset\" : \"0.00\"}\n", &l, &why) < 0 &&
	      strstr(why, "silent"));
	CHECK(loudnorm_parse("{\n\"input_i\" : \n", &l, &why) < 0 && strstr(why, "JSON"));

	setenv("HOME", "/home/ann", 1);
	CHECK(same(userpath_resolve("~/v/intro.mp4", "/specs"), "/home/ann/v/intro.mp4"));
	CHECK(same(userpath_resolve("~", "/specs"), "/home/ann"));
	CHECK(same(userpath_resolve("/abs/x.mp4", "/specs"), "/abs/x.mp4"));
	CHECK(same(userpath_resolve("media/x.mp4", "/specs"), "/specs/media/x.mp4"));
	CHECK(userpath_resolve("~bob/x", "/specs") == NULL);
	unsetenv("HOME");
	CHECK(userpath_resolve("~/x", "/specs") == NULL);
	return check_done();
}
