/* tourreport - a page to look at after a build: per step a thumbnail, the
 * narration, audio and clip durations, where the audio came from; totals;
 * and one contact sheet of every step.
 *
 * usage: tourreport -d outdir -v video.mp4 mux.json
 *
 * Reads what the build left in outdir (clip/ID.mp4 and clip/ID.json,
 * wav/ID.wav) and writes outdir/report.html, its thumbnails
 * outdir/report/ID.jpg (and ID-camera-N.jpg, one per place the step's
 * camera went) and outdir/contact-sheet.png, on which each step's camera
 * stops are drawn as numbered frames (over report/path/ID.jpg, a picture
 * of the step on the full view); the page links to
 * them and to the video by relative paths, so the folder can be moved or
 * served as it is. Where each narration came from is read from the record
 * the TTS step left beside its WAV (wav/ID.wav.json, tools/lib/ttsrecord.h):
 * "hit" (copied from the TTS cache), "made" (synthesised, then cached),
 * "not cached", or "n/a" when there is no record.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"
#include "json.h"
#include "run.h"
#include "sha256.h"
#include "stepid.h"
#include "ttsrecord.h"
#include "util.h"
#include "wav.h"

#define THUMB_WIDTH 320
#define CAMERA_THUMB_WIDTH 160
#define SHEET_COLUMNS 5
/* camera stops shown per step, at most (stepcap lists up to 16) */
#define CAMERA_STOPS 16
/* The camera's stops on the contact sheet: a frame this colour, this
 * thick, numbered in order. */
#define PATH_COLOUR "0xFFB000"
#define PATH_LINE 2

/* Where a step's camera went (its clip's meta file): the frame it
 * arrived, the zoom, the region of the video it showed. */
struct stop {
	long frame;
	double z;
	long x, y, width, height;
};

struct row {
	const char *id, *title, *narration;
	long frames, narration_start, reused;
	long width, height;     /* the video's */
	long full_frame;        /* a frame on the full view, or -1 */
	double audio_seconds;   /* -1: no WAV */
	const char *cache;      /* "hit", "made", "not cached", "n/a" */
	struct stop stops[CAMERA_STOPS];
	int stop_count;
};

struct report {
	const char *title, *video, *outdir;
	struct row *rows;
	size_t count;
	long fps;
};

static void usage(int code)
{
	fprintf(code ? stderr : stdout,
		"usage: %s -d outdir -v video.mp4 mux.json\n", argv0);
	exit(code);
}

static long meta_long(const cJSON *meta, const char *key, long fallback)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(meta, key);

	return cJSON_IsNumber(v) ? (long)v->valuedouble : fallback;
}

/* Where the WAV came from, as the tool that wrote it recorded. */
static const char *cache_state(const char *wav)
{
	static const char *const states[][2] = {
		{ "hit", "hit" }, { "made", "made" }, { "off", "not cached" },
	};
	char *cache = ttsrecord_cache(wav);
	const char *state = "n/a";
	size_t i;

	for (i = 0; cache && i < LEN(states); i++)
		if (strcmp(cache, states[i][0]) == 0)
			state = states[i][1];
	free(cache);
	return state;
}

static void load_stops(const cJSON *meta, const char *meta_path, struct row *row)
{
	const cJSON *camera = cJSON_GetObjectItemCaseSensitive(meta, "camera"), *c;
	struct stop *st;

	if (camera && !cJSON_IsArray(camera))
		die(EXIT_USAGE, "%s: camera: not an array", meta_path);
	cJSON_ArrayForEach(c, camera) {
		if (row->stop_count == CAMERA_STOPS)
			break;
		st = &row->stops[row->stop_count];
		st->frame = meta_long(c, "frame", -1);
		st->z = json_num(c, "z", 0);
		st->x = meta_long(c, "x", -1);
		st->y = meta_long(c, "y", -1);
		st->width = meta_long(c, "width", -1);
		st->height = meta_long(c, "height", -1);
		if (st->frame < 0 || st->frame >= row->frames || !(st->z >= 1) || st->x < 0 ||
		    st->y < 0 || st->width <= 0 || st->height <= 0)
			die(EXIT_USAGE, "%s: camera[%d]: needs frame (within the clip), z >= 1, "
			    "x, y, width and height", meta_path, row->stop_count);
		row->stop_count++;
	}
}

static void load(const char *path, const char *outdir, cJSON **root,
		 struct report *r)
{
	char err[256], *meta_path, *wav;
	const cJSON *steps, *step;
	int sys_error;
	size_t i = 0;

	*root = json_load(path, err, sizeof err, &sys_error);
	if (!*root)
		die(sys_error ? EXIT_SYS : EXIT_USAGE, "%s: %s", path, err);
	steps = cJSON_GetObjectItemCaseSensitive(*root, "steps");
	if (!cJSON_IsArray(steps) || cJSON_GetArraySize(steps) == 0)
		die(EXIT_USAGE, "%s: steps: missing or not a non-empty array", path);
	r->title = json_str(cJSON_GetObjectItemCaseSensitive(*root, "meta"), "title", NULL);
	r->count = (size_t)cJSON_GetArraySize(steps);
	r->rows = ecalloc(r->count, sizeof *r->rows);
	cJSON_ArrayForEach(step, steps) {
		struct row *row = &r->rows[i];
		const char *why;
		struct wav w;
		cJSON *meta;

		row->id = json_str(step, "id", "");
		if (!stepid_valid(row->id, &why))
			die(EXIT_USAGE, "%s: steps[%zu].id: \"%s\" %s", path, i, row->id, why);
		row->title = json_str(step, "title", row->id);
		row->narration = json_str(step, "narration", "");
		meta_path = estrfmt("%s/clip/%s.json", outdir, row->id);
		meta = json_load(meta_path, err, sizeof err, &sys_error);
		if (!meta)
			die(sys_error ? EXIT_SYS : EXIT_USAGE, "%s: %s", meta_path, err);
		if (meta_long(meta, "fps", 0) <= 0 || meta_long(meta, "frames", 0) <= 0)
			die(EXIT_USAGE, "%s: fps and frames: must be positive whole numbers", meta_path);
		r->fps = meta_long(meta, "fps", 0);
		row->frames = meta_long(meta, "frames", 0);
		row->narration_start = meta_long(meta, "narration_start_frame", 0);
		row->reused = meta_long(meta, "reused_frames", -1);
		row->width = meta_long(meta, "width", 0);
		row->height = meta_long(meta, "height", 0);
		row->full_frame = meta_long(meta, "camera_full_frame", -1);
		if (row->full_frame >= row->frames)
			die(EXIT_USAGE, "%s: camera_full_frame: not a frame of the clip", meta_path);
		load_stops(meta, meta_path, row);
		if (row->stop_count && (row->width <= 0 || row->height <= 0))
			die(EXIT_USAGE, "%s: width and height: needed to draw the camera's stops",
			    meta_path);
		cJSON_Delete(meta);
		free(meta_path);
		row->audio_seconds = -1;
		row->cache = "n/a";
		wav = estrfmt("%s/wav/%s.wav", outdir, row->id);
		if (*row->narration && wav_probe(wav, &w, &why) == 0) {
			row->audio_seconds = wav_seconds(&w);
			row->cache = cache_state(wav);
		}
		free(wav);
		i++;
	}
}

/* Run an ffmpeg that writes tmp, then move tmp to out. scratch (an input
 * made for this run, or NULL) is removed either way, and so is whatever
 * ffmpeg left on failure: no partial image stays behind. */
static void ffmpeg_into(char *const argv[], const char *scratch, const char *tmp,
			const char *out, const char *what)
{
	int status = run_wait(argv), started = errno;

	if (scratch)
		unlink(scratch);
	if (status != 0)
		unlink(tmp);
	if (status < 0) {
		errno = started;
		run_die_unstarted(argv[0]);
	}
	if (status != 0)
		die(EXIT_FAIL, "%s: ffmpeg failed (exit %d)", what, status);
	if (rename(tmp, out) < 0)
		die(EXIT_SYS, "%s:", out);
}

/* Whether the thumbnail out was made from what key names (the clip's
 * digest, the frame, the width), as its key file key_path says: a
 * thumbnail of an unchanged clip is kept, so a one-step edit does not
 * redraw them all, nor does a continuous tour whose clips make touched
 * to keep them. */
static int made_from(const char *out, const char *key_path, const char *key)
{
	char *text = read_file(key_path, NULL);
	int same = text && !strcmp(text, key) && access(out, F_OK) == 0;

	free(text);
	return same;
}

/* One frame of the step's clip, as a JPEG width pixels wide. */
static void frame_thumb(const char *outdir, const struct report *r, const struct row *row,
			const char *digest, long frame, const char *name, int width)
{
	char *clip = estrfmt("%s/clip/%s.mp4", outdir, row->id);
	char *out = estrfmt("%s/report/%s.jpg", outdir, name), *tmp = tmp_path_for(out);
	char *at = estrfmt("%.6f", (double)frame / (double)r->fps);
	char *scale = estrfmt("scale=%d:-2", width);
	char *argv[] = { "ffmpeg", "-nostdin", "-v", "error", "-y", "-ss", at, "-i", clip,
			 "-frames:v", "1", "-vf", scale, "-q:v", "4", "-f", "image2",
			 "-c:v", "mjpeg", tmp, NULL };

	char *key = estrfmt("%s %ld %d\n", digest, frame, width);
	char *key_path = estrfmt("%s.key", out);

	if (!made_from(out, key_path, key)) {
		if (mkdirs_for(out) < 0)
			die(EXIT_SYS, "%s:", out);
		ffmpeg_into(argv, NULL, tmp, out, clip);
		if (write_file_atomic(key_path, key, strlen(key)) < 0)
			die(EXIT_SYS, "%s:", key_path);
	}
	free(key);
	free(key_path);
	free(clip);
	free(out);
	free(tmp);
	free(at);
	free(scale);
}

/* The contact sheet's picture of a step whose camera moved: a frame on
 * the full view, where every stop can be drawn; else the last frame,
 * which shows the last stop's region. */
static long sheet_frame(const struct row *row, struct stop *shown)
{
	if (row->full_frame >= 0) {
		*shown = (struct stop){ row->full_frame, 1, 0, 0, row->width, row->height };
		return row->full_frame;
	}
	*shown = row->stops[row->stop_count - 1];
	return row->frames - 1;
}

/* The step's last frame, where its actions have left the page; and one
 * for each place its camera went, and the sheet's picture for those. */
static void thumbnail(const char *outdir, const struct report *r, const struct row *row)
{
	struct stop shown;
	char *name, *clip = estrfmt("%s/clip/%s.mp4", outdir, row->id);
	char digest[SHA256_HEX_SIZE];
	int i;

	/* what every thumbnail of the clip is keyed by: read once */
	if (sha256_file_hex(clip, digest) < 0)
		die(EXIT_SYS, "%s:", clip);
	free(clip);
	frame_thumb(outdir, r, row, digest, row->frames - 1, row->id, THUMB_WIDTH);
	if (row->stop_count) {
		/* a folder of its own: no step id can name the same file */
		name = estrfmt("path/%s", row->id);
		frame_thumb(outdir, r, row, digest, sheet_frame(row, &shown), name, THUMB_WIDTH);
		free(name);
	}
	for (i = 0; i < row->stop_count; i++) {
		name = estrfmt("%s-camera-%d", row->id, i + 1);
		frame_thumb(outdir, r, row, digest, row->stops[i].frame, name, CAMERA_THUMB_WIDTH);
		free(name);
	}
}

/* Filters drawing, on the sheet's picture n, each stop of row as a frame
 * numbered in order; the picture shows the region shown (the full view,
 * or a zoomed one), scaled to THUMB_WIDTH. */
static void draw_path(char **filters, size_t n, const struct row *row)
{
	struct stop shown;
	double k, x, y, w, h, ly;
	char *next;
	int i;

	sheet_frame(row, &shown);
	k = (double)THUMB_WIDTH / (double)shown.width;
	for (i = 0; i < row->stop_count; i++) {
		const struct stop *st = &row->stops[i];

		x = round((double)(st->x - shown.x) * k);
		y = round((double)(st->y - shown.y) * k);
		w = round((double)st->width * k);
		h = round((double)st->height * k);
		/* the whole picture: its number in the lower corner, clear of
		 * the stops that start in the upper one */
		ly = st->z == 1 ? y + h - PATH_LINE - 18 : y + PATH_LINE + 2;
		next = estrfmt("%sdrawbox=x=%.0f:y=%.0f:w=%.0f:h=%.0f:color=%s:t=%d:"
			       "enable='eq(n,%zu)',drawtext=font=Sans:text=%d:x=%.0f:y=%.0f:"
			       "fontsize=12:fontcolor=black:box=1:boxcolor=%s:boxborderw=2:"
			       "enable='eq(n,%zu)',", *filters, x, y, w, h, PATH_COLOUR, PATH_LINE,
			       n, i + 1, x + PATH_LINE + 2, ly, PATH_COLOUR, n);
		free(*filters);
		*filters = next;
	}
}

static void contact_sheet(const char *outdir, const struct report *r)
{
	char *list = estrfmt("%s/report/thumbs.txt", outdir), *listtmp = tmp_path_for(list);
	char *out = estrfmt("%s/contact-sheet.png", outdir), *tmp = tmp_path_for(out);
	size_t cols = r->count < SHEET_COLUMNS ? r->count : SHEET_COLUMNS;
	size_t rows = (r->count + cols - 1) / cols, i;
	char *filters = estrdup(""), *tile;
	char *text = estrdup("ffconcat version 1.0\n");
	char *argv[] = { "ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "concat", "-safe", "0",
			 "-i", listtmp, "-vf", NULL, "-frames:v", "1", "-f", "image2",
			 "-c:v", "png", tmp, NULL };

	/* a step whose camera moved: where it went, drawn on the page */
	for (i = 0; i < r->count; i++) {
		const struct row *row = &r->rows[i];
		char *next = estrfmt("%sfile '%s%s.jpg'\n", text,
				     row->stop_count ? "path/" : "", row->id);

		free(text);
		text = next;
		draw_path(&filters, i, row);
	}
	tile = estrfmt("%stile=%zux%zu:padding=4:margin=4:color=white", filters, cols, rows);
	argv[12] = tile;
	if (write_file_atomic(listtmp, text, strlen(text)) < 0)
		die(EXIT_SYS, "%s:", listtmp);
	ffmpeg_into(argv, listtmp, tmp, out, out);
	free(list);
	free(listtmp);
	free(out);
	free(tmp);
	free(tile);
	free(filters);
	free(text);
}

/* HTML text with <, >, &, " and ' escaped, appended to *page. */
static void put_escaped(char **page, const char *s)
{
	size_t len = strlen(*page), o = len;
	char *out = erealloc(*page, len + 6 * strlen(s) + 1);

	for (; *s; s++) {
		const char *rep = *s == '<' ? "&lt;" : *s == '>' ? "&gt;" : *s == '&' ? "&amp;" :
				  *s == '"' ? "&quot;" : *s == '\'' ? "&#39;" : NULL;
		if (rep) {
			memcpy(out + o, rep, strlen(rep));
			o += strlen(rep);
		} else {
			out[o++] = *s;
		}
	}
	out[o] = '\0';
	*page = out;
}

static void put(char **page, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(char **page, const char *fmt, ...)
{
	va_list ap;
	char *add, *next;

	va_start(ap, fmt);
	if (vasprintf(&add, fmt, ap) < 0)
		die(EXIT_SYS, "out of memory");
	va_end(ap);
	next = estrfmt("%s%s", *page, add);
	free(add);
	free(*page);
	*page = next;
}

/* Links to the subtitles and chapter list mux wrote beside the video. */
static void put_sidecars(char **page, const struct report *r)
{
	static const char *const exts[] = { "srt", "vtt", "chapters.txt" };
	const char *dot = strrchr(r->video, '.');
	int stem = dot && !strchr(dot, '/') ? (int)(dot - r->video) : (int)strlen(r->video);
	size_t i;

	for (i = 0; i < LEN(exts); i++) {
		char *name = estrfmt("%.*s.%s", stem, r->video, exts[i]);
		char *path = r->video[0] == '/' ? estrdup(name) : estrfmt("%s/%s", r->outdir, name);

		if (access(path, R_OK) == 0) {
			put(page, " &middot; <a href=\"");
			put_escaped(page, name);
			put(page, "\">");
			put_escaped(page, name);
			put(page, "</a>");
		}
		free(name);
		free(path);
	}
}

static void clock_text(char *buf, size_t len, double seconds)
{
	long s = lround(floor(seconds));

	snprintf(buf, len, "%ld:%02ld", s / 60, s % 60);
}

/* Where the camera went: a thumbnail per stop, with its zoom, its time in
 * the video and the region it showed. */
static void put_stops(char **page, const struct report *r, const struct row *row,
		      double start)
{
	const struct stop *st;
	char at[32];
	int i;

	for (i = 0; i < row->stop_count; i++) {
		st = &row->stops[i];
		clock_text(at, sizeof at, start + (double)st->frame / (double)r->fps);
		put(page, "<figure class=\"cam\"><img src=\"report/%s-camera-%d.jpg\" alt=\"\">"
			"<figcaption>camera %.1f&times; at %s: %ldx%ld at (%ld, %ld)"
			"</figcaption></figure>", row->id, i + 1, st->z, at, st->width, st->height,
		    st->x, st->y);
	}
}

static char *render(const struct report *r)
{
	char *page = estrdup(""), at[32], total_clock[32];
	double start = 0, total = 0, narration = 0;
	size_t i, hits = 0, made = 0, narrated = 0;
	long reused = 0, frames = 0;

	for (i = 0; i < r->count; i++) {
		const struct row *row = &r->rows[i];

		total += (double)row->frames / (double)r->fps;
		frames += row->frames;
		if (row->reused > 0)
			reused += row->reused;
		if (row->audio_seconds >= 0) {
			narration += row->audio_seconds;
			narrated++;
		}
		hits += strcmp(row->cache, "hit") == 0;
		made += strcmp(row->cache, "made") == 0;
	}
	clock_text(total_clock, sizeof total_clock, total);
	put(&page, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>");
	put_escaped(&page, r->title ? r->title : "Tour");
	put(&page, " &mdash; build report</title>\n<style>\n"
		"body{font:15px/1.4 sans-serif;margin:2em;color:#222}\n"
		"table{border-collapse:collapse;margin:1em 0}\n"
		"td,th{border:1px solid #ccc;padding:.4em .6em;vertical-align:top;text-align:left}\n"
		"td.n{text-align:right;white-space:nowrap}\n"
		"img.thumb{width:%dpx;display:block}\n"
		"figure.cam{display:inline-block;margin:.3em .3em 0 0}\n"
		"figure.cam img{width:%dpx;display:block}\n"
		"figure.cam figcaption{font-size:12px;color:#555}\n"
		"img.sheet{max-width:100%%;border:1px solid #ccc}\n"
		".hit{color:#070}.made{color:#555}\n"
		"</style></head><body>\n<h1>", THUMB_WIDTH, CAMERA_THUMB_WIDTH);
	put_escaped(&page, r->title ? r->title : "Tour");
	put(&page, "</h1>\n<p>Video: <a href=\"");
	put_escaped(&page, r->video);
	put(&page, "\">");
	put_escaped(&page, r->video);
	put(&page, "</a>");
	put_sidecars(&page, r);
	put(&page, "</p>\n<table id=\"totals\">\n"
		"<tr><th>steps</th><td class=\"n\">%zu</td></tr>\n"
		"<tr><th>video</th><td class=\"n\">%s (%.2f s, %ld frames at %ld fps)</td></tr>\n"
		"<tr><th>narration</th><td class=\"n\">%.2f s in %zu steps</td></tr>\n"
		"<tr><th>TTS cache</th><td class=\"n\">%zu hits, %zu made</td></tr>\n"
		"<tr><th>frames reused (no damage)</th><td class=\"n\">%ld</td></tr>\n"
		"</table>\n<h2>Contact sheet</h2>\n"
		"<img class=\"sheet\" src=\"contact-sheet.png\" alt=\"every step\">\n"
		"<h2>Steps</h2>\n<table id=\"steps\">\n<tr><th>#</th><th>step</th><th>starts</th>"
		"<th>narration</th><th>audio</th><th>clip</th><th>TTS cache</th>"
		"<th>frames reused</th></tr>\n",
		r->count, total_clock, total, frames, r->fps, narration, narrated, hits, made,
		reused);
	for (i = 0; i < r->count; i++) {
		const struct row *row = &r->rows[i];

		clock_text(at, sizeof at, start);
		put(&page, "<tr id=\"step-%s\"><td class=\"n\">%zu</td><td><img class=\"thumb\" "
			"src=\"report/%s.jpg\" alt=\"\"><b>", row->id, i + 1, row->id);
		put_escaped(&page, row->title);
		put(&page, "</b><br><code>%s</code>", row->id);
		put_stops(&page, r, row, start);
		put(&page, "</td><td class=\"n\">%s</td><td>", at);
		put_escaped(&page, row->narration);
		if (row->audio_seconds >= 0)
			put(&page, "</td><td class=\"n\">%.2f s</td>", row->audio_seconds);
		else
			put(&page, "</td><td class=\"n\">none</td>");
		put(&page, "<td class=\"n\">%.2f s</td><td class=\"%s\">%s</td><td class=\"n\">",
		    (double)row->frames / (double)r->fps, row->cache, row->cache);
		if (row->reused >= 0)
			put(&page, "%ld of %ld", row->reused, row->frames);
		else
			put(&page, "n/a");
		put(&page, "</td></tr>\n");
		start += (double)row->frames / (double)r->fps;
	}
	put(&page, "</table>\n<p>TTS cache: <i>hit</i> means the narration was copied from "
		"the cache, <i>made</i> that it was synthesised for it and then "
		"cached.</p>\n</body></html>\n");
	return page;
}

int main(int argc, char *argv[])
{
	const char *outdir = NULL, *video = NULL, *slash;
	struct report r = { 0 };
	char *page, *path;
	cJSON *root;
	size_t i;
	int c;

	argv0 = "tourreport";
	while ((c = getopt(argc, argv, "d:hv:")) != -1) {
		switch (c) {
		case 'd': outdir = optarg; break;
		case 'v': video = optarg; break;
		case 'h': usage(EXIT_OK); break;
		default: usage(EXIT_USAGE);
		}
	}
	if (!outdir || !video || optind != argc - 1)
		usage(EXIT_USAGE);
	if (access(video, R_OK) < 0)
		die(EXIT_SYS, "%s:", video);
	load(argv[optind], outdir, &root, &r);
	r.outdir = outdir;
	/* the page sits in outdir: the video by its name when it is there too */
	slash = strrchr(video, '/');
	r.video = slash && strncmp(video, outdir, (size_t)(slash - video)) == 0 &&
		  strlen(outdir) == (size_t)(slash - video) ? slash + 1 : video;
	for (i = 0; i < r.count; i++)
		thumbnail(outdir, &r, &r.rows[i]);
	contact_sheet(outdir, &r);
	page = render(&r);
	path = estrfmt("%s/report.html", outdir);
	if (write_file_atomic(path, page, strlen(page)) < 0)
		die(EXIT_SYS, "%s:", path);
	free(path);
	free(page);
	free(r.rows);
	cJSON_Delete(root);
	return EXIT_OK;
}
