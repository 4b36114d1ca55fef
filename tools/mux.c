/* mux - assemble the steps' silent clips and narration WAVs into one MP4.
 *
 * usage: mux -d outdir -o final.mp4 mux.json
 *
 * mux.json: {"title", "steps": [{"id", "title", "narration"}], "output":
 * {"audio_codec", "audio_bitrate"}}. Per step it reads outdir/clip/ID.mp4,
 * its meta outdir/clip/ID.json ({"fps", "frames", "narration_start_frame"})
 * and, when the step has narration, outdir/wav/ID.wav. The clips are joined
 * by stream copy; the audio track is built here, sample-exact, each WAV
 * starting at its step's first frame plus narration_start_frame, and
 * encoded once.
 */
#include <inttypes.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "file.h"
#include "json.h"
#include "run.h"
#include "util.h"
#include "wav.h"

#define AUDIO_RATE 48000

struct step {
	const char *id;
	char *clip, *wav;  /* wav NULL: a step without narration */
	long frames, narration_start;
};

struct tour {
	const char *title, *audio_codec, *audio_bitrate;
	struct step *steps;
	size_t count;
	long fps;
	uint64_t frames;   /* of the whole video */
};

/* Temporary files, removed on every way out, signals included. */
static char *temps[3];

static void remove_temps(void)
{
	size_t i;

	for (i = 0; i < sizeof temps / sizeof temps[0]; i++)
		if (temps[i])
			unlink(temps[i]);
}

static void on_signal(int sig)
{
	remove_temps();
	signal(sig, SIG_DFL);
	raise(sig);
}

static char *temp_in(const char *dir, const char *name)
{
	char *path = estrfmt("%s/%s", dir, name), *tmp = tmp_path_for(path);

	free(path);
	return tmp;
}

static void usage(int code)
{
	fprintf(code ? stderr : stdout, "usage: %s -d outdir -o final.mp4 mux.json\n", argv0);
	exit(code);
}

static int valid_id(const char *id)
{
	return *id && strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
				 "0123456789._-") == strlen(id) &&
	       strcmp(id, ".") != 0 && strcmp(id, "..") != 0;
}

/* A whole number in [min, max] from meta, or die naming the field. */
static long meta_int(const char *path, const cJSON *meta, const char *key, long min, long max)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(meta, key);

	if (!cJSON_IsNumber(v) || v->valuedouble != (double)(long)v->valuedouble ||
	    v->valuedouble < min || v->valuedouble > max)
		die(EXIT_USAGE, "%s: %s: must be a whole number from %ld to %ld", path, key,
		    min, max);
	return (long)v->valuedouble;
}

static void load_meta(const char *outdir, struct tour *t, struct step *s)
{
	char *path = estrfmt("%s/clip/%s.json", outdir, s->id), err[256];
	int sys_error;
	long fps;
	cJSON *meta = json_load(path, err, sizeof err, &sys_error);

	if (!meta)
		die(sys_error ? EXIT_SYS : EXIT_USAGE, "%s: %s", path, err);
	fps = meta_int(path, meta, "fps", 1, 240);
	if (t->fps && fps != t->fps)
		die(EXIT_USAGE, "%s: fps: %ld differs from the first clip's %ld", path, fps, t->fps);
	t->fps = fps;
	s->frames = meta_int(path, meta, "frames", 1, 10L * 3600 * 240);
	s->narration_start = meta_int(path, meta, "narration_start_frame", 0, s->frames);
	cJSON_Delete(meta);
	free(path);
}

/* The clip must hold exactly the frames its meta promises, or the audio
 * would drift from the picture after it. Counting packets reads no pixels. */
static void check_clip(const struct tour *t, const struct step *s)
{
	char *argv[] = { "ffprobe", "-v", "error", "-select_streams", "v:0", "-count_packets",
			 "-show_entries", "stream=codec_name,r_frame_rate,nb_read_packets",
			 "-of", "csv=p=0", s->clip, NULL };
	char line[128], codec[32] = "";
	long num = 0, den = 0, packets = -1;
	pid_t pid;
	FILE *f;
	int status;

	if (access(s->clip, R_OK) < 0)
		die(EXIT_SYS, "%s:", s->clip);
	f = run_pipe(argv, "r", &pid);
	if (!f)
		die(EXIT_SYS, "cannot run ffprobe:");
	if (fgets(line, sizeof line, f))
		sscanf(line, "%31[^,],%ld/%ld,%ld", codec, &num, &den, &packets);
	status = run_pipe_close(f, pid);
	if (status != 0 || strcmp(codec, "h264") != 0)
		die(EXIT_FAIL, "%s: not a readable H.264 clip", s->clip);
	if (packets != s->frames || den == 0 || num != t->fps * den)
		die(EXIT_FAIL, "%s: holds %ld frames at %ld/%ld fps, its meta says %ld at %ld",
		    s->clip, packets, num, den, s->frames, t->fps);
}

static const char *step_string(const cJSON *step, size_t i, const char *key, int required)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(step, key);

	if (!v && !required)
		return NULL;
	if (!cJSON_IsString(v))
		die(EXIT_USAGE, "steps[%zu].%s: missing or not a string", i, key);
	return v->valuestring;
}

static void load_tour(const char *path, const char *outdir, cJSON **root, struct tour *t)
{
	char err[256];
	int sys_error;
	const cJSON *steps, *step, *output;
	size_t i = 0;

	*root = json_load(path, err, sizeof err, &sys_error);
	if (!*root)
		die(sys_error ? EXIT_SYS : EXIT_USAGE, "%s: %s", path, err);
	steps = cJSON_GetObjectItemCaseSensitive(*root, "steps");
	if (!cJSON_IsArray(steps) || cJSON_GetArraySize(steps) == 0)
		die(EXIT_USAGE, "%s: steps: missing or not a non-empty array", path);
	output = cJSON_GetObjectItemCaseSensitive(*root, "output");
	t->title = json_str(*root, "title", NULL);
	t->audio_codec = json_str(output, "audio_codec", "aac");
	t->audio_bitrate = json_str(output, "audio_bitrate", "192k");
	t->count = (size_t)cJSON_GetArraySize(steps);
	t->steps = ecalloc(t->count, sizeof *t->steps);
	cJSON_ArrayForEach(step, steps) {
		struct step *s = &t->steps[i];
		const char *narration = step_string(step, i, "narration", 0);

		s->id = step_string(step, i, "id", 1);
		if (!valid_id(s->id))
			die(EXIT_USAGE, "%s: steps[%zu].id: \"%s\" is not made of [A-Za-z0-9._-]",
			    path, i, s->id);
		s->clip = estrfmt("%s/clip/%s.mp4", outdir, s->id);
		if (narration && *narration)
			s->wav = estrfmt("%s/wav/%s.wav", outdir, s->id);
		load_meta(outdir, t, s);
		t->frames += (uint64_t)s->frames;
		i++;
	}
}

static uint64_t sample_at(const struct tour *t, uint64_t frame)
{
	return frame * AUDIO_RATE / (uint64_t)t->fps;
}

/* Decode wav to 48 kHz mono s16 and lay it into track[from, to). ffmpeg
 * does every rate and sample format the TTS engines produce. Returns the
 * samples that did not fit. */
static uint64_t place_narration(const char *wav, int16_t *track, uint64_t from, uint64_t to)
{
	char *argv[] = { "ffmpeg", "-nostdin", "-v", "error", "-i", (char *)wav, "-f", "s16le",
			 "-ac", "1", "-ar", "48000", "-", NULL };
	unsigned char buf[8192];
	uint64_t at = from, lost = 0;
	size_t n, i;
	pid_t pid;
	FILE *f = run_pipe(argv, "r", &pid);
	int status;

	if (!f)
		die(EXIT_SYS, "cannot run ffmpeg:");
	while ((n = fread(buf, 2, sizeof buf / 2, f)) > 0) {
		for (i = 0; i < n; i++, at++) {
			if (at < to)
				track[at] = (int16_t)(buf[2 * i] | buf[2 * i + 1] << 8);
			else
				lost++;
		}
	}
	status = run_pipe_close(f, pid);
	if (status != 0)
		die(EXIT_FAIL, "%s: ffmpeg cannot decode it (exit %d)", wav, status);
	return lost;
}

/* The whole narration track: silence, and each step's WAV at its offset. */
static int16_t *build_track(const struct tour *t, uint64_t *samples)
{
	int16_t *track;
	uint64_t first_frame = 0;
	size_t i;

	*samples = sample_at(t, t->frames);
	track = ecalloc(*samples, sizeof *track);
	for (i = 0; i < t->count; i++) {
		const struct step *s = &t->steps[i];
		struct wav w;
		const char *why;

		if (s->wav) {
			uint64_t from = sample_at(t, first_frame + (uint64_t)s->narration_start);
			uint64_t to = sample_at(t, first_frame + (uint64_t)s->frames), lost;

			if (access(s->wav, R_OK) < 0)
				die(EXIT_SYS, "%s:", s->wav);
			if (wav_probe(s->wav, &w, &why) < 0)
				die(EXIT_FAIL, "%s: not a complete PCM WAV: %s", s->wav, why);
			lost = place_narration(s->wav, track, from, to);
			if (lost)
				warn("%s: narration runs %.3f s past the end of its clip; cut",
				     s->id, (double)lost / AUDIO_RATE);
		}
		first_frame += (uint64_t)s->frames;
	}
	return track;
}

static void write_concat_list(const struct tour *t, const char *path)
{
	size_t len = 0, i;
	char *list = estrdup("ffconcat version 1.0\n");

	/* Paths relative to the list, which lives in outdir; ids hold no quote.
	 * Each clip's exact duration is given, because the demuxer otherwise
	 * takes it from the MP4 header, rounded to the millisecond, and each
	 * step would start up to 0.5 ms off, adding up over the tour. */
	for (i = 0; i < t->count; i++) {
		const struct step *s = &t->steps[i];
		uint64_t usec = ((uint64_t)s->frames * 1000000 + (uint64_t)t->fps / 2) /
				(uint64_t)t->fps;
		char *next = estrfmt("%sfile 'clip/%s.mp4'\nduration %" PRIu64 ".%06" PRIu64 "\n",
				     list, s->id, usec / 1000000, usec % 1000000);

		free(list);
		list = next;
	}
	len = strlen(list);
	if (write_file_atomic(path, list, len) < 0)
		die(EXIT_SYS, "%s:", path);
	free(list);
}

static void encode(const struct tour *t, const char *list, const char *audio, const char *out)
{
	char *title = estrfmt("title=%s", t->title ? t->title : "");
	char *argv[] = { "ffmpeg", "-nostdin", "-v", "error", "-y",
			 "-f", "concat", "-safe", "0", "-i", (char *)list,
			 "-f", "wav", "-i", (char *)audio,
			 "-map", "0:v:0", "-map", "1:a:0", "-c:v", "copy",
			 "-c:a", (char *)t->audio_codec, "-b:a", (char *)t->audio_bitrate,
			 "-metadata", title, "-movflags", "+faststart", "-f", "mp4", (char *)out,
			 NULL };
	int status = run_wait(argv);

	if (status < 0)
		die(EXIT_SYS, "cannot run ffmpeg:");
	if (status != 0)
		die(EXIT_FAIL, "ffmpeg failed to assemble %s (exit %d)", out, status);
	free(title);
}

int main(int argc, char *argv[])
{
	const char *outdir = NULL, *out = NULL;
	struct tour t = { 0 };
	cJSON *root;
	int16_t *track;
	uint64_t samples;
	unsigned char *wav;
	size_t wav_len, i;
	int c;

	argv0 = "mux";
	while ((c = getopt(argc, argv, "d:ho:")) != -1) {
		switch (c) {
		case 'd': outdir = optarg; break;
		case 'o': out = optarg; break;
		case 'h': usage(EXIT_OK); break;
		default: usage(EXIT_USAGE);
		}
	}
	if (!outdir || !out || optind != argc - 1)
		usage(EXIT_USAGE);
	load_tour(argv[optind], outdir, &root, &t);
	for (i = 0; i < t.count; i++)
		check_clip(&t, &t.steps[i]);

	atexit(remove_temps);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	temps[0] = temp_in(outdir, "concat.txt");
	temps[1] = temp_in(outdir, "audio.wav");
	temps[2] = tmp_path_for(out);

	track = build_track(&t, &samples);
	wav = wav_build16(track, samples, AUDIO_RATE, 1, &wav_len);
	free(track);
	if (write_file_atomic(temps[1], wav, wav_len) < 0)
		die(EXIT_SYS, "%s:", temps[1]);
	free(wav);
	write_concat_list(&t, temps[0]);
	if (mkdirs_for(out) < 0)
		die(EXIT_SYS, "%s:", out);
	encode(&t, temps[0], temps[1], temps[2]);
	if (rename(temps[2], out) < 0)
		die(EXIT_SYS, "%s:", out);
	cJSON_Delete(root);
	return EXIT_OK;
}
