/* encoder.c - the ffmpeg end of a capture. Frames reach ffmpeg in a
 * minimal Matroska stream, each picture stamped with its frame's time, and
 * ffmpeg's fps filter makes the constant frame rate: a frame that repeats
 * the last picture is not sent at all, the filter repeats the decoded
 * picture for it, so a still page costs neither a screenshot nor a JPEG
 * decode, only the encoder's work on a frame like the one before. A
 * thread writes the stream: ffmpeg reads its input only between encoding
 * frames, and a picture bigger than the pipe would otherwise hold the
 * capture until then. */
#include <errno.h>
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

/* The stream's header: one MJPEG video track, millisecond timestamps, a
 * segment of unknown length (it ends when the pipe does). */
static void write_header(struct encoder *e, int fps, int width, int height)
{
	unsigned char ebml[128], info[128], video[64], entry[256], tracks[300], out[1024];
	size_t ne = 0, ni = 0, nv = 0, nt = 0, nk = 0, n = 0;

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
	nt += put_string(entry + nt, 0x86, "V_MJPEG");
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
		die(EXIT_SYS, "ffmpeg: stopped taking frames:");
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
	if (feeder_put(&e->feeder, head, n, image, len) < 0)
		die(EXIT_SYS, "ffmpeg: stopped taking frames:");
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

void encoder_start(struct encoder *e, const char *out, int fps, const struct video_settings *v,
		   int scale, int width, int height)
{
	char *rate = estrfmt("%d", fps), *gop = estrfmt("%d", fps * 2), *crf = estrfmt("%d", v->crf);
	/* Scaled and converted once per picture, before the fps filter fills
	 * the frames between pictures with the picture before: a repeated
	 * frame costs ffmpeg nothing but its encode. */
	char *filter = scale ? estrfmt("scale=%d:%d:flags=lanczos,format=yuv420p,fps=%d", width,
				       height, fps)
			     : estrfmt("format=yuv420p,fps=%d", fps);
	char *argv[40];
	int n = 0;

	if (mkdirs_for(out) < 0)
		die(EXIT_SYS, "cannot make the folder for %s:", out);
	e->out = estrdup(out);
	e->tmp = tmp_path_for(out);
#define ARG(s) (argv[n++] = (char *)(s))
	ARG("ffmpeg"); ARG("-nostdin"); ARG("-hide_banner"); ARG("-loglevel"); ARG("error");
	ARG("-f"); ARG("matroska"); ARG("-i"); ARG("-");
	ARG("-an"); ARG("-c:v"); ARG(v->codec); ARG("-preset"); ARG(v->preset);
	ARG("-crf"); ARG(crf); ARG("-pix_fmt"); ARG("yuv420p");
	ARG("-vf"); ARG(filter); ARG("-fps_mode"); ARG("passthrough");
	ARG("-r"); ARG(rate); ARG("-g"); ARG(gop);
	/* same input, same bytes: no timestamps or version strings in the file */
	ARG("-map_metadata"); ARG("-1"); ARG("-fflags"); ARG("+bitexact");
	ARG("-flags:v"); ARG("+bitexact");
	ARG("-movflags"); ARG("+faststart"); ARG("-f"); ARG("mp4"); ARG("-y"); ARG(e->tmp);
	ARG(NULL);
#undef ARG
	e->in = run_pipe(argv, "w", &e->pid);
	if (!e->in)
		run_die_unstarted("ffmpeg");
	if (feeder_start(&e->feeder, fileno(e->in), FEEDER_MAX) < 0)
		die(EXIT_SYS, "ffmpeg: cannot start the thread writing its frames:");
	e->fps = fps;
	e->frames = 0;
	e->last_len = 0;
	e->ended = 0;
	write_header(e, fps, width, height);
	free(rate);
	free(gop);
	free(crf);
	free(filter);
}

void encoder_write(struct encoder *e, const void *image, size_t len, int repeat)
{
	if (!repeat || !e->last_len) {
		write_picture(e, e->frames, image, len);
		e->written = e->frames;
		if (len > e->last_cap) {
			e->last_cap = len;
			e->last = erealloc(e->last, len);
		}
		memcpy(e->last, image, len);
		e->last_len = len;
	}
	e->frames++;
}

void encoder_end(struct encoder *e)
{
	if (!e->in || e->ended)
		return;
	/* the last frame is stamped too, or the repeats before it would be
	 * lost: nothing would say how long the picture before them lasts */
	if (e->frames && e->written != e->frames - 1)
		write_picture(e, e->frames - 1, e->last, e->last_len);
	feeder_close(&e->feeder);
	e->ended = 1;
}

void encoder_finish(struct encoder *e)
{
	FILE *in = e->in;
	int status;

	if (!in)
		return;
	encoder_end(e);
	if (feeder_finish(&e->feeder) < 0)
		die(EXIT_SYS, "ffmpeg: stopped taking frames:");
	e->in = NULL;
	status = run_pipe_close(in, e->pid);
	e->pid = 0;
	if (status != 0)
		die(EXIT_FAIL, "ffmpeg: failed (exit %d) writing %s", status, e->out);
}

void encoder_commit(struct encoder *e)
{
	if (rename_durable(e->tmp, e->out) < 0)
		die(EXIT_SYS, "rename %s:", e->out);
	free(e->tmp);
	e->tmp = NULL;
}

void encoder_abort(struct encoder *e)
{
	if (e->pid > 0) {
		kill(e->pid, SIGKILL);
		while (waitpid(e->pid, NULL, 0) < 0 && errno == EINTR)
			;
		e->pid = 0;
	}
	/* a writer still running gets EPIPE now that ffmpeg is gone, and
	 * ends with the process; its pipe is left to it */
	if (e->in && !e->feeder.running)
		fclose(e->in);
	e->in = NULL;
	if (e->tmp) {
		unlink(e->tmp);
		free(e->tmp);
		e->tmp = NULL;
	}
	free(e->last);
	e->last = NULL;
	e->last_cap = e->last_len = 0;
}
