/* test_feeder.c - the writer thread between a capture and ffmpeg
 * (tools/lib/feeder.c): every byte arrives, in order, past a queue far
 * smaller than what goes through; a reader that goes away is an error the
 * writer's side sees. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "feeder.h"

#define CHUNKS 300
#define TOTAL_MAX (CHUNKS * 7000)

struct reader {
	int fd;
	unsigned char *got;
	size_t len;
};

/* reads slowly, in small bites, until the pipe closes */
static void *read_all(void *arg)
{
	struct reader *r = arg;
	ssize_t n;

	while ((n = read(r->fd, r->got + r->len, 1000)) > 0)
		r->len += (size_t)n;
	return NULL;
}

static unsigned char byte_at(size_t i)
{
	return (unsigned char)(i * 7 + i / 251);
}

int main(void)
{
	struct feeder f;
	struct reader r = { 0 };
	pthread_t reader;
	unsigned char *want = malloc(TOTAL_MAX), *part = malloc(7000);
	size_t len = 0, i, a, b;
	int p[2], ok = 1;

	signal(SIGPIPE, SIG_IGN);
	CHECK(pipe(p) == 0);
	r.fd = p[0];
	r.got = malloc(TOTAL_MAX);
	pthread_create(&reader, NULL, read_all, &r);
	/* a queue of 16 KiB: most puts wait for the reader */
	CHECK(feeder_start(&f, p[1], 16384) == 0);
	for (i = 0; i < CHUNKS; i++) {
		a = i % 13;
		b = (i * 997) % 6000;
		for (size_t k = 0; k < a + b; k++)
			part[k] = byte_at(len + k);
		memcpy(want + len, part, a + b);
		ok &= feeder_put(&f, part, a, b ? part + a : NULL, b) == 0;
		len += a + b;
		/* the copy is the queue's: the caller's buffer is free again */
		memset(part, 0xee, a + b);
	}
	CHECK(ok);
	CHECK(feeder_finish(&f) == 0);
	pthread_join(reader, NULL);
	CHECK(r.len == len);
	CHECK(memcmp(r.got, want, len) == 0);
	close(p[0]);

	/* the reader goes away: a put or the finish says so */
	CHECK(pipe(p) == 0);
	CHECK(feeder_start(&f, p[1], 1 << 20) == 0);
	close(p[0]);
	ok = 0;
	for (i = 0; i < 1000 && !ok; i++)
		ok = feeder_put(&f, part, 4096, NULL, 0) < 0;
	CHECK(ok && errno == EPIPE);
	CHECK(feeder_finish(&f) < 0 && errno == EPIPE);

	/* nothing put: nothing written, no error, and the pipe closed */
	CHECK(pipe(p) == 0);
	CHECK(feeder_start(&f, p[1], 1 << 20) == 0);
	CHECK(feeder_finish(&f) == 0);
	CHECK(read(p[0], part, 1) == 0);
	close(p[0]);

	free(want);
	free(part);
	free(r.got);
	return check_done();
}
