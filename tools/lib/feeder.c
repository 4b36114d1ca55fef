/* feeder.c - one writer thread per pipe. The chunks are written in the
 * order they were put, whole, so the reader sees exactly the bytes a
 * direct write would have given it. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "feeder.h"
#include "util.h"

struct feeder_chunk {
	struct feeder_chunk *next;
	size_t len;
	unsigned char data[];
};

static int write_all(int fd, const unsigned char *p, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static void drop_queue(struct feeder *f)
{
	struct feeder_chunk *c;

	while ((c = f->head)) {
		f->head = c->next;
		free(c);
	}
	f->tail = NULL;
	f->queued = 0;
}

static void *writer(void *arg)
{
	struct feeder *f = arg;
	struct feeder_chunk *c;
	int failed;

	for (;;) {
		pthread_mutex_lock(&f->lock);
		while (!f->head && !f->closing)
			pthread_cond_wait(&f->changed, &f->lock);
		c = f->head;
		if (c && !(f->head = c->next))
			f->tail = NULL;
		pthread_mutex_unlock(&f->lock);
		if (!c)
			break;
		failed = write_all(f->fd, c->data, c->len) < 0;
		pthread_mutex_lock(&f->lock);
		f->queued -= c->len;
		if (failed) {
			f->error = errno;
			drop_queue(f);
		}
		pthread_cond_broadcast(&f->changed);
		pthread_mutex_unlock(&f->lock);
		free(c);
		if (failed)
			break;
	}
	/* the reader sees the end as soon as the last byte is written, not
	 * when someone gets round to waiting for the thread */
	close(f->fd);
	return NULL;
}

int feeder_start(struct feeder *f, int fd, size_t max)
{
	int err;

	memset(f, 0, sizeof *f);
	f->fd = fd;
	f->max = max;
	pthread_mutex_init(&f->lock, NULL);
	pthread_cond_init(&f->changed, NULL);
	if ((err = pthread_create(&f->thread, NULL, writer, f))) {
		errno = err;
		return -1;
	}
	f->running = 1;
	return 0;
}

int feeder_put(struct feeder *f, const void *a, size_t alen, const void *b, size_t blen)
{
	struct feeder_chunk *c = emalloc(sizeof *c + alen + blen);

	c->next = NULL;
	c->len = alen + blen;
	memcpy(c->data, a, alen);
	if (blen)
		memcpy(c->data + alen, b, blen);
	pthread_mutex_lock(&f->lock);
	while (!f->error && f->queued && f->queued + c->len > f->max)
		pthread_cond_wait(&f->changed, &f->lock);
	if (f->error) {
		pthread_mutex_unlock(&f->lock);
		free(c);
		errno = f->error;
		return -1;
	}
	if (f->tail)
		f->tail->next = c;
	else
		f->head = c;
	f->tail = c;
	f->queued += c->len;
	pthread_cond_broadcast(&f->changed);
	pthread_mutex_unlock(&f->lock);
	return 0;
}

void feeder_close(struct feeder *f)
{
	if (!f->running)
		return;
	pthread_mutex_lock(&f->lock);
	f->closing = 1;
	pthread_cond_broadcast(&f->changed);
	pthread_mutex_unlock(&f->lock);
}

int feeder_finish(struct feeder *f)
{
	if (!f->running)
		return 0;
	feeder_close(f);
	pthread_join(f->thread, NULL);
	f->running = 0;
	pthread_mutex_destroy(&f->lock);
	pthread_cond_destroy(&f->changed);
	if (f->error) {
		errno = f->error;
		return -1;
	}
	return 0;
}
