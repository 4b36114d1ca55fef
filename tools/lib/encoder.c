/* encoder.c - the ffmpeg end of a capture. Frames reach ffmpeg in a
 * minimal Matroska stream, each picture stamped with its frame's time; a
 * frame that repeats the last picture is not sent at all, so a still page
 * costs neither a screenshot nor a PNG decode. With x264, ffmpeg encodes
 * only the pictures sent, and a second ffmpeg writes the MP4 from its
 * stream once a repeater thread has put a repeat frame in for each frame
 * between them: a held frame costs no encode either. Another encoder gets
 * the repeats made by ffmpeg's fps filter, and encodes each. A thread
 * writes the pictures: ffmpeg reads its input only between encoding
 * frames, and a picture bigger than the pipe would otherwise hold the
 * capture until then. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "encoder.h"
#include "feeder.h"
#include "file.h"
#include "le.h"
#include "repeater.h"
#include "run.h"
#include "util.h"

/* Pictures queued for ffmpeg at most: a few seconds of busy 1080p video,
 * enough to ride out an encoder slower than the capture for a while. */
#define FEEDER_MAX (64u << 20)

/* EBML, as Matroska writes it: an element is its id, its size as a
 * variable-length number (here always 8 bytes long), then its body. */
static size_t put_id(unsigned char *p, uint32_t id)
{
	size_t n = id > 0xffffff ? 4 : id > 0xffff ? 3 : id > 0xff ? 2 : 1, i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(id >> (8 * (n - 1 - i)));
	return n;
}

static size_t put_size(unsigned char *p, uint64_t size)
{
	int i;

	p[0] = 0x01;
	for (i = 1; i < 8; i++)
		p[i] = (unsigned char)(size >> (8 * (7 - i)));
	return 8;
}

static size_t put_uint(unsigned char *p, uint32_t id, uint64_t v)
{
	size_t n = put_id(p, id);
	int i;

	n += put_size(p + n, 8);
	for (i = 0; i < 8; i++)
		p[n + i] = (unsigned char)(v >> (8 * (7 - i)));
	return n + 8;
}

static size_t put_string(unsigned char *p, uint32_t id, const char *v)
{
	size_t n = put_id(p, id), len = strlen(v);

	n += put_size(p + n, len);
	memcpy(p + n, v, len);
	return n + len;
}

/* id and size of a master element whose body the caller writes after */
static size_t put_master(unsigned char *p, uint32_t id, uint64_t size)
{
	size_t n = put_id(p, id);

	return n + put_size(p + n, size);
}

/* The repeater stopped: a pipe to or from ffmpeg broke (a system error,
 * with its errno), or the stream was not one it can put repeats in. */
static void __attribute__((noreturn)) repeater_failed(const struct repeater *r,
						      const char *out)
{
	errno = r->err;
	if (errno)
		die(EXIT_SYS, "ffmpeg: %s, writing %s:", r->error, out);
	die(EXIT_FAIL, "ffmpeg: %s, writing %s", r->error, out);
}

/* Whether the repeater's reason is the failure's: it stopped reading and
 * so made the encoder fail, or the encoder did not fail at all. One that
 * only found no pictures at the end just saw the encoder fail. */
static int repeater_to_blame(const struct repeater *r, const char *why, int encoder_status)
{
	return why && (encoder_status == 0 || r->cut_short);
}

/* ffmpeg took no more frames: it failed, or the repeater stopped reading
 * it, which says why first */
static void __attribute__((noreturn)) stopped(struct encoder *e)
{
	if (e->repeats) {
		repeater_abandon(&e->repeater);
		if (e->repeater.error)
			repeater_failed(&e->repeater, e->out);
	}
	die(EXIT_SYS, "ffmpeg: stopped taking frames:");
}

/* The BITMAPINFOHEADER by which a Matroska track names its codec with a
 * FourCC ("V_MS/VFW/FOURCC"): Matroska has no codec ID of its own for PNG. */
static size_t bitmap_info(unsigned char *p, const char *fourcc, int width, int height)
{
	memset(p, 0, 40);
	put_le32(p, 40);  /* the header's size */
	put_le32(p + 4, (uint32_t)width);
	put_le32(p + 8, (uint32_t)height);
	p[12] = 1;        /* planes */
	p[14] = 24;       /* bits per pixel */
	memcpy(p + 16, fourcc, 4);
	return 40;
}

/* The stream's header: one PNG video track, millisecond timestamps, a
 * segment of unknown length (it ends when the pipe does). */
static void write_header(struct encoder *e, int fps, int width, int height)
{
	unsigned char ebml[128], info[128], video[64], bitmap[40], entry[256], tracks[300];
	unsigned char out[1024];
	size_t ne = 0, ni = 0, nv = 0, nb, nt = 0, nk = 0, n = 0;

	ne += put_uint(ebml + ne, 0x4286, 1);
	ne += put_uint(ebml + ne, 0x42F7, 1);
	ne += put_uint(ebml + ne, 0x42F2, 4);
	ne += put_uint(ebml + ne, 0x42F3, 8);
	ne += put_string(ebml + ne, 0x4282, "matroska");
	ne += put_uint(ebml + ne, 0x4287, 2);
	ne += put_uint(ebml + ne, 0x4285, 2);
	ni += put_uint(info + ni, 0x2AD7B1, 1000000);
	nv += put_uint(video + nv, 0xB0, (uint64_t)width);
	nv += put_uint(video + nv, 0xBA, (uint64_t)height);
	nt += put_uint(entry + nt, 0xD7, 1);
	nt += put_uint(entry + nt, 0x73C5, 1);
	nt += put_uint(entry + nt, 0x83, 1);
	nt += put_string(entry + nt, 0x86, "V_MS/VFW/FOURCC");
	nb = bitmap_info(bitmap, "MPNG", width, height);
	nt += put_master(entry + nt, 0x63A2, nb);
	memcpy(entry + nt, bitmap, nb);
	nt += nb;
	nt += put_uint(entry + nt, 0x23E383, (uint64_t)llround(1e9 / fps));
	nt += put_master(entry + nt, 0xE0, nv);
	memcpy(entry + nt, video, nv);
	nt += nv;
	nk += put_master(tracks + nk, 0xAE, nt);
	memcpy(tracks + nk, entry, nt);
	nk += nt;
	n += put_master(out + n, 0x1A45DFA3, ne);
	memcpy(out + n, ebml, ne);
	n += ne;
	n += put_id(out + n, 0x18538067);
	memcpy(out + n, "\x01\xff\xff\xff\xff\xff\xff\xff", 8);
	n += 8;
	n += put_master(out + n, 0x1549A966, ni);
	memcpy(out + n, info, ni);
	n += ni;
	n += put_master(out + n, 0x1654AE6B, nk);
	memcpy(out + n, tracks, nk);
	n += nk;
	if (feeder_put(&e->feeder, out, n, NULL, 0) < 0)
		stopped(e);
}

/* One picture as frame index: a cluster of its own holding one keyframe
 * block, stamped with the frame's time in milliseconds (rounded: within
 * half a millisecond, far inside any frame interval). */
static void write_picture(struct encoder *e, long index, const void *image, size_t len)
{
	unsigned char head[64];
	size_t n = 0, block = 4 + len;

	n += put_master(head + n, 0x1F43B675, 17 + 1 + 8 + block);
	n += put_uint(head + n, 0xE7, (uint64_t)llround(index * 1000.0 / e->fps));
	n += put_master(head + n, 0xA3, block);
	head[n++] = 0x81;  /* track 1 */
	head[n++] = 0;     /* no offset from the cluster's time */
	head[n++] = 0;
	head[n++] = 0x80;  /* keyframe */
	if (e->repeats)
		repeater_picture(&e->repeater, index);
	if (feeder_put(&e->feeder, head, n, image, len) < 0)
		stopped(e);
}

void video_settings_resolve(struct video_settings *v, const char *codec, int crf,
			    const char *preset)
{
	v->codec = !codec || !strcmp(codec, "h264") ? CLIP_CODEC : codec;
	v->crf = crf >= 0 ? crf : CLIP_CRF;
	v->preset = preset ? preset : CLIP_PRESET;
}

static int whole_number(const cJSON *v, int lo, int hi)
{
	return cJSON_IsNumber(v) && v->valuedouble == floor(v->valuedouble) &&
	       v->valuedouble >= lo && v->valuedouble <= hi;
}

/* An encoder name reaches ffmpeg's command line: one starting with '-'
 * would be read as an option. */
static int encoder_name(const cJSON *v)
{
	return cJSON_IsString(v) && *v->valuestring && *v->valuestring != '-';
}

const char *video_settings_read(struct video_settings *v, const cJSON *video)
{
	const cJSON *crf = cJSON_GetObjectItemCaseSensitive(video, "crf");
	const cJSON *codec = cJSON_GetObjectItemCaseSensitive(video, "codec");
	const cJSON *preset = cJSON_GetObjectItemCaseSensitive(video, "preset");

	if (video && !cJSON_IsObject(video))
		return ": must be {\"codec\", \"crf\", \"preset\"}";
	if (crf && !whole_number(crf, 0, 63))
		return ".crf: must be a whole number from 0 to 63";
	if ((codec && !encoder_name(codec)) || (preset && !encoder_name(preset)))
		return ": codec and preset must be encoder names (output.video_codec, "
		       "output.video_preset)";
	video_settings_resolve(v, codec ? codec->valuestring : NULL, crf ? crf->valueint : -1,
			       preset ? preset->valuestring : NULL);
	return NULL;
}

int video_repeats(const struct video_settings *v)
{
	return !strcmp(v->codec, "libx264");
}

/* a pipe whose ends no other child inherits */
static void make_pipe(int fds[2])
{
	if (pipe2(fds, O_CLOEXEC) < 0)
		die(EXIT_SYS, "cannot make a pipe for ffmpeg:");
}

static pid_t spawn(char **argv, int in, int out)
{
	pid_t pid = run_spawn(argv, in, out, -1);

	if (pid < 0)
		run_die_unstarted("ffmpeg");
	return pid;
}

int clip_track_timescale(int fps)
{
	int scale = fps;

	while (scale < 10000)
		scale *= 2;
	return scale;
}

/* Start the ffmpeg writing an MP4 from a raw H.264 stream on fd in: it
 * has no times of its own, every frame is the next at fps. */
static pid_t start_muxer(int in, int fps, const char *out)
{
	char *rate = estrfmt("%d", fps), *timescale = estrfmt("%d", clip_track_timescale(fps));
	char *argv[] = { "ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error",
			 "-r", rate, "-f", "h264", "-i", "-", "-c:v", "copy",
			 "-video_track_timescale", timescale,
			 "-map_metadata", "-1", "-fflags", "+bitexact", "-flags:v", "+bitexact",
			 "-movflags", "+faststart", "-f", "mp4", "-y", (char *)out, NULL };
	pid_t pid = spawn(argv, in, -1);

	free(rate);
	free(timescale);
	return pid;
}

/* Start argv, an ffmpeg writing raw H.264 to its stdout and reading in
 * (-1: its own input), the muxer writing out, and the repeater between
 * them (plain: no repeats, see repeater_start). */
static void start_repeated(char **argv, int in, int fps, const char *out, int plain,
			   pid_t *pid, pid_t *mux_pid, struct repeater *r)
{
	int from_encoder[2], to_muxer[2];

	make_pipe(from_encoder);
	make_pipe(to_muxer);
	*mux_pid = start_muxer(to_muxer[0], fps, out);
	close(to_muxer[0]);
	*pid = spawn(argv, in, from_encoder[1]);
	close(from_encoder[1]);
	if (repeater_start(r, from_encoder[0], to_muxer[1], plain) < 0)
		die(EXIT_SYS, "ffmpeg: cannot start the thread passing its stream on:");
}

int video_stream_shape(const struct video_settings *v, char **argv)
{
	static const char *const shape[] = { "-bf", "0", "-refs", "1" };
	int i;

	if (!video_repeats(v))
		return 0;
	for (i = 0; i < 4; i++)
		argv[i] = (char *)shape[i];
	return 4;
}

int video_colour(char **argv)
{
	static const char *const colour[] = { "-colorspace", "bt470bg", "-color_range", "tv",
					      "-chroma_sample_location", "center" };
	int i;

	for (i = 0; i < 6; i++)
		argv[i] = (char *)colour[i];
	return 6;
}

void encoder_start(struct encoder *e, const char *out, int fps, const struct video_settings *v,
		   int scale, int width, int height)
{
	char *rate = estrfmt("%d", fps), *gop = estrfmt("%d", fps * KEYFRAME_SECONDS);
	char *crf = estrfmt("%d", v->crf);
	char *keyframes = estrfmt("expr:gte(t,n_forced*%d)", KEYFRAME_SECONDS);
	/* Scaled and converted once per picture. Without repeats, the fps
	 * filter then fills the frames between pictures with the picture
	 * before: a repeated frame costs ffmpeg nothing but its encode. */
	char *size = scale ? estrfmt("%d:%d:flags=lanczos:", width, height) : estrdup("");
	char *fill = video_repeats(v) ? estrdup("") : estrfmt(",fps=%d", fps);
	/* the browser's RGB to what video_colour says: swscale's default
	 * chroma siting from RGB is the centre already */
	char *filter = estrfmt("scale=%sout_color_matrix=bt601:out_range=tv,format=yuv420p%s",
			       size, fill);
	char *argv[64];
	int n = 0, to_encoder[2];

	if (mkdirs_for(out) < 0)
		die(EXIT_SYS, "cannot make the folder for %s:", out);
	e->out = estrdup(out);
	e->tmp = tmp_path_for(out);
	e->repeats = video_repeats(v);
#define ARG(s) (argv[n++] = (char *)(s))
	ARG("ffmpeg"); ARG("-nostdin"); ARG("-hide_banner"); ARG("-loglevel"); ARG("error");
	ARG("-f"); ARG("matroska"); ARG("-i"); ARG("-");
	ARG("-an"); ARG("-c:v"); ARG(v->codec); ARG("-preset"); ARG(v->preset);
	ARG("-crf"); ARG(crf); ARG("-pix_fmt"); ARG("yuv420p");
	n += video_colour(argv + n);
	n += video_stream_shape(v, argv + n);
	if (e->repeats) {
		/* keyframes by time: x264 counts only the frames it is sent */
		ARG("-force_key_frames"); ARG(keyframes);
		/* Each picture encoded as it comes. Through a hold, pictures
		 * come seconds of video apart: a lookahead would keep them all
		 * until the clip ends and its whole encode would land after
		 * the last frame. The macroblock tree it feeds takes pictures
		 * to be evenly spaced, which repeats are not. */
		ARG("-x264-params"); ARG("rc-lookahead=0:sync-lookahead=0:mbtree=0");
		/* Frame threads would hold pictures back too, one per thread,
		 * and would fight the browser for the CPU: one thread codes
		 * the same bits, sooner for a busy step. */
		ARG("-threads"); ARG("1");
	}
	ARG("-vf"); ARG(filter); ARG("-fps_mode"); ARG("passthrough");
	ARG("-r"); ARG(rate); ARG("-g"); ARG(gop);
	/* same input, same bytes: no timestamps or version strings in the file */
	ARG("-map_metadata"); ARG("-1"); ARG("-fflags"); ARG("+bitexact");
	ARG("-flags:v"); ARG("+bitexact");
	if (e->repeats) {
		ARG("-f"); ARG("h264"); ARG("-");
	} else {
		ARG("-movflags"); ARG("+faststart"); ARG("-f"); ARG("mp4"); ARG("-y"); ARG(e->tmp);
	}
	ARG(NULL);
#undef ARG
	make_pipe(to_encoder);
	if (e->repeats)
		start_repeated(argv, to_encoder[0], fps, e->tmp, 0, &e->pid, &e->mux_pid,
			       &e->repeater);
	else
		e->pid = spawn(argv, to_encoder[0], -1);
	close(to_encoder[0]);
	if (feeder_start(&e->feeder, to_encoder[1], FEEDER_MAX) < 0)
		die(EXIT_SYS, "ffmpeg: cannot start the thread writing its frames:");
	e->running = 1;
	e->fps = fps;
	e->frames = 0;
	e->last_len = 0;
	e->ended = 0;
	write_header(e, fps, width, height);
	free(rate);
	free(gop);
	free(crf);
	free(keyframes);
	free(size);
	free(fill);
	free(filter);
}

/* With repeat frames, a held picture is still sent again now and then.
 * The picture that ends a movement was encoded like a moving one: x264,
 * with no lookahead, cannot know it will stay. Sent again 1, 2, 4, 8 and
 * 16 frames on, it is brought up to what a still picture gets. And at
 * every keyframe time, so a player can still start every two seconds. */
static int refresh_due(const struct encoder *e)
{
	long held = e->frames - e->changed;

	return e->repeats &&
	       ((held <= 16 && !(held & (held - 1))) || e->frames % (KEYFRAME_SECONDS * e->fps) == 0);
}

void encoder_write(struct encoder *e, const void *image, size_t len, int repeat)
{
	if (!repeat || !e->last_len) {
		write_picture(e, e->frames, image, len);
		e->written = e->changed = e->frames;
		if (len > e->last_cap) {
			e->last_cap = len;
			e->last = erealloc(e->last, len);
		}
		memcpy(e->last, image, len);
		e->last_len = len;
	} else if (refresh_due(e)) {
		write_picture(e, e->frames, e->last, e->last_len);
		e->written = e->frames;
	}
	e->frames++;
}

void encoder_end(struct encoder *e)
{
	if (!e->running || e->ended)
		return;
	if (e->repeats)
		repeater_end(&e->repeater, e->frames);
	/* without repeats, the last frame is stamped too, or the repeats
	 * before it would be lost: nothing would say how long the picture
	 * before them lasts */
	else if (e->frames && e->written != e->frames - 1)
		write_picture(e, e->frames - 1, e->last, e->last_len);
	feeder_close(&e->feeder);
	e->ended = 1;
}

void encoder_finish(struct encoder *e)
{
	const char *why = NULL;
	int status, mux_status = 0, feed_failed;

	if (!e->running)
		return;
	encoder_end(e);
	feed_failed = feeder_finish(&e->feeder) < 0;
	status = run_reap(e->pid);
	e->pid = 0;
	if (e->repeats) {
		why = repeater_finish(&e->repeater);
		mux_status = run_reap(e->mux_pid);
		e->mux_pid = 0;
	}
	e->running = 0;
	if (repeater_to_blame(&e->repeater, why, status))
		repeater_failed(&e->repeater, e->out);
	if (feed_failed)
		die(EXIT_SYS, "ffmpeg: stopped taking frames:");
	if (status != 0)
		die(EXIT_FAIL, "ffmpeg: failed (exit %d) writing %s", status, e->out);
	if (mux_status != 0)
		die(EXIT_FAIL, "ffmpeg: failed (exit %d) writing the MP4 %s", mux_status, e->out);
}

void encoder_commit(struct encoder *e)
{
	if (rename_durable(e->tmp, e->out) < 0)
		die(EXIT_SYS, "rename %s:", e->out);
	free(e->tmp);
	free(e->out);
	free(e->last);
	e->tmp = e->out = NULL;
	e->last = NULL;
	e->last_cap = e->last_len = 0;
}

static void kill_child(pid_t *pid)
{
	if (*pid > 0) {
		kill(*pid, SIGKILL);
		while (waitpid(*pid, NULL, 0) < 0 && errno == EINTR)
			;
		*pid = 0;
	}
}

void encoder_abort(struct encoder *e)
{
	kill_child(&e->pid);
	kill_child(&e->mux_pid);
	/* a writer still running gets EPIPE now that ffmpeg is gone, and
	 * ends with the process, closing its pipe; the repeater sees the end
	 * of the stream */
	if (e->running && e->repeats)
		repeater_abandon(&e->repeater);
	e->running = 0;
	if (e->tmp) {
		unlink(e->tmp);
		free(e->tmp);
		e->tmp = NULL;
	}
	free(e->last);
	e->last = NULL;
	e->last_cap = e->last_len = 0;
}

int encoder_remux(char **argv, const char *out, int fps)
{
	struct repeater r;
	const char *why;
	int status, mux_status;
	pid_t pid, mux_pid;

	start_repeated(argv, -1, fps, out, 1, &pid, &mux_pid, &r);
	status = run_reap(pid);
	why = repeater_finish(&r);
	mux_status = run_reap(mux_pid);
	if (repeater_to_blame(&r, why, status))
		repeater_failed(&r, out);
	return status ? status : mux_status;
}
