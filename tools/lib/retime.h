/* retime.h - a clip's still ending held longer or shorter, without the
 * browser
 *
 * When a page was still from some frame of its clip to the clip's end (or
 * showed only the caret's blink), a recording with a longer or shorter
 * narration would give the same frames up to the new end, and then the
 * same picture held (or the blink going on): the frames kept are copied
 * from the clip as they are, and frames past its old end are its last
 * picture (and the blink's other, in turn), encoded as the capture encodes
 * pictures (each new one, then repeat frames). Only for clips whose stream
 * has repeats (video_repeats): no B frames, so the stream can end at any
 * frame. */
#ifndef RETIME_H
#define RETIME_H

#include <stddef.h>

#include "encoder.h"

struct retime {
	const char *clip;       /* the clip as recorded: frames long */
	long frames, new_frames;
	int fps;
	const struct video_settings *video;
	int scale, width, height;   /* as the capture's encoder_start had them */
	const void *png;        /* its last picture, as the browser drew it */
	size_t png_len;
	/* with blink: the other picture, which takes turns with png every
	 * blink_frames, the last turn at frame last_change */
	const void *blink;
	size_t blink_len;
	long last_change, blink_frames;
};

/* Write the clip retimed under a temporary name beside it, and return that
 * name: the caller renames it into place, or removes it. Dies with
 * EXIT_FAIL when ffmpeg cannot read the clip or its pictures, EXIT_SYS when
 * it cannot start or a file cannot be written, leaving nothing behind. */
char *clip_retime(const struct retime *r);

#endif
