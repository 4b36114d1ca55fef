/* slidecap - a slides segment's silent clip: its slides, one after another
 *
 * usage: slidecap [-w narration.wav] [-m meta.json] -o clip.mp4 slides.json
 *
 * slides.json is what spec2req writes as step/ID/slides.json: {"id", "fps",
 * "video_size", "lead_in", "tail", "advance_interval" (ms), "background",
 * "images": [paths]}. Slide k (from 0) comes on at k * advance_interval;
 * the clip lasts lead_in + narration + tail, and at least long enough to
 * show every slide for one interval. Each image is fitted to the video
 * (scaled, margins in the background colour) and the frames go through the
 * same encoder as stepcap's, so the clip joins the others by stream copy.
 * -m writes the same timing facts as stepcap's, which mux checks.
 */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "encoder.h"
#include "file.h"
#include "json.h"
#include "run.h"
#include "stepid.h"
#include "timing.h"
#include "util.h"
#include "wav.h"

struct segment {
	cJSON *root;
	const char *id, *background;
	int fps, width, height, n;
	double lead_in, tail, interval_ms;
	const char **images;
	struct video_settings video;
};

static struct encoder encoder;

static void usage(FILE *f, int code)
{
	fprintf(f, "usage: %s [-w narration.wav] [-m meta.json] -o clip.mp4 slides.json\n"
		"  a slides segment's silent clip, its slides advancing at the interval\n"
		"exit: 0 ok, 1 an image or the narration is not readable media,\n"
		"      2 bad fragment or usage, 4 a missing file or ffmpeg failing to start\n", argv0);
	exit(code);
}

static void cleanup(void)
{
	encoder_abort(&encoder);
}

static void on_signal(int sig)
{
	if (encoder.pid > 0)
		kill(encoder.pid, SIGKILL);
	signal(sig, SIG_DFL);
	raise(sig);
}

static double number(const char *path, const cJSON *root, const char *key, double lo,
		     double hi, double fallback)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, key);

	if (!v)
		return fallback;
	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->valuedouble < lo ||
	    v->valuedouble > hi)
		die(EXIT_USAGE, "%s: %s: must be a number from %g to %g", path, key, lo, hi);
	return v->valuedouble;
}

static void read_segment(const char *path, struct segment *s)
{
	const cJSON *size, *images, *item;
	const char *why;
	char err[256];
	int sys_error, i = 0;

	s->root = json_load(path, err, sizeof err, &sys_error);
	if (!s->root)
		die(sys_error ? EXIT_SYS : EXIT_USAGE, "%s: %s", path, err);
	if (!(s->id = json_str(s->root, "id", NULL)) || !stepid_valid(s->id, &why))
		die(EXIT_USAGE, "%s: id: missing or not a valid step id", path);
	s->fps = (int)number(path, s->root, "fps", 1, 240, 30);
	if (s->fps != number(path, s->root, "fps", 1, 240, 30))
		die(EXIT_USAGE, "%s: fps: must be a whole number", path);
	size = cJSON_GetObjectItemCaseSensitive(s->root, "video_size");
	s->width = (int)number(path, size, "width", 16, 7680, 0);
	s->height = (int)number(path, size, "height", 16, 4320, 0);
	if (!s->width || !s->height || s->width % 2 || s->height % 2)
		die(EXIT_USAGE, "%s: video_size: must be {\"width\": W, \"height\": H}, even", path);
	s->lead_in = number(path, s->root, "lead_in", 0, 60, 0.5);
	s->tail = number(path, s->root, "tail", 0, 60, 1.0);
	s->interval_ms = number(path, s->root, "advance_interval", 1, 3600000, 5000);
	s->background = json_str(s->root, "background", "#1f1f1f");
	if ((why = video_settings_read(&s->video, cJSON_GetObjectItemCaseSensitive(s->root, "video"))))
		die(EXIT_USAGE, "%s: video%s", path, why);
	if (strspn(s->background, "#0123456789abcdefABCDEF") != strlen(s->background))
		die(EXIT_USAGE, "%s: background: must be a colour like \"#1f1f1f\"", path);
	images = cJSON_GetObjectItemCaseSensitive(s->root, "images");
	s->n = cJSON_GetArraySize(images);
	if (!cJSON_IsArray(images) || s->n == 0)
		die(EXIT_USAGE, "%s: images: must be a non-empty array of paths", path);
	s->images = ecalloc((size_t)s->n, sizeof *s->images);
	cJSON_ArrayForEach(item, images) {
		if (!cJSON_IsString(item) || !*item->valuestring)
			die(EXIT_USAGE, "%s: images[%d]: must be a path", path, i);
		s->images[i++] = item->valuestring;
	}
}

/* The image fitted to the video as one PNG, the encoder's input format:
 * scaled to fit whole, centred, the margins in the slides' background. */
static unsigned char *fitted_png(const struct segment *s, const char *image, size_t *len)
{
	char *filter = estrfmt("scale=%d:%d:force_original_aspect_ratio=decrease:flags=lanczos,"
			       "pad=%d:%d:(ow-iw)/2:(oh-ih)/2:color=%s,setsar=1", s->width, s->height,
			       s->width, s->height, s->background);
	char *argv[] = { "ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error",
			 "-i", (char *)image, "-frames:v", "1", "-vf", filter,
			 "-pix_fmt", "rgb24", "-c:v", "png",
			 "-f", "image2pipe", "-", NULL };
	unsigned char *buf = NULL;
	size_t cap = 0, n;
	FILE *f;
	pid_t pid;
	int status;

	if (access(image, R_OK) < 0)
		die(EXIT_SYS, "%s: cannot read the slide:", image);
	if (!(f = run_pipe(argv, "r", &pid)))
		die(EXIT_SYS, "cannot start ffmpeg:");
	*len = 0;
	do {
		if (*len == cap)
			buf = erealloc(buf, cap = cap ? cap * 2 : 1 << 18);
		n = fread(buf + *len, 1, cap - *len, f);
		*len += n;
	} while (n > 0);
	status = run_pipe_close(f, pid);
	free(filter);
	if (status == 127)
		die(EXIT_SYS, "ffmpeg: cannot run it (is it installed?)");
	if (status != 0 || *len == 0)
		die(EXIT_FAIL, "%s: ffmpeg cannot read it as an image (exit %d)", image, status);
	return buf;
}

/* The frame slide k comes on. */
static long slide_start(const struct segment *s, int k)
{
	return lround(k * s->interval_ms / 1000.0 * s->fps);
}

static cJSON *meta_json(const struct segment *s, long frames, double narration)
{
	cJSON *m = cJSON_CreateObject(), *starts = cJSON_CreateArray();
	long shown = 0;
	int k;

	for (k = 0; k < s->n; k++) {
		if (slide_start(s, k) >= frames)
			break;
		cJSON_AddItemToArray(starts, cJSON_CreateNumber(slide_start(s, k)));
		shown++;
	}
	cJSON_AddStringToObject(m, "id", s->id);
	cJSON_AddNumberToObject(m, "fps", s->fps);
	cJSON_AddNumberToObject(m, "frames", frames);
	cJSON_AddNumberToObject(m, "narration_start_frame", lround(s->lead_in * s->fps));
	/* what the assembly must know to join it without opening it */
	cJSON_AddNumberToObject(m, "width", s->width);
	cJSON_AddNumberToObject(m, "height", s->height);
	cJSON_AddStringToObject(m, "video_codec", s->video.codec);
	cJSON_AddNumberToObject(m, "video_crf", s->video.crf);
	cJSON_AddStringToObject(m, "video_preset", s->video.preset);
	cJSON_AddNumberToObject(m, "action_frames", slide_start(s, s->n));
	cJSON_AddNumberToObject(m, "narration_seconds", narration);
	/* every frame but each slide's first repeats the picture before it */
	cJSON_AddNumberToObject(m, "reused_frames", frames - shown);
	cJSON_AddNumberToObject(m, "clock_jumps", 0);
	cJSON_AddNumberToObject(m, "screenshot_retries", 0);
	cJSON_AddNumberToObject(m, "dropped_wait_frames", 0);
	cJSON_AddStringToObject(m, "mode", "slides");
	cJSON_AddItemToObject(m, "slide_start_frames", starts);
	return m;
}

int main(int argc, char *argv[])
{
	const char *wav = NULL, *meta = NULL, *out = NULL, *why;
	struct segment s;
	struct wav w;
	unsigned char **pictures;
	size_t *sizes;
	double narration = 0;
	long total, frame;
	int opt, k;
	cJSON *m;
	char *text;

	argv0 = "slidecap";
	while ((opt = getopt(argc, argv, "m:o:w:h")) != -1) {
		switch (opt) {
		case 'm': meta = optarg; break;
		case 'o': out = optarg; break;
		case 'w': wav = optarg; break;
		case 'h': usage(stdout, EXIT_OK); break;
		default: usage(stderr, EXIT_USAGE);
		}
	}
	if (!out || optind != argc - 1)
		usage(stderr, EXIT_USAGE);
	read_segment(argv[optind], &s);
	if (wav) {
		if (wav_probe(wav, &w, &why) < 0)
			die(EXIT_FAIL, "%s: %s", wav, why);
		narration = wav_seconds(&w);
	}
	atexit(cleanup);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);

	pictures = ecalloc((size_t)s.n, sizeof *pictures);
	sizes = ecalloc((size_t)s.n, sizeof *sizes);
	for (k = 0; k < s.n; k++)
		pictures[k] = fitted_png(&s, s.images[k], &sizes[k]);
	total = timing_narrated_frames(s.lead_in, narration, s.tail, s.fps);
	if (total < slide_start(&s, s.n))
		total = slide_start(&s, s.n);
	if (total < 1)
		total = 1;

	encoder_start(&encoder, out, s.fps, &s.video, 0, s.width, s.height);
	for (frame = 0, k = 0; frame < total; frame++) {
		int next = 0;

		while (k + 1 < s.n && frame >= slide_start(&s, k + 1)) {
			k++;
			next = 1;
		}
		/* a slide's later frames repeat its picture: nothing to send */
		encoder_write(&encoder, pictures[k], sizes[k], frame > 0 && !next);
	}
	encoder_finish(&encoder);
	encoder_commit(&encoder);
	if (meta) {
		m = meta_json(&s, total, narration);
		text = cJSON_Print(m);
		if (!text || write_file_atomic(meta, text, strlen(text)) < 0)
			die(EXIT_SYS, "cannot write %s:", meta);
		free(text);
		cJSON_Delete(m);
	}
	for (k = 0; k < s.n; k++)
		free(pictures[k]);
	free(pictures);
	free(sizes);
	free(s.images);
	cJSON_Delete(s.root);
	return EXIT_OK;
}
