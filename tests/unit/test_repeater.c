/* test_repeater.c - the thread between the encoder and the muxer
 * (tools/lib/repeater.c): repeats go in where frames were not sent, the
 * encoder's frames after them are numbered on, the repeats' parameters
 * follow the encoder's, all of it whatever bytes each read brings; a
 * stream with more pictures than were sent is refused. */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "h264.h"
#include "repeater.h"

/* x264's SPS (1280x720, one reference frame, frame_num in 4 bits) and PPS */
static const unsigned char sps[] = {
	0x67, 0x64, 0x00, 0x1f, 0xac, 0xb4, 0x02, 0x80, 0x2d, 0xd8, 0x08, 0x80,
	0x00, 0x00, 0x03, 0x00, 0x80, 0x00, 0x00, 0x1e, 0x07, 0x8c, 0x19, 0x50
};
static const unsigned char pps[] = { 0x68, 0xef, 0x06, 0xf2, 0xc0 };
/* slices cut after their headers: an IDR picture (frame_num 0) and a P
 * picture numbered 1, as x264 numbers it, then the same renumbered 3 */
static const unsigned char idr[] = { 0x65, 0x88, 0x86, 0x80 };
static const unsigned char p1[] = { 0x41, 0x9a, 0x30, 0x80 };
static const unsigned char p3[] = { 0x41, 0x9a, 0x70, 0x80 };

struct buf {
	unsigned char data[4096];
	size_t len;
};

static void put(struct buf *b, const unsigned char *nal, size_t len)
{
	static const unsigned char start[4] = { 0, 0, 0, 1 };

	memcpy(b->data + b->len, start, 4);
	memcpy(b->data + b->len + 4, nal, len);
	b->len += 4 + len;
}

struct feed {
	int fd;
	const struct buf *in;
};

/* the encoder's side: a byte at a time, so units and start codes span reads */
static void *feed_bytes(void *arg)
{
	struct feed *f = arg;
	size_t i;

	for (i = 0; i < f->in->len; i++)
		if (write(f->fd, f->in->data + i, 1) != 1)
			break;
	close(f->fd);
	return NULL;
}

/* Run in through a repeater that was told of the pictures at frames
 * index[0..pictures) of a clip of total frames (plain: none of that);
 * the stream out in got, the repeater's answer returned. */
static const char *run(const struct buf *in, const long *index, int pictures, long total,
		       int plain, struct buf *got, int *cut_short)
{
	struct repeater r;
	struct feed f;
	pthread_t feeder;
	int to[2], from[2], i;
	ssize_t n;
	const char *why;

	if (pipe(to) < 0 || pipe(from) < 0)
		return "no pipe";
	CHECK(repeater_start(&r, to[0], from[1], plain) == 0);
	for (i = 0; i < pictures; i++)
		repeater_picture(&r, index[i]);
	if (!plain)
		repeater_end(&r, total);
	f.fd = to[1];
	f.in = in;
	pthread_create(&feeder, NULL, feed_bytes, &f);
	got->len = 0;
	while ((n = read(from[0], got->data + got->len, sizeof got->data - got->len)) > 0)
		got->len += (size_t)n;
	close(from[0]);
	pthread_join(feeder, NULL);
	why = repeater_finish(&r);
	*cut_short = r.cut_short;
	return why;
}

int main(void)
{
	struct buf in = { .len = 0 }, want = { .len = 0 }, got;
	struct h264_seq seq;
	unsigned char unit[H264_REPEAT_MAX];
	static const long at[] = { 0, 3 };
	const char *why;
	int cut_short;
	unsigned k;

	signal(SIGPIPE, SIG_IGN);
	put(&in, sps, sizeof sps);
	put(&in, pps, sizeof pps);
	put(&in, idr, sizeof idr);
	put(&in, p1, sizeof p1);

	/* pictures at frames 0 and 3 of 5: two repeats between, one after */
	h264_read_sps(&seq, sps, sizeof sps);
	seq.repeat_pps = 1;
	put(&want, sps, sizeof sps);
	put(&want, pps, sizeof pps);
	put(&want, unit, h264_repeat_pps(unit, &seq));
	put(&want, idr, sizeof idr);
	for (k = 1; k <= 2; k++)
		put(&want, unit, h264_repeat_slice(unit, &seq, k));
	put(&want, p3, sizeof p3);
	put(&want, unit, h264_repeat_slice(unit, &seq, 4));
	why = run(&in, at, 2, 5, 0, &got, &cut_short);
	CHECK(why == NULL);
	CHECK(got.len == want.len && !memcmp(got.data, want.data, want.len));

	/* plain: the repeats' parameters only, the frames as they were */
	want.len = 0;
	put(&want, sps, sizeof sps);
	put(&want, pps, sizeof pps);
	put(&want, unit, h264_repeat_pps(unit, &seq));
	put(&want, idr, sizeof idr);
	put(&want, p1, sizeof p1);
	why = run(&in, NULL, 0, 0, 1, &got, &cut_short);
	CHECK(why == NULL);
	CHECK(got.len == want.len && !memcmp(got.data, want.data, want.len));

	/* a second picture nobody sent, with more after it: refused, and
	 * reading stops there */
	put(&in, p1, sizeof p1);
	why = run(&in, at, 1, 5, 0, &got, &cut_short);
	CHECK(why && strstr(why, "more pictures than it was sent"));
	CHECK(cut_short);
	return check_done();
}
