/* repeater.h - a thread between the encoder and the muxer of a clip: the
 * encoder gets only the pictures that changed, and the thread passes its
 * H.264 stream on with a repeat frame (h264.h) for every frame in between,
 * so a held picture costs a few bytes instead of an encode */
#ifndef REPEATER_H
#define REPEATER_H

#include <pthread.h>
#include <stddef.h>

struct repeater {
	int in, out;          /* the encoder's raw H.264; the muxer's input */
	long *index;          /* the frame each picture sent is, in order */
	size_t count, cap;
	long total;           /* frames in the clip; -1 until the last is known */
	const char *error;    /* why the stream stopped, or NULL */
	int err;              /* and the errno behind it, or 0 */
	int abandoned;
	int cut_short;        /* it stopped reading before the encoder's end */
	int plain;            /* no repeats: each picture is the next frame */
	int running;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t changed;
};

/* Start passing in on to out; the thread closes both when it stops. With
 * plain set, every picture is one frame, and nobody calls
 * repeater_picture or repeater_end: the stream only gains the repeats'
 * parameter sets. Returns -1 with errno set when no thread could start. */
int repeater_start(struct repeater *r, int in, int out, int plain);

/* The next picture sent to the encoder is frame index. Called before the
 * encoder can have it: the first at frame 0, then in rising order. */
void repeater_picture(struct repeater *r, long index);

/* The clip has total frames: the last pictures are repeated up to it. */
void repeater_end(struct repeater *r, long total);

/* Wait for the thread to stop. Returns NULL once the whole stream went
 * through, or why it did not (errno set from err when there is one). */
const char *repeater_finish(struct repeater *r);

/* The encoder and muxer are gone: stop waiting on the capture and let the
 * thread end (joined, unless it is the one calling). */
void repeater_abandon(struct repeater *r);

#endif
