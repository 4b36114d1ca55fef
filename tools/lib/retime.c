/* retime.c - a clip's still ending held longer or shorter (see retime.h).
 * The clip's frames are joined to the held ones by ffmpeg's concat demuxer
 * and stream copy, as mux joins clips: every clip starts with a keyframe
 * and has the SPS every clip of the tour has. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "file.h"
#include "retime.h"
#include "run.h"
#include "strbuf.h"
#include "util.h"

/* The folder of one retiming's own files, for an exit handler to remove
 * when a failure ends the program halfway. */
static char *work;

static void remove_work(void)
{
	if (work) {
		remove_tree(work);
		free(work);
		work = NULL;
	}
}

/* Whether frame t past the clip's old end shows the blink's other
 * picture: an odd number of turns since its last, counted down to whole
 * turns either way (a clip cut short before may now end before it). */
static int other_turn(const struct retime *r, long t)
{
	long d = t - r->last_change, turns = d >= 0 ? d / r->blink_frames
						    : -((-d + r->blink_frames - 1) / r->blink_frames);

	return r->blink && turns % 2 != 0;
}

/* The frames from the clip's old end to its new one, as their own clip at
 * out: its last picture held, or the blink going on. */
static void encode_held(const struct retime *r, const char *out)
{
	struct encoder e = { 0 };
	long t;
	int other, before = -1;

	encoder_start(&e, out, r->fps, r->video, r->scale, r->width, r->height);
	for (t = r->frames; t < r->new_frames; t++) {
		other = other_turn(r, t);
		encoder_write(&e, other ? r->blink : r->png, other ? r->blink_len : r->png_len,
			      other == before);
		before = other;
	}
	encoder_finish(&e);
	encoder_commit(&e);
}

/* An exact number of seconds for the concat list: frames at fps, to the
 * microsecond, as mux gives each clip's. */
static void list_seconds(struct strbuf *list, const char *what, double frames, int fps)
{
	long long usec = llround(frames * 1000000.0 / fps);

	sb_printf(list, "%s %lld.%06lld\n", what, usec / 1000000, usec % 1000000);
}

char *clip_retime(const struct retime *r)
{
	static int registered;
	const char *base = strrchr(r->clip, '/');
	char *list_path, *held, *tmp, *text, *timescale;
	struct strbuf list = { 0 };
	int status;

	if (!registered++)
		atexit(remove_work);
	work = base ? estrfmt("%.*s/.retime.XXXXXX", (int)(base - r->clip), r->clip)
		    : estrdup(".retime.XXXXXX");
	base = base ? base + 1 : r->clip;
	if (!mkdtemp(work))
		die(EXIT_SYS, "cannot make a folder beside %s:", r->clip);
	list_path = estrfmt("%s/list.txt", work);
	held = estrfmt("%s/held.mp4", work);
	/* names relative to the list; a clip's name is a step id's, and
	 * holds no quote */
	sb_puts(&list, "ffconcat version 1.0\n");
	sb_printf(&list, "file '../%s'\n", base);
	if (r->new_frames < r->frames) {
		/* the demuxer ends at the first frame at or past it: half a
		 * frame early, no rounding can keep one too many */
		list_seconds(&list, "outpoint", r->new_frames - 0.5, r->fps);
	} else {
		list_seconds(&list, "duration", r->frames, r->fps);
		sb_puts(&list, "file 'held.mp4'\n");
		encode_held(r, held);
	}
	text = sb_take(&list);
	if (write_file_atomic(list_path, text, strlen(text)) < 0)
		die(EXIT_SYS, "cannot write %s:", list_path);
	tmp = tmp_path_for(r->clip);
	timescale = estrfmt("%d", clip_track_timescale(r->fps));
	{
		char *argv[] = { "ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error",
				 "-f", "concat", "-safe", "0", "-i", list_path, "-c", "copy",
				 "-video_track_timescale", timescale,
				 "-map_metadata", "-1", "-fflags", "+bitexact",
				 "-flags:v", "+bitexact", "-movflags", "+faststart",
				 "-f", "mp4", "-y", tmp, NULL };

		status = run_wait(argv);
	}
	if (status < 0)
		run_die_unstarted("ffmpeg");
	if (status != 0) {
		unlink(tmp);
		die(EXIT_FAIL, "ffmpeg could not join %s to its held frames (exit %d): a "
		    "damaged clip? Remove it to have the tour recorded again", r->clip, status);
	}
	remove_work();
	free(list_path);
	free(held);
	free(text);
	free(timescale);
	return tmp;
}
