/* encoder.h - an ffmpeg process turning a stream of JPEG frames into the
 * step's H.264 clip, written under a temporary name until complete */
#ifndef ENCODER_H
#define ENCODER_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

/* The codec parameters of every clip. Anything joined to the clips by
 * stream copy (mux's intro and outro) is encoded with these too. */
#define CLIP_CODEC "libx264"
#define CLIP_PRESET "veryfast"
#define CLIP_CRF 20
#define CLIP_CRF_ARG "20"

struct encoder {
	FILE *in;       /* ffmpeg's stdin; NULL when not running */
	pid_t pid;
	char *tmp;      /* where ffmpeg writes; renamed to out when done */
	char *out;
};

/* Start ffmpeg for a clip at fps, scaling frames to width x height when
 * scale is set. Every clip gets the same codec parameters so that clips
 * join by stream copy. Dies with EXIT_SYS when ffmpeg cannot start. */
void encoder_start(struct encoder *e, const char *out, int fps, int scale,
		   int width, int height);

/* Append one encoded image (a whole JPEG file). Dies with EXIT_SYS when
 * ffmpeg has gone away. */
void encoder_write(struct encoder *e, const void *image, size_t len);

/* Let ffmpeg finish the clip, still under its temporary name. Dies with
 * EXIT_FAIL when ffmpeg reports an error. */
void encoder_finish(struct encoder *e);

/* Move a finished clip to its real name: done last, once every clip of a
 * run is finished, so a failure leaves the old clips in place. */
void encoder_commit(struct encoder *e);

/* Stop ffmpeg and delete its partial output. Safe from an exit handler. */
void encoder_abort(struct encoder *e);

#endif
