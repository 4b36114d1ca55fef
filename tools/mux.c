/* mux - assemble the steps' silent clips and narration WAVs into one MP4.
 *
 * usage: mux -d outdir -o final.mp4 mux.json
 *
 * mux.json (written by spec2req): {"spec_dir", "meta": {"title",
 * "target_duration_seconds", "max_duration_seconds"}, "output": {...},
 * "steps": [{"id", "title", "narration"}]}. Per step it reads
 * outdir/clip/ID.mp4's meta outdir/clip/ID.json ({"fps", "frames",
 * "narration_start_frame", "width", "height", "video_codec", "video_crf",
 * "video_preset"}, written by stepcap with the clip) and, when the step has
 * narration, outdir/wav/ID.wav. Nothing is started per step: what a clip
 * holds is known from its meta, and the WAVs are read and resampled here.
 *
 * The clips were encoded with the output's settings when they were
 * captured, so they are joined by stream copy, always. The audio track is
 * built here, sample-exact: each WAV starts at its step's first frame plus
 * narration_start_frame; with output.loudnorm it is measured (libebur128)
 * and brought to the target by a gain and a peak limiter. Each step's part
 * of the track, as it stands and as normalised, is kept in
 * outdir/audio/part (partcache.h): a part no edit touched costs a copy of
 * its samples, and the loudness is gated from the parts' kept blocks. An
 * AAC track is cut in its silences into segments (segments.h); those
 * outdir/audio does not hold yet are encoded, each by an encoder of its
 * own, two ffmpeg runs at a time, while the true peak is checked (one over
 * the target, which is rare, starts the encoding again); all are joined,
 * and the one run that writes the file copies them. Another codec is encoded by that run.
 * Intro and outro clips are encoded with the same settings so that they
 * join by stream copy too, once: the copy is kept in outdir/edge/ for the
 * next assembly.
 * Beside final.mp4 it writes final.srt, final.vtt and final.chapters.txt;
 * the MP4 carries the chapters and the subtitles too. With output.path,
 * the results are also copied there.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "adts.h"
#include "chapters.h"
#include "copyfile.h"
#include "cues.h"
#include "encoder.h"
#include "file.h"
#include "json.h"
#include "loudnorm.h"
#include "run.h"
#include "runlog.h"
#include "segcache.h"
#include "segments.h"
#include "stepid.h"
#include "strbuf.h"
#include "track.h"
#include "userpath.h"
#include "util.h"
#include "wav.h"

/* A target duration further off than this earns a warning. */
#define TARGET_TOLERANCE 0.25

struct step {
	const char *id, *title, *narration;
	char *clip, *wav;  /* wav NULL: a step without narration */
	long frames, narration_start;
	double narration_seconds;
};

/* An intro or outro: the author's file, and its copy in the tour's format. */
struct edge {
	const char *key;   /* "intro_clip" */
	const char *title; /* its chapter */
	char *source, *converted;
	const char *name;  /* "intro": its copy is outdir/edge/intro.mp4 */
	long frames;
	float *audio;      /* its own sound at TRACK_RATE, or NULL */
	size_t audio_samples;
};

struct tour {
	const char *path, *title, *audio_codec, *audio_bitrate;
	struct video_settings video;
	int loudnorm;
	double target_seconds, max_seconds; /* 0: not set */
	char *publish;     /* output.path resolved, or NULL */
	struct step *steps;
	size_t count;
	long fps, width, height;
	uint64_t frames;   /* of the whole video, intro and outro included */
	struct edge intro, outro;
};

/* Temporary files, removed on every way out, signals included; and the
 * ffmpeg runs writing them while the track is checked, stopped. */
enum { T_LIST, T_AUDIO, T_JOINED, T_VIDEO, T_INTRO, T_OUTRO, T_META, T_SUBS,
       T_COUNT };
static char *temps[T_COUNT];
static pid_t encoders[2];
/* the segments' frames being encoded, before they join the cache */
static char **segment_temps;
static size_t segment_temp_count;

static void remove_temps(void)
{
	size_t i;

	for (i = 0; i < LEN(encoders); i++)
		if (encoders[i] > 0) {
			kill(encoders[i], SIGKILL);
			waitpid(encoders[i], NULL, 0);
		}
	for (i = 0; i < T_COUNT; i++)
		if (temps[i])
			unlink(temps[i]);
	for (i = 0; i < segment_temp_count; i++)
		unlink(segment_temps[i]);
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

static const char *meta_string(const char *path, const cJSON *meta, const char *key)
{
	const char *v = json_str(meta, key, NULL);

	if (!v)
		die(EXIT_USAGE, "%s: %s: missing or not a string (a clip from an older "
		    "capture: remake it)", path, key);
	return v;
}

/* A clip's facts, written by stepcap when it made the clip: checked here
 * instead of probing every clip on every assembly. A clip encoded with
 * other settings than the output's would need a re-encode to join the
 * others; make recaptures it, since its fragment carries the settings. */
static void load_meta(const char *outdir, struct tour *t, struct step *s)
{
	char *path = estrfmt("%s/clip/%s.json", outdir, s->id), err[256];
	int sys_error;
	long fps, width, height, crf;
	const char *codec, *preset;
	cJSON *meta = json_load(path, err, sizeof err, &sys_error);

	if (!meta)
		die(sys_error ? EXIT_SYS : EXIT_USAGE, "%s: %s", path, err);
	fps = meta_int(path, meta, "fps", 1, 240);
	if (t->fps && fps != t->fps)
		die(EXIT_USAGE, "%s: fps: %ld differs from the first clip's %ld", path, fps, t->fps);
	t->fps = fps;
	s->frames = meta_int(path, meta, "frames", 1, 10L * 3600 * 240);
	s->narration_start = meta_int(path, meta, "narration_start_frame", 0, s->frames);
	width = meta_int(path, meta, "width", 16, 7680);
	height = meta_int(path, meta, "height", 16, 4320);
	if (t->width && (width != t->width || height != t->height))
		die(EXIT_FAIL, "%s: is %ldx%ld, the first clip %ldx%ld: clips of one tour share a size",
		    s->clip, width, height, t->width, t->height);
	t->width = width;
	t->height = height;
	codec = meta_string(path, meta, "video_codec");
	preset = meta_string(path, meta, "video_preset");
	crf = meta_int(path, meta, "video_crf", 0, 63);
	if (strcmp(codec, t->video.codec) || strcmp(preset, t->video.preset) ||
	    crf != t->video.crf)
		die(EXIT_FAIL, "%s: encoded as %s crf %ld preset %s, the output asks for %s "
		    "crf %d preset %s: capture it again (make does, its fragment changed)",
		    s->clip, codec, crf, preset, t->video.codec, t->video.crf, t->video.preset);
	cJSON_Delete(meta);
	free(path);
}

struct video_info {
	char codec[32];
	long num, den, packets, width, height;
};

/* Codec, frame rate, size and packet count of a file's first video stream.
 * Counting packets reads no pixels. Returns 0, or -1 when ffprobe fails. */
static int probe_video(const char *path, struct video_info *v)
{
	char *argv[] = { "ffprobe", "-v", "error", "-select_streams", "v:0", "-count_packets",
			 "-show_entries",
			 "stream=codec_name,r_frame_rate,width,height,nb_read_packets",
			 "-of", "csv=p=0", (char *)path, NULL };
	char line[160];
	pid_t pid;
	FILE *f;
	int status;

	memset(v, 0, sizeof *v);
	v->packets = -1;
	f = run_pipe(argv, "r", &pid);
	if (!f)
		run_die_unstarted("ffprobe");
	if (fgets(line, sizeof line, f))
		sscanf(line, "%31[^,],%ld,%ld,%ld/%ld,%ld", v->codec, &v->width, &v->height,
		       &v->num, &v->den, &v->packets);
	status = run_pipe_close(f, pid);
	return status == 0 && *v->codec ? 0 : -1;
}

/* The clip itself is not opened: its meta, written with it, says what it
 * holds. It must still be there. */
static void check_clip(const struct step *s)
{
	if (access(s->clip, R_OK) < 0)
		die(EXIT_SYS, "%s:", s->clip);
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

/* output.KEY as a string, or fallback; a wrong type is a bad fragment. */
static const char *output_string(const struct tour *t, const cJSON *output, const char *key,
				 const char *fallback)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(output, key);

	if (!v)
		return fallback;
	if (!cJSON_IsString(v) || !*v->valuestring)
		die(EXIT_USAGE, "%s: output.%s: must be a non-empty string", t->path, key);
	return v->valuestring;
}

static double meta_seconds(const struct tour *t, const cJSON *meta, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(meta, key);

	if (!v)
		return 0;
	if (!cJSON_IsNumber(v) || v->valuedouble <= 0)
		die(EXIT_USAGE, "%s: meta.%s: must be a positive number of seconds", t->path, key);
	return v->valuedouble;
}

/* A path from the spec, resolved like the seed's: "~" is the home folder,
 * anything relative is relative to the spec's folder. */
static char *spec_path(const struct tour *t, const char *key, const char *path,
		       const char *spec_dir)
{
	char *resolved = userpath_resolve(path, spec_dir);

	if (!resolved)
		die(EXIT_USAGE, "%s: output.%s: \"%s\": write \"~/...\" (with HOME set) or a "
		    "path relative to the spec", t->path, key, path);
	return resolved;
}

static void load_output(struct tour *t, const cJSON *root)
{
	const cJSON *output = cJSON_GetObjectItemCaseSensitive(root, "output");
	const cJSON *meta = cJSON_GetObjectItemCaseSensitive(root, "meta");
	const cJSON *crf = cJSON_GetObjectItemCaseSensitive(output, "video_crf");
	const cJSON *loud = cJSON_GetObjectItemCaseSensitive(output, "loudnorm");
	const char *spec_dir = json_str(root, "spec_dir", ".");
	const char *path;

	t->title = json_str(meta, "title", NULL);
	t->target_seconds = meta_seconds(t, meta, "target_duration_seconds");
	t->max_seconds = meta_seconds(t, meta, "max_duration_seconds");
	t->audio_codec = output_string(t, output, "audio_codec", "aac");
	t->audio_bitrate = output_string(t, output, "audio_bitrate", "192k");
	if (crf && (!cJSON_IsNumber(crf) || crf->valuedouble != floor(crf->valuedouble) ||
		    crf->valuedouble < 0 || crf->valuedouble > 63))
		die(EXIT_USAGE, "%s: output.video_crf: must be a whole number from 0 to 63", t->path);
	video_settings_resolve(&t->video, output_string(t, output, "video_codec", NULL),
			       crf ? (int)crf->valuedouble : -1,
			       output_string(t, output, "video_preset", NULL));
	if (loud && !cJSON_IsBool(loud))
		die(EXIT_USAGE, "%s: output.loudnorm: must be true or false", t->path);
	t->loudnorm = cJSON_IsTrue(loud);
	if ((path = output_string(t, output, "path", NULL)))
		t->publish = spec_path(t, "path", path, spec_dir);
	t->intro = (struct edge){ .key = "intro_clip", .title = "Intro", .name = "intro" };
	t->outro = (struct edge){ .key = "outro_clip", .title = "Outro", .name = "outro" };
	if ((path = output_string(t, output, "intro_clip", NULL)))
		t->intro.source = spec_path(t, "intro_clip", path, spec_dir);
	if ((path = output_string(t, output, "outro_clip", NULL)))
		t->outro.source = spec_path(t, "outro_clip", path, spec_dir);
}

static void load_tour(const char *path, const char *outdir, cJSON **root, struct tour *t)
{
	char err[256];
	int sys_error;
	const cJSON *steps, *step;
	const char *why;
	size_t i = 0;

	t->path = path;
	*root = json_load(path, err, sizeof err, &sys_error);
	if (!*root)
		die(sys_error ? EXIT_SYS : EXIT_USAGE, "%s: %s", path, err);
	steps = cJSON_GetObjectItemCaseSensitive(*root, "steps");
	if (!cJSON_IsArray(steps) || cJSON_GetArraySize(steps) == 0)
		die(EXIT_USAGE, "%s: steps: missing or not a non-empty array", path);
	load_output(t, *root);
	t->count = (size_t)cJSON_GetArraySize(steps);
	t->steps = ecalloc(t->count, sizeof *t->steps);
	cJSON_ArrayForEach(step, steps) {
		struct step *s = &t->steps[i];

		s->narration = step_string(step, i, "narration", 0);
		s->id = step_string(step, i, "id", 1);
		if (!stepid_valid(s->id, &why))
			die(EXIT_USAGE, "%s: steps[%zu].id: \"%s\" %s", path, i, s->id, why);
		s->title = step_string(step, i, "title", 0);
		if (!s->title || !*s->title)
			s->title = s->id;
		s->clip = estrfmt("%s/clip/%s.mp4", outdir, s->id);
		if (s->narration && *s->narration)
			s->wav = estrfmt("%s/wav/%s.wav", outdir, s->id);
		load_meta(outdir, t, s);
		check_clip(s);
		t->frames += (uint64_t)s->frames;
		i++;
	}
}

/* A media file's sound at TRACK_RATE, mono: for the intro and outro,
 * which may be in any format ffmpeg reads. */
static float *decode_audio(const char *file, size_t *samples)
{
	char *argv[] = { "ffmpeg", "-nostdin", "-v", "error", "-i", (char *)file, "-map", "0:a:0",
			 "-f", "s16le", "-ac", "1", "-ar", "48000", "-", NULL };
	unsigned char buf[8192];
	size_t n, i, cap = TRACK_RATE;
	float *out = emalloc(cap * sizeof *out);
	pid_t pid;
	FILE *f = run_pipe(argv, "r", &pid);
	int status;

	if (!f)
		run_die_unstarted("ffmpeg");
	*samples = 0;
	while ((n = fread(buf, 2, sizeof buf / 2, f)) > 0) {
		if (*samples + n > cap) {
			cap = 2 * (*samples + n);
			out = erealloc(out, cap * sizeof *out);
		}
		for (i = 0; i < n; i++)
			out[(*samples)++] = (int16_t)(buf[2 * i] | buf[2 * i + 1] << 8) / 32768.0f;
	}
	status = run_pipe_close(f, pid);
	if (status != 0)
		die(EXIT_FAIL, "%s: ffmpeg cannot decode its audio (exit %d)", file, status);
	return out;
}

/* Bring an intro or outro to the tour's size, rate and encoder parameters,
 * so it joins the clips by stream copy: the joined stream keeps the first
 * file's SPS, so even its colour description must match the captures'
 * (video_colour). Its own sound is kept for the audio track. */
static void convert_edge(struct tour *t, struct edge *e)
{
	char *filter = estrfmt("scale=%ld:%ld:force_original_aspect_ratio=decrease,"
			       "pad=%ld:%ld:(ow-iw)/2:(oh-ih)/2,setsar=1,fps=%ld,format=yuv420p",
			       t->width, t->height, t->width, t->height, t->fps);
	char *rate = estrfmt("%ld", t->fps), *gop = estrfmt("%ld", KEYFRAME_SECONDS * t->fps);
	char *crf = estrfmt("%d", t->video.crf);
	char *argv[48];
	int n = 0;
	char *probe[] = { "ffprobe", "-v", "error", "-select_streams", "a", "-show_entries",
			  "stream=index", "-of", "csv=p=0", e->source, NULL };
	struct video_info v;
	char line[32];
	pid_t pid;
	FILE *f;
	int status, has_audio;

#define ARG(s) (argv[n++] = (char *)(s))
	ARG("ffmpeg"); ARG("-nostdin"); ARG("-v"); ARG("error"); ARG("-y"); ARG("-i"); ARG(e->source);
	ARG("-map"); ARG("0:v:0"); ARG("-an"); ARG("-vf"); ARG(filter);
	ARG("-c:v"); ARG(t->video.codec); ARG("-preset"); ARG(t->video.preset); ARG("-crf"); ARG(crf);
	ARG("-pix_fmt"); ARG("yuv420p");
	n += video_colour(argv + n);
	ARG("-r"); ARG(rate); ARG("-g"); ARG(gop);
	ARG("-map_metadata"); ARG("-1"); ARG("-fflags"); ARG("+bitexact");
	ARG("-flags:v"); ARG("+bitexact");
	n += video_stream_shape(&t->video, argv + n);
	if (video_repeats(&t->video)) {
		/* and the repeats' parameter sets, as the clips have them */
		ARG("-f"); ARG("h264"); ARG("-"); ARG(NULL);
		status = encoder_remux(argv, e->converted, (int)t->fps);
	} else {
		ARG("-movflags"); ARG("+faststart"); ARG("-f"); ARG("mp4"); ARG(e->converted);
		ARG(NULL);
		status = run_wait(argv);
		if (status < 0)
			run_die_unstarted("ffmpeg");
	}
#undef ARG
	if (status != 0 || probe_video(e->converted, &v) < 0 || v.packets <= 0)
		die(EXIT_FAIL, "output.%s: %s: ffmpeg cannot read its video (exit %d)", e->key,
		    e->source, status);
	e->frames = v.packets;
	f = run_pipe(probe, "r", &pid);
	if (!f)
		run_die_unstarted("ffprobe");
	has_audio = fgets(line, sizeof line, f) != NULL;
	run_pipe_close(f, pid);
	if (has_audio)
		e->audio = decode_audio(e->source, &e->audio_samples);
	free(filter);
	free(rate);
	free(gop);
	free(crf);
}

/* The sound of a converted intro or outro, kept beside it; NULL when it
 * cannot be read, and the edge is converted again. */
static float *load_edge_audio(const char *path, size_t *samples)
{
	size_t len;
	unsigned char *file = (unsigned char *)read_file(path, &len);
	struct wav w;
	const char *why;
	float *audio = NULL;

	if (file && wav_parse(file, len, &w, &why) == 0 && w.rate == TRACK_RATE) {
		audio = wav_mono(file, &w);
		*samples = (size_t)w.frames;
	}
	free(file);
	return audio;
}

static void save_edge_audio(const char *path, const struct edge *e)
{
	int16_t *pcm = emalloc((e->audio_samples ? e->audio_samples : 1) * sizeof *pcm);
	unsigned char *wav;
	size_t len;

	wav_to_pcm16(e->audio, pcm, e->audio_samples);
	wav = wav_build16(pcm, e->audio_samples, TRACK_RATE, 1, &len);
	if (write_file_atomic(path, wav, len) < 0)
		die(EXIT_SYS, "%s:", path);
	free(wav);
	free(pcm);
}

/* An intro or outro is converted once and kept in outdir/edge/ with its
 * sound and a note of what it was made from (the file's size and time,
 * the tour's format and encoder settings): later assemblies reuse it, so
 * an edit elsewhere does not encode it again. */
static void prepare_edge(const char *outdir, struct tour *t, struct edge *e, int slot)
{
	char *mp4 = estrfmt("%s/edge/%s.mp4", outdir, e->name);
	char *wav = estrfmt("%s/edge/%s.wav", outdir, e->name);
	char *note = estrfmt("%s/edge/%s.json", outdir, e->name), *key, err[256];
	struct stat st;
	int sys_error, audio;
	cJSON *m;

	if (stat(e->source, &st) < 0 || access(e->source, R_OK) < 0)
		die(EXIT_SYS, "output.%s: %s:", e->key, e->source);
	key = estrfmt("%s|%lld|%lld.%09ld|%ldx%ld@%ld|%s|%d|%s", e->source, (long long)st.st_size,
		      (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec, t->width, t->height, t->fps,
		      t->video.codec, t->video.crf, t->video.preset);
	m = json_load(note, err, sizeof err, &sys_error);
	e->frames = (long)json_num(m, "frames", 0);
	audio = json_bool(m, "audio", 0);
	if (m && !strcmp(json_str(m, "key", ""), key) && e->frames > 0 && access(mp4, R_OK) == 0 &&
	    (!audio || (e->audio = load_edge_audio(wav, &e->audio_samples)))) {
		e->converted = mp4;
	} else {
		cJSON *made = cJSON_CreateObject();

		e->converted = temps[slot] = temp_in(outdir, strrchr(mp4, '/') + 1);
		convert_edge(t, e);
		if (mkdirs_for(mp4) < 0)
			die(EXIT_SYS, "%s:", mp4);
		if (e->audio)
			save_edge_audio(wav, e);
		if (rename(e->converted, mp4) < 0)
			die(EXIT_SYS, "%s:", mp4);
		e->converted = mp4;
		cJSON_AddStringToObject(made, "key", key);
		cJSON_AddNumberToObject(made, "frames", (double)e->frames);
		cJSON_AddBoolToObject(made, "audio", e->audio != NULL);
		if (json_write_if_changed(note, made) < 0)
			die(EXIT_SYS, "%s:", note);
		cJSON_Delete(made);
	}
	t->frames += (uint64_t)e->frames;
	cJSON_Delete(m);
	free(key);
	free(wav);
	free(note);
}

static double seconds_of(const struct tour *t, uint64_t frames)
{
	return (double)frames / (double)t->fps;
}

static int longer_step(const void *a, const void *b)
{
	const struct step *x = *(const struct step *const *)a, *y = *(const struct step *const *)b;

	return (x->frames < y->frames) - (x->frames > y->frames);
}

/* meta.max_duration_seconds is a limit (the publishing slot, the audience's
 * patience): over it, the build fails and says where the time went.
 * meta.target_duration_seconds is a wish: far from it, a warning. */
static void check_duration(const struct tour *t)
{
	double total = seconds_of(t, t->frames);
	const struct step **order;
	struct strbuf longest = { 0 };
	size_t i;

	if (t->target_seconds > 0 && fabs(total - t->target_seconds) >
				     TARGET_TOLERANCE * t->target_seconds)
		warn("the tour lasts %.1f s, %.0f%% %s than meta.target_duration_seconds %g",
		     total, fabs(total - t->target_seconds) * 100 / t->target_seconds,
		     total > t->target_seconds ? "longer" : "shorter", t->target_seconds);
	if (t->max_seconds <= 0 || total <= t->max_seconds)
		return;
	order = emalloc(t->count * sizeof *order);
	for (i = 0; i < t->count; i++)
		order[i] = &t->steps[i];
	qsort(order, t->count, sizeof *order, longer_step);
	for (i = 0; i < t->count && i < 3; i++)
		sb_printf(&longest, "%s%s %.1f s", i ? ", " : "", order[i]->id,
			  seconds_of(t, (uint64_t)order[i]->frames));
	die(EXIT_FAIL, "the tour lasts %.1f s, over meta.max_duration_seconds %g: "
	    "shorten the narration or raise the limit; longest steps: %s",
	    total, t->max_seconds, sb_take(&longest));
}

static uint64_t sample_at(const struct tour *t, uint64_t frame)
{
	return frame * TRACK_RATE / (uint64_t)t->fps;
}

/* The samples of frames [frame, frame + frames), and frame moved past. */
static size_t span(const struct tour *t, uint64_t *frame, long frames)
{
	uint64_t from = sample_at(t, *frame);

	*frame += (uint64_t)frames;
	return (size_t)(sample_at(t, *frame) - from);
}

static struct track_part edge_part(const struct tour *t, const struct edge *e, uint64_t *frame)
{
	return (struct track_part){ .name = e->name, .audio = e->audio,
				    .audio_samples = e->audio_samples,
				    .samples = span(t, frame, e->frames) };
}

static struct track_part step_part(const struct tour *t, const struct step *s, uint64_t *frame)
{
	uint64_t at = sample_at(t, *frame + (uint64_t)s->narration_start) - sample_at(t, *frame);

	return (struct track_part){ .name = s->id, .wav = s->wav, .at = (size_t)at,
				    .samples = span(t, frame, s->frames) };
}

/* The track's parts, in order: the intro, each step, the outro. */
static struct track_part *plan_track(const struct tour *t, size_t *count)
{
	struct track_part *parts = ecalloc(t->count + 2, sizeof *parts);
	uint64_t frame = 0;
	size_t n = 0, i;

	if (t->intro.frames)
		parts[n++] = edge_part(t, &t->intro, &frame);
	for (i = 0; i < t->count; i++)
		parts[n++] = step_part(t, &t->steps[i], &frame);
	if (t->outro.frames)
		parts[n++] = edge_part(t, &t->outro, &frame);
	*count = n;
	return parts;
}

/* One clip of the concat list, "DIR/NAME.mp4", and its exact duration. */
static void list_entry(struct strbuf *list, const struct tour *t, const char *dir,
		       const char *name, long frames)
{
	uint64_t usec = ((uint64_t)frames * 1000000 + (uint64_t)t->fps / 2) / (uint64_t)t->fps;

	sb_printf(list, "file '%s/%s.mp4'\nduration %" PRIu64 ".%06" PRIu64 "\n", dir, name,
		  usec / 1000000, usec % 1000000);
}

static void write_concat_list(const struct tour *t, const char *path)
{
	struct strbuf list = { 0 };
	char *text;
	size_t i;

	/* Paths relative to the list, which lives in outdir; ids and temporary
	 * names hold no quote. Each clip's exact duration is given, because the
	 * demuxer otherwise takes it from the MP4 header, rounded to the
	 * millisecond, and each step would start up to 0.5 ms off, adding up
	 * over the tour. */
	sb_puts(&list, "ffconcat version 1.0\n");
	if (t->intro.converted)
		list_entry(&list, t, "edge", t->intro.name, t->intro.frames);
	for (i = 0; i < t->count; i++)
		list_entry(&list, t, "clip", t->steps[i].id, t->steps[i].frames);
	if (t->outro.converted)
		list_entry(&list, t, "edge", t->outro.name, t->outro.frames);
	text = sb_take(&list);
	if (write_file_atomic(path, text, strlen(text)) < 0)
		die(EXIT_SYS, "%s:", path);
	free(text);
}

static uint64_t ms_at(const struct tour *t, uint64_t frame)
{
	return (frame * 1000 + (uint64_t)t->fps / 2) / (uint64_t)t->fps;
}

/* One chapter per step (and the intro and outro); *n receives the count. */
static struct chapter *make_chapters(const struct tour *t, size_t *n)
{
	struct chapter *c = ecalloc(t->count + 2, sizeof *c);
	uint64_t frame = 0;
	size_t i;

	*n = 0;
	if (t->intro.frames) {
		c[(*n)++] = (struct chapter){ 0, ms_at(t, (uint64_t)t->intro.frames), "Intro" };
		frame = (uint64_t)t->intro.frames;
	}
	for (i = 0; i < t->count; i++) {
		c[(*n)++] = (struct chapter){ ms_at(t, frame), ms_at(t, frame + t->steps[i].frames),
					      t->steps[i].title };
		frame += (uint64_t)t->steps[i].frames;
	}
	if (t->outro.frames)
		c[(*n)++] = (struct chapter){ ms_at(t, frame), ms_at(t, t->frames), "Outro" };
	return c;
}

/* Each narration's cues, within the time its WAV plays. */
static void make_cues(const struct tour *t, struct cue_list *cues)
{
	uint64_t frame = (uint64_t)t->intro.frames;
	size_t i;

	for (i = 0; i < t->count; i++) {
		const struct step *s = &t->steps[i];
		double start = seconds_of(t, frame + (uint64_t)s->narration_start);
		double end = seconds_of(t, frame + (uint64_t)s->frames);
		double seconds = s->narration_seconds;

		if (s->wav) {
			if (start + seconds > end)
				seconds = end - start;
			cues_split(cues, s->narration, start, seconds);
		}
		frame += (uint64_t)s->frames;
	}
}

/* final.mp4 -> final.EXT */
static char *beside(const char *video, const char *ext)
{
	const char *slash = strrchr(video, '/'), *dot = strrchr(video, '.');
	int stem = dot && (!slash || dot > slash + 1) ? (int)(dot - video) : (int)strlen(video);

	return estrfmt("%.*s.%s", stem, video, ext);
}

static void write_or_die(const char *path, const char *text)
{
	if (write_text(path, text) < 0)
		die(EXIT_SYS, "%s:", path);
}

/* What the final ffmpeg run reads: the audio as a WAV to encode, or as
 * its segments' frames joined (aac), to copy. */
struct encode_inputs {
	const char *list, *audio, *aac, *metadata, *subtitles;
	uint64_t samples;  /* of the track */
};

/* The arguments that encode the track, the same for a segment or all. */
static int audio_args(char **argv, const struct tour *t)
{
	int n = 0;

	argv[n++] = "-c:a";
	argv[n++] = (char *)t->audio_codec;
	argv[n++] = "-b:a";
	argv[n++] = (char *)t->audio_bitrate;
	/* A first assembly encodes the whole track. ffmpeg's AAC
	 * encoder's fast coder takes half the time of its default search;
	 * on a narrated tour at 192k its signal-to-noise ratio was 49 dB,
	 * against 51. */
	if (!strcmp(t->audio_codec, "aac")) {
		argv[n++] = "-aac_coder";
		argv[n++] = "fast";
	}
	return n;
}

static void encoder_spawn(char **argv)
{
	size_t i;

	for (i = 0; i < LEN(encoders) && encoders[i]; i++)
		;
	if (i == LEN(encoders))
		die(EXIT_SYS, "more ffmpeg runs at once than encoders[] holds");
	encoders[i] = run_spawn(argv, -1, -1, -1);
	if (encoders[i] < 0)
		run_die_unstarted("ffmpeg");
}

/* Start the ffmpeg run that writes out: the clips joined by stream copy,
 * and the audio encoded, or copied when its segments were encoded apart. */
static void encode_start(const struct tour *t, const struct encode_inputs *in, const char *out)
{
	char *argv[80], offset[32], last[128];
	int n = 0;

#define ARG(s) (argv[n++] = (char *)(s))
	ARG("ffmpeg"); ARG("-nostdin"); ARG("-v"); ARG("error"); ARG("-y");
	ARG("-f"); ARG("concat"); ARG("-safe"); ARG("0"); ARG("-i"); ARG(in->list);
	if (in->aac) {
		/* Raw frames say nothing of where the track starts and ends
		 * in them. The first frame's samples from before the track
		 * are cut by an edit list, as an encoder's priming is; the
		 * last frame is given the length of the track's samples in it
		 * (below, as a share of a frame's length, which holds in
		 * whatever time base ffmpeg hands the filter), so that the
		 * audio ends with the video, not at the frame's end. */
		snprintf(offset, sizeof offset, "%.6f", -(double)AAC_PRIMING / TRACK_RATE);
		ARG("-itsoffset"); ARG(offset); ARG("-f"); ARG("aac"); ARG("-i"); ARG(in->aac);
	} else {
		ARG("-f"); ARG("wav"); ARG("-i"); ARG(in->audio);
	}
	ARG("-f"); ARG("ffmetadata"); ARG("-i"); ARG(in->metadata);
	if (in->subtitles) {
		ARG("-f"); ARG("srt"); ARG("-i"); ARG(in->subtitles);
	}
	ARG("-map"); ARG("0:v:0"); ARG("-map"); ARG("1:a:0");
	if (in->subtitles) {
		ARG("-map"); ARG("3:s:0"); ARG("-c:s"); ARG("mov_text");
	}
	ARG("-map_metadata"); ARG("2"); ARG("-map_chapters"); ARG("2");
	ARG("-c:v"); ARG("copy");
	if (in->aac) {
		uint64_t frames = (in->samples + AAC_FRAME - 1) / AAC_FRAME + 1;

		snprintf(last, sizeof last, "setts=duration=if(eq(N\\,%" PRIu64 ")\\,%" PRIu64
			 "*DURATION/%d\\,DURATION)", frames - 1,
			 in->samples - (frames - 2) * AAC_FRAME, AAC_FRAME);
		ARG("-c:a"); ARG("copy"); ARG("-bsf:a"); ARG(last);
	} else {
		n += audio_args(argv + n, t);
	}
	ARG("-movflags"); ARG("+faststart"); ARG("-f"); ARG("mp4"); ARG(out);
	ARG(NULL);
#undef ARG
	encoder_spawn(argv);
}

/* Their output is thrown away: nothing to finish. */
static void encode_stop(void)
{
	size_t i;

	for (i = 0; i < LEN(encoders); i++)
		if (encoders[i] > 0) {
			kill(encoders[i], SIGKILL);
			run_reap(encoders[i]);
			encoders[i] = 0;
		}
}

/* Wait for one of the ffmpeg runs started to end; one failing stops the
 * others. */
static void encode_wait_one(const char *what)
{
	pid_t pid;
	int status, ours = 0;
	size_t i;

	/* a child mux was started with, not one of ours, is passed over */
	while (!ours) {
		pid = -1;
		if ((status = run_reap_any(&pid)) < 0)
			die(EXIT_SYS, "waiting for ffmpeg:");
		for (i = 0; i < LEN(encoders); i++)
			if (encoders[i] == pid) {
				encoders[i] = 0;
				ours = 1;
			}
	}
	if (status != 0) {
		encode_stop();
		die(EXIT_FAIL, "ffmpeg failed to %s (exit %d)", what, status);
	}
}

/* Wait for every ffmpeg run started, in turn; what names what they were
 * making. One seen failing stops the others, whose work is then of no use. */
static void encode_wait(const char *what)
{
	size_t i;
	int status;

	for (i = 0; i < LEN(encoders); i++) {
		if (!encoders[i])
			continue;
		status = run_reap(encoders[i]);
		encoders[i] = 0;
		if (status != 0) {
			encode_stop();
			die(EXIT_FAIL, "ffmpeg failed to %s (exit %d)", what, status);
		}
	}
}

/* Segments one ffmpeg run encodes at most: each is an encoder of its
 * own, a few MB. */
#define SEGMENTS_PER_RUN 16

/* A track cut into segments, and where each one's frames are kept. */
struct segmented {
	const char *dir;        /* outdir/audio */
	const char *encoder;    /* ffmpeg's version */
	struct segment *segs;
	size_t count;
	char **paths;           /* the cache's name for each */
	long *frames;           /* each segment's frames, its priming included */
	struct segcache_entry *entries;  /* the frames' digest, the peak */
	int *encode;            /* not in the cache, and first of its digest */
};

static void segmented_free(struct segmented *sg)
{
	size_t i;

	for (i = 0; i < sg->count; i++)
		free(sg->paths[i]);
	free(sg->paths);
	free(sg->frames);
	free(sg->entries);
	free(sg->encode);
	free(sg->segs);
}

/* The first line ffmpeg -version prints: the build, with the library
 * versions its package carries, which the frames depend on too. */
static char *ffmpeg_version(void)
{
	static char *const argv[] = { "ffmpeg", "-version", NULL };
	char line[512] = "";
	pid_t pid;
	FILE *f = run_pipe(argv, "r", &pid);

	if (!f)
		run_die_unstarted("ffmpeg");
	if (!fgets(line, sizeof line, f))
		line[0] = '\0';
	while (fgetc(f) != EOF)
		;
	if (run_pipe_close(f, pid) != 0 || !line[0])
		die(EXIT_SYS, "ffmpeg -version failed: run make deps");
	line[strcspn(line, "\n")] = '\0';
	return estrdup(line);
}

/* Cut the track and see which segments the cache holds. */
static void segment_track(const struct tour *t, const struct track *tr, struct segmented *sg)
{
	struct strbuf key = { 0 };
	char *args[8], *text;
	int k, n = audio_args(args, t);
	size_t i, j;

	/* the frames depend on the samples, the encoder and its settings */
	sb_puts(&key, sg->encoder);
	for (k = 0; k < n; k++)
		sb_printf(&key, " %s", args[k]);
	text = sb_take(&key);
	sg->count = segments_plan(temps[T_AUDIO], tr->samples, text, &sg->segs);
	free(text);
	sg->paths = ecalloc(sg->count, sizeof *sg->paths);
	sg->frames = ecalloc(sg->count, sizeof *sg->frames);
	sg->entries = ecalloc(sg->count, sizeof *sg->entries);
	sg->encode = ecalloc(sg->count, sizeof *sg->encode);
	segcache_read(sg->dir, sg->segs, sg->count, sg->entries);
	for (i = 0; i < sg->count; i++) {
		sg->paths[i] = segcache_path(sg->dir, &sg->segs[i]);
		sg->frames[i] = (long)((sg->segs[i].end - sg->segs[i].start + AAC_FRAME - 1) /
				       AAC_FRAME) + 1;
		sg->encode[i] = !segcache_intact(sg->paths[i], &sg->entries[i]);
		if (sg->encode[i])
			sg->entries[i] = (struct segcache_entry){ .peak = NAN };
		for (j = 0; j < i && sg->encode[i]; j++)
			if (sg->encode[j] && !strcmp(sg->segs[j].hash, sg->segs[i].hash))
				sg->encode[i] = 0;
	}
}

/* Room for n more temporary names, made with signals held: the handler
 * reads the list, which must never be one realloc has freed. */
static void make_room_for_temps(size_t n)
{
	sigset_t all, old;

	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	segment_temps = erealloc(segment_temps, (segment_temp_count + n + 1) * sizeof *segment_temps);
	sigprocmask(SIG_SETMASK, &old, NULL);
}

/* One ffmpeg run encoding segments which[0..n) of the track, each by an
 * encoder of its own, into a temporary name beside its cache entry. */
static void encode_segments(const struct tour *t, const struct segmented *sg,
			    const size_t *which, size_t n)
{
	char **argv = ecalloc(16 + 20 * n, sizeof *argv), **trims = ecalloc(n, sizeof *trims);
	size_t i;
	int a = 0;

#define ARG(s) (argv[a++] = (char *)(s))
	ARG("ffmpeg"); ARG("-nostdin"); ARG("-v"); ARG("error"); ARG("-y");
	ARG("-f"); ARG("wav"); ARG("-i"); ARG(temps[T_AUDIO]);
	for (i = 0; i < n; i++) {
		const struct segment *s = &sg->segs[which[i]];
		char *tmp = tmp_path_for(sg->paths[which[i]]);

		segment_temps[segment_temp_count++] = tmp;
		trims[i] = estrfmt("atrim=start_sample=%" PRIu64 ":end_sample=%" PRIu64,
				   s->start, s->end);
		ARG("-map"); ARG("0:a"); ARG("-af"); ARG(trims[i]);
		a += audio_args(argv + a, t);
		ARG("-f"); ARG("adts"); ARG(tmp);
	}
	ARG(NULL);
#undef ARG
	encoder_spawn(argv);
	for (i = 0; i < n; i++)
		free(trims[i]);
	free(trims);
	free(argv);
}

/* The temporary frames of segment i checked against its frame count and
 * given their name in the cache; -1, with a warning, when the encoder
 * primes otherwise than AAC_PRIMING says. A plain rename: an entry a
 * crash cuts short is found by its count and encoded again. */
static int keep_segment(const struct segmented *sg, size_t i)
{
	char *tmp = tmp_path_for(sg->paths[i]);
	long got = segcache_frames(tmp);
	int ret = 0;

	if (got != sg->frames[i]) {
		warn("ffmpeg's AAC encoder wrote %ld frames for %" PRIu64 " samples, not %ld; "
		     "the audio is encoded again, in one run", got,
		     sg->segs[i].end - sg->segs[i].start, sg->frames[i]);
		ret = -1;
	} else if (rename(tmp, sg->paths[i]) < 0) {
		die(EXIT_SYS, "%s:", sg->paths[i]);
	} else {
		segcache_digest(sg->paths[i], &sg->entries[i]);
	}
	free(tmp);
	return ret;
}

/* The peaks of the segments the cache has none for, the highest of all
 * into tr->dbtp. */
static void measure_peaks(const struct segmented *sg, struct track *tr)
{
	size_t i;

	tr->dbtp = -HUGE_VAL;
	for (i = 0; i < sg->count; i++) {
		if (isnan(sg->entries[i].peak))
			sg->entries[i].peak = track_peak_of(temps[T_AUDIO], sg->segs[i].start,
							    sg->segs[i].end);
		if (sg->entries[i].peak > tr->dbtp)
			tr->dbtp = sg->entries[i].peak;
	}
}

/* The segments' frames as one stream into T_JOINED. A segment's first
 * frame is its encoder's priming, which the last frame before it already
 * holds: both are of the silence around the cut. */
static void join_segments(const struct segmented *sg)
{
	FILE *out = fopen(temps[T_JOINED], "wb"), *in;
	const char *why = "";
	size_t i;
	long got;

	if (!out)
		die(EXIT_SYS, "%s:", temps[T_JOINED]);
	for (i = 0; i < sg->count; i++) {
		if (!(in = fopen(sg->paths[i], "rb")))
			die(EXIT_SYS, "%s:", sg->paths[i]);
		got = adts_copy(out, in, i ? 1 : 0, &why);
		if (got < 0 && errno)
			die(EXIT_SYS, "joining the audio's segments:");
		fclose(in);
		if (got != sg->frames[i])
			die(EXIT_FAIL, "%s: %ld frames, not %ld%s%s; remove it and assemble again",
			    sg->paths[i], got, sg->frames[i], got < 0 ? ": " : "", got < 0 ? why : "");
	}
	if (fclose(out) != 0)
		die(EXIT_SYS, "%s:", temps[T_JOINED]);
}

/* Run r of runs, encoding its share of the n segments todo names. */
static void encode_run(const struct tour *t, const struct segmented *sg, const size_t *todo,
		       size_t n, size_t r, size_t runs)
{
	encode_segments(t, sg, todo + n * r / runs, n * (r + 1) / runs - n * r / runs);
}

enum { SEGMENTS_JOINED, SEGMENTS_PEAK_OVER, SEGMENTS_UNUSABLE };

/* The track's AAC frames, encoded segment by segment, at most two runs
 * at a time, with only the segments the cache lacks encoded; joined into
 * T_JOINED. With check_peak, the true peak is measured while the first
 * runs encode; one over the target, which is rare, stops them. */
static int encode_by_segments(const struct tour *t, struct track *tr, const char *dir,
			      const char *encoder, int check_peak)
{
	struct segmented sg = { .dir = dir, .encoder = encoder };
	size_t *todo, n = 0, runs, first, r, i;
	int ret = SEGMENTS_JOINED;

	if (mkdirs(dir) < 0)
		die(EXIT_SYS, "%s:", dir);
	segment_track(t, tr, &sg);
	todo = ecalloc(sg.count ? sg.count : 1, sizeof *todo);
	for (i = 0; i < sg.count; i++)
		if (sg.encode[i])
			todo[n++] = i;
	make_room_for_temps(n);
	runs = (n + SEGMENTS_PER_RUN - 1) / SEGMENTS_PER_RUN;
	if (runs < 2 && n > 1)
		runs = 2;  /* both cores */
	/* the peaks are measured while the first runs encode; the others
	 * start as soon as a core is free */
	first = runs < LEN(encoders) ? runs : LEN(encoders);
	for (r = 0; r < first; r++)
		encode_run(t, &sg, todo, n, r, runs);
	if (t->loudnorm) {
		measure_peaks(&sg, tr);
		if (check_peak && tr->dbtp > LOUDNORM_TARGET_DBTP) {
			encode_stop();
			ret = SEGMENTS_PEAK_OVER;
			goto out;
		}
	}
	for (; r < runs; r++) {
		encode_wait_one("encode the audio");
		encode_run(t, &sg, todo, n, r, runs);
	}
	encode_wait("encode the audio");
	for (i = 0; i < n; i++)
		if (keep_segment(&sg, todo[i]) < 0) {
			ret = SEGMENTS_UNUSABLE;
			goto out;
		}
	join_segments(&sg);
	/* segments alike share the frames encoded for the first of them */
	for (i = 0; i < sg.count; i++)
		if (!sg.entries[i].digest[0])
			segcache_digest(sg.paths[i], &sg.entries[i]);
	segcache_keep_only(dir, sg.segs, sg.count, sg.entries);
out:
	free(todo);
	segmented_free(&sg);
	return ret;
}

/* Copy the results to output.path (and its sidecars beside it), unless
 * that is where they already are. */
static void publish(const struct tour *t, const char *out, const char *const *sidecars)
{
	static const char *const exts[] = { "srt", "vtt", "chapters.txt" };
	struct stat a, b;
	size_t i;

	if (!t->publish || (stat(t->publish, &a) == 0 && stat(out, &b) == 0 &&
			    a.st_dev == b.st_dev && a.st_ino == b.st_ino))
		return;
	if (copy_file_atomic(out, t->publish) < 0)
		die(EXIT_SYS, "output.path: %s:", t->publish);
	for (i = 0; i < LEN(exts); i++) {
		char *to = beside(t->publish, exts[i]);

		if (copy_file_atomic(sidecars[i], to) < 0)
			die(EXIT_SYS, "output.path: %s:", to);
		free(to);
	}
}

/* The timed text that goes in and beside the video. */
struct texts {
	char *metadata;  /* chapters and title, as ffmetadata */
	char *list;      /* chapters as "0:00 Title" lines */
	char *srt, *vtt;
	size_t cue_count;
};

static void make_texts(const struct tour *t, struct texts *x)
{
	struct cue_list cues = { 0 };
	struct chapter *chapters;
	size_t nchapters;

	chapters = make_chapters(t, &nchapters);
	x->metadata = chapters_ffmetadata(t->title, chapters, nchapters);
	x->list = chapters_list(chapters, nchapters);
	make_cues(t, &cues);
	x->srt = cues_srt(&cues);
	x->vtt = cues_vtt(&cues);
	x->cue_count = cues.count;
	cues_free(&cues);
	free(chapters);
}

static void free_texts(struct texts *x)
{
	free(x->metadata);
	free(x->list);
	free(x->srt);
	free(x->vtt);
}

/* An AAC track, encoded by segments; the cache of segments is
 * outdir/audio. The true peak is checked beside the encoding, and with it
 * over the target the track is normalised again and cut anew. An encoder
 * that primes otherwise than the join expects has the final run encode. */
static void encode_aac(const struct tour *t, struct track *tr, struct encode_inputs *in,
		       const char *outdir, int check_peak)
{
	char *dir = estrfmt("%s/audio", outdir), *version = ffmpeg_version();
	int r = encode_by_segments(t, tr, dir, version, check_peak);

	if (r == SEGMENTS_PEAK_OVER) {
		track_renormalise(tr, temps[T_AUDIO]);
		r = encode_by_segments(t, tr, dir, version, 0);
	}
	if (r == SEGMENTS_JOINED)
		in->aac = temps[T_JOINED];
	free(version);
	free(dir);
}

/* Start the final run, encoding the track when no AAC frames were
 * joined, while its true peak is measured; one over the target, which is
 * rare, starts it again. */
static void encode_final(const struct tour *t, struct track *tr, const struct encode_inputs *in,
			 int check_peak)
{
	encode_start(t, in, temps[T_VIDEO]);
	if (in->aac || !check_peak || track_peak_under_target(tr, temps[T_AUDIO]))
		return;
	encode_stop();
	track_renormalise(tr, temps[T_AUDIO]);
	encode_start(t, in, temps[T_VIDEO]);
}

/* Every temporary file of the run, in outdir or beside out, removed at
 * exit; the intro and outro converted to the tour's format. */
static void prepare(const char *outdir, const char *out, struct tour *t)
{
	atexit(remove_temps);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	temps[T_LIST] = temp_in(outdir, "concat.txt");
	temps[T_AUDIO] = temp_in(outdir, "audio.wav");
	temps[T_JOINED] = temp_in(outdir, "audio.aac");
	temps[T_VIDEO] = tmp_path_for(out);
	temps[T_META] = temp_in(outdir, "chapters.ffmeta");
	temps[T_SUBS] = temp_in(outdir, "subtitles.srt");
	if (t->intro.source)
		prepare_edge(outdir, t, &t->intro, T_INTRO);
	if (t->outro.source)
		prepare_edge(outdir, t, &t->outro, T_OUTRO);
}

/* The sidecars first: once the video has its name, make sees it all done. */
static void finish(const struct tour *t, const struct texts *x, const char *out)
{
	char *sidecars[3] = { beside(out, "srt"), beside(out, "vtt"), beside(out, "chapters.txt") };
	size_t i;

	write_or_die(sidecars[0], x->srt);
	write_or_die(sidecars[1], x->vtt);
	write_or_die(sidecars[2], x->list);
	if (rename_durable(temps[T_VIDEO], out) < 0)
		die(EXIT_SYS, "%s:", out);
	publish(t, out, (const char *const *)sidecars);
	for (i = 0; i < LEN(sidecars); i++)
		free(sidecars[i]);
}

int main(int argc, char *argv[])
{
	const char *outdir = NULL, *out = NULL;
	struct tour t = { 0 };
	struct encode_inputs in = { 0 };
	struct texts x = { 0 };
	struct track track;
	struct track_part *parts;
	size_t part_count, i;
	cJSON *root;
	char *cache;
	struct stat st;
	int c, peak_unchecked = 0;

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
	prepare(outdir, out, &t);
	check_duration(&t);

	parts = plan_track(&t, &part_count);
	cache = estrfmt("%s/audio/part", outdir);
	if (mkdirs(cache) < 0)
		die(EXIT_SYS, "%s:", cache);
	if (stat(cache, &st) < 0 || !S_ISDIR(st.st_mode))
		die(EXIT_SYS, "%s: not a folder: remove it", cache);
	track_init(&track, parts, part_count, cache);
	if (t.loudnorm)
		peak_unchecked = track_normalise(&track, temps[T_AUDIO]);
	else
		track_write(&track, temps[T_AUDIO]);
	for (i = 0; i < t.count; i++)
		t.steps[i].narration_seconds = parts[i + (t.intro.frames ? 1 : 0)].wav_seconds;
	write_concat_list(&t, temps[T_LIST]);
	make_texts(&t, &x);
	write_or_die(temps[T_META], x.metadata);
	if (x.cue_count)
		write_or_die(temps[T_SUBS], x.srt);
	in = (struct encode_inputs){ .list = temps[T_LIST], .audio = temps[T_AUDIO],
				     .metadata = temps[T_META], .samples = track.samples,
				     .subtitles = x.cue_count ? temps[T_SUBS] : NULL };
	if (mkdirs_for(out) < 0)
		die(EXIT_SYS, "%s:", out);
	if (!strcmp(t.audio_codec, "aac"))
		encode_aac(&t, &track, &in, outdir, peak_unchecked);
	encode_final(&t, &track, &in, peak_unchecked && !in.aac);
	track_finish(&track);
	encode_wait("assemble the video");
	finish(&t, &x, out);

	free_texts(&x);
	free(parts);
	free(cache);
	cJSON_Delete(root);
	return EXIT_OK;
}
