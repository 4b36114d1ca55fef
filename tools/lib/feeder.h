/* feeder.h - a thread writing queued bytes into a pipe, so whoever fills
 * the queue waits on the reader at the other end only when the queue is
 * full: a capture keeps drawing while ffmpeg is busy encoding */
#ifndef FEEDER_H
#define FEEDER_H

#include <pthread.h>
#include <stddef.h>

struct feeder_chunk;

struct feeder {
	int fd;
	size_t max;                  /* bytes queued before put waits */
	size_t queued;
	struct feeder_chunk *head, *tail;
	int closing;                 /* nothing more will be put */
	int error;                   /* errno of the write that failed, or 0 */
	int running;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t changed;
};

/* Start writing to fd, holding at most max bytes in memory (a single
 * larger put still goes through); the thread closes fd when it stops.
 * Returns -1 with errno set when no thread could start (fd still open). */
int feeder_start(struct feeder *f, int fd, size_t max);

/* Queue a's alen bytes then b's blen bytes (b may be NULL), copied.
 * Returns -1 with errno set to the failed write's when the writer has
 * stopped (the reader went away): nothing more can go through. */
int feeder_put(struct feeder *f, const void *a, size_t alen, const void *b, size_t blen);

/* Nothing more will be put: the thread writes what is queued and stops,
 * without anyone waiting for it. */
void feeder_close(struct feeder *f);

/* Close, and wait until everything queued is written and the thread has
 * stopped. Returns -1 with errno set when a write failed. */
int feeder_finish(struct feeder *f);

#endif
