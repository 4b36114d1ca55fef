/* encoder.h - ffmpeg turning a stream of PNG frames into the step's
 * H.264 clip, written under a temporary name until complete */
#ifndef ENCODER_H
#define ENCODER_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "feeder.h"
#include "repeater.h"

/* The codec parameters when the spec's output names none. */
#define CLIP_CODEC "libx264"
#define CLIP_PRESET "veryfast"
#define CLIP_CRF 20

/* A player can start a clip this often: a keyframe every so many seconds
 * of video. */
#define KEYFRAME_SECONDS 2

/* How a tour's video is encoded: the spec's output.video_codec, video_crf
 * and video_preset. Every clip, the intro and the outro are encoded with
 * them at capture, so the final video joins them by stream copy. */
struct video_settings {
	const char *codec;
	const char *preset;
	int crf;
};

/* Fill v from the spec's values (NULL or -1 when not given): the defaults
 * above, and "h264" read as the encoder that writes it. */
void video_settings_resolve(struct video_settings *v, const char *codec, int crf,
			    const char *preset);

/* Fill v from a fragment's "video" object ({"codec", "crf", "preset"}, as
 * spec2req writes it; NULL for the defaults). Returns NULL, or why the
 * object is not one, starting with the member it names (".crf: ...") or
 * ": ..." for the object itself. */
const char *video_settings_read(struct video_settings *v, const cJSON *video);

/* Whether clips in v's codec show a held picture by repeat frames (x264,
 * see h264.h) rather than by encoding it again; the stream is then made
 * with no B frames and one reference frame, so an intro or outro joining
 * the clips must be too. */
int video_repeats(const struct video_settings *v);

/* Put in argv the encoder options that give a stream in v's codec the
 * shape every clip has (with repeats: no B frames, one reference frame),
 * so that whatever joins the clips by stream copy has the same SPS.
 * Returns how many (at most 4). */
int video_stream_shape(const struct video_settings *v, char **argv);

/* The MP4 track timescale of a clip at fps, as ffmpeg picks it for an
 * encoder's 1/fps: the rate doubled until it is at least 10000, so clips
 * made either way join with the same one. */
int clip_track_timescale(int fps);

/* Put in argv the colour description every clip's SPS carries (BT.601,
 * limited range, centre-sited chroma: what the encoder makes of the
 * browser's RGB), for whatever joins the clips by stream copy. Returns how
 * many (6). */
int video_colour(char **argv);

struct encoder {
	int running;    /* started, and not yet finished or aborted */
	struct feeder feeder;  /* writes ffmpeg's input, so frames never wait on it */
	pid_t pid;      /* the ffmpeg encoding */
	int repeats;    /* video_repeats: held pictures are repeat frames */
	struct repeater repeater;  /* then: from the encoder to... */
	pid_t mux_pid;  /* ...the ffmpeg writing the MP4 */
	char *tmp;      /* where ffmpeg writes; renamed to out when done */
	char *out;
	int fps;
	long frames;    /* frames of the clip so far */
	long written;   /* the frame whose picture was sent last */
	long changed;   /* the frame whose picture was new last */
	int ended;      /* no more frames: ffmpeg is finishing on its own */
	unsigned char *last;  /* that picture */
	size_t last_len, last_cap;
};

/* Start ffmpeg for a clip at fps, encoded as v says, scaling frames to
 * width x height when scale is set. Every clip of a tour gets the same
 * parameters so that clips join by stream copy. Dies with EXIT_SYS when
 * ffmpeg cannot start. */
void encoder_start(struct encoder *e, const char *out, int fps, const struct video_settings *v,
		   int scale, int width, int height);

/* Append one frame: image (a whole PNG file), or, with repeat set, the
 * picture of the frame before, which costs nothing here nor in ffmpeg's
 * decoder, nor with repeat frames in its encoder (image is then only used
 * when no picture came before). Dies with EXIT_SYS when ffmpeg has gone
 * away. */
void encoder_write(struct encoder *e, const void *image, size_t len, int repeat);

/* No more frames: ffmpeg goes on encoding what it has while the caller
 * does something else (records the next clip). */
void encoder_end(struct encoder *e);

/* End, and wait until ffmpeg has finished the clip, still under its
 * temporary name; nothing when it is finished already. Dies with
 * EXIT_FAIL when ffmpeg reports an error. */
void encoder_finish(struct encoder *e);

/* Move a finished clip to its real name: done last, once every clip of a
 * run is finished, so a failure leaves the old clips in place. What the
 * encoder held is freed. */
void encoder_commit(struct encoder *e);

/* Stop ffmpeg and delete its partial output. Safe from an exit handler. */
void encoder_abort(struct encoder *e);

/* Run argv, an ffmpeg writing the raw H.264 of a whole video (with
 * video_repeats' limits) to its stdout, and write that video to out as an
 * MP4 at fps that joins clips by stream copy: with the repeats' parameter
 * sets, so the joined file's header holds every one its frames use.
 * Returns 0 or the failed ffmpeg's exit status; dies as encoder_finish
 * does when the stream between them went wrong. */
int encoder_remux(char **argv, const char *out, int fps);

#endif
