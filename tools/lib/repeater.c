/* repeater.c - reads the encoder's Annex B stream unit by unit. Before
 * each access unit (a picture with the parameter sets and SEI ahead of
 * it) come repeats for the frames since the picture before; each repeat
 * is a reference frame, so the encoder's frames after it are numbered on
 * from it, and they still predict from an exact copy of the picture they
 * were encoded against. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "h264.h"
#include "repeater.h"
#include "util.h"

struct relay {
	struct repeater *r;
	struct h264_seq seq;
	int have_seq, have_pps;
	long pictures;        /* pictures begun */
	long shown;           /* frames written: pictures and repeats */
	unsigned ref_num;     /* frame_num of the last reference frame */
	unsigned picture_num; /* frame_num of the picture being written */
	int last_was_slice;
	unsigned char *scratch;
	size_t scratch_cap;
	unsigned char out[1 << 16];
	size_t out_len;
};

static int fail(struct relay *s, const char *why, int err)
{
	pthread_mutex_lock(&s->r->lock);
	/* once abandoned, the stream was cut short on purpose */
	if (!s->r->error && !s->r->abandoned) {
		s->r->error = why;
		s->r->err = err;
	}
	pthread_mutex_unlock(&s->r->lock);
	return -1;
}

static int write_all(struct relay *s, const unsigned char *p, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(s->r->out, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return fail(s, "the muxer stopped taking the stream", errno);
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int flush(struct relay *s)
{
	size_t len = s->out_len;

	s->out_len = 0;
	return write_all(s, s->out, len);
}

/* one unit, behind a four-byte start code */
static int emit(struct relay *s, const unsigned char *nal, size_t len)
{
	static const unsigned char start[4] = { 0, 0, 0, 1 };

	if (s->out_len + sizeof start + len > sizeof s->out && flush(s) < 0)
		return -1;
	if (sizeof start + len > sizeof s->out)
		return write_all(s, start, sizeof start) < 0 ? -1 : write_all(s, nal, len);
	memcpy(s->out + s->out_len, start, sizeof start);
	memcpy(s->out + s->out_len + sizeof start, nal, len);
	s->out_len += sizeof start + len;
	return 0;
}

/* The frame picture number n is; -1 for a picture never sent. The capture
 * says before it sends the picture, so the encoder cannot be ahead of it:
 * nothing to wait for. */
static long picture_index(struct relay *s, long n)
{
	struct repeater *r = s->r;
	long index;

	if (r->plain)
		return n;
	pthread_mutex_lock(&r->lock);
	index = (long)r->count > n ? r->index[n] : -1;
	pthread_mutex_unlock(&r->lock);
	return index;
}

/* The clip's frames, once the capture has said; *sent, the pictures it
 * sent. */
static long clip_total(struct relay *s, long *sent)
{
	struct repeater *r = s->r;
	long total;

	if (r->plain)
		return *sent = s->pictures;
	pthread_mutex_lock(&r->lock);
	while (r->total < 0)
		pthread_cond_wait(&r->changed, &r->lock);
	total = r->total;
	*sent = (long)r->count;
	pthread_mutex_unlock(&r->lock);
	return total;
}

static int repeat_until(struct relay *s, long frame)
{
	unsigned char nal[H264_REPEAT_MAX];

	while (s->shown < frame) {
		s->ref_num = (s->ref_num + 1) & ((1u << s->seq.log2_max_frame_num) - 1);
		if (emit(s, nal, h264_repeat_slice(nal, &s->seq, s->ref_num)) < 0)
			return -1;
		s->shown++;
	}
	return 0;
}

static int slice(struct relay *s, const unsigned char *nal, size_t len)
{
	int starts = h264_starts_picture(nal, len);
	size_t n;

	if (starts < 0 || !s->have_pps)
		return fail(s, "the encoder wrote a slice this cannot read", 0);
	/* repeats after it would copy the reference before it instead */
	if (!h264_is_reference(nal))
		return fail(s, "the encoder wrote a picture no frame may refer to", 0);
	if (starts) {
		if (picture_index(s, s->pictures) != s->shown)
			return fail(s, "the encoder's pictures do not match the ones it was sent", 0);
		s->picture_num = h264_type(nal) == H264_IDR
					 ? 0
					 : (s->ref_num + 1) & ((1u << s->seq.log2_max_frame_num) - 1);
		s->ref_num = s->picture_num;
		s->pictures++;
		s->shown++;
	}
	/* no repeat since the picture's IDR: its number stands, and its
	 * bytes go on untouched */
	if (h264_frame_num(nal, len, &s->seq) == (long)s->picture_num)
		return emit(s, nal, len);
	if (len + len / 2 + 2 > s->scratch_cap) {
		s->scratch_cap = len + len / 2 + 2;
		s->scratch = erealloc(s->scratch, s->scratch_cap);
	}
	n = h264_renumber(s->scratch, nal, len, &s->seq, s->picture_num);
	if (!n)
		return fail(s, "the encoder wrote a slice this cannot read", 0);
	return emit(s, s->scratch, n);
}

/* A unit that begins an access unit after a slice: an SEI, a parameter
 * set, an access unit delimiter, or one of the types reserved for that. */
static int begins_access_unit(int type)
{
	return (type >= 6 && type <= 9) || (type >= 14 && type <= 18);
}

static int unit(struct relay *s, const unsigned char *nal, size_t len)
{
	int type = h264_type(nal), is_slice = type == H264_SLICE || type == H264_IDR;
	unsigned char pps[H264_REPEAT_MAX];
	const char *why;
	long index, id;

	if (s->last_was_slice &&
	    (begins_access_unit(type) || (is_slice && h264_starts_picture(nal, len) == 1))) {
		index = picture_index(s, s->pictures);
		if (index < s->shown)
			return fail(s, "the encoder wrote more pictures than it was sent", 0);
		if (repeat_until(s, index) < 0)
			return -1;
	}
	/* filler or an end of sequence after a slice still leaves the next
	 * access unit to be told apart */
	if (is_slice || begins_access_unit(type))
		s->last_was_slice = is_slice;
	if (is_slice)
		return slice(s, nal, len);
	if (type == H264_SPS) {
		if ((why = h264_read_sps(&s->seq, nal, len)))
			return fail(s, why, 0);
		s->have_seq = 1;
	}
	if (emit(s, nal, len) < 0)
		return -1;
	if (type == H264_PPS) {
		id = h264_pps_id(nal, len);
		if (!s->have_seq || id < 0 || id >= 255)
			return fail(s, "the encoder wrote picture parameters this cannot read", 0);
		/* the repeats' own parameters follow the encoder's each time, so
		 * they are there at every IDR picture a player may start from */
		s->seq.repeat_pps = (unsigned)id + 1;
		s->have_pps = 1;
		return emit(s, pps, h264_repeat_pps(pps, &s->seq));
	}
	return 0;
}

/* a unit's end: where the next start code begins, less the zero bytes
 * that may pad the stream before it */
static size_t unit_end(const unsigned char *p, size_t start, size_t end)
{
	while (end > start && p[end - 1] == 0)
		end--;
	return end;
}

static void *relay(void *arg)
{
	struct relay *s = ecalloc(1, sizeof *s);
	unsigned char *buf = NULL;
	size_t cap = 1 << 20, len = 0, scan = 0, start = 0;
	int in_unit = 0, failed = 0;
	ssize_t n;
	long total, sent;
	sigset_t pipe_signal;

	s->r = arg;
	/* a muxer gone is EPIPE for this thread to report, not a signal that
	 * kills a tool which does not ignore SIGPIPE */
	sigemptyset(&pipe_signal);
	sigaddset(&pipe_signal, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_signal, NULL);
	buf = emalloc(cap);
	for (;;) {
		if (len == cap) {
			/* keep only the unit being read */
			memmove(buf, buf + start, len - start);
			len -= start;
			scan -= start;
			start = 0;
			if (len == cap)
				buf = erealloc(buf, cap *= 2);
		}
		n = read(s->r->in, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			failed = fail(s, "cannot read the encoder's stream", errno);
			break;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		for (; scan + 3 <= len; scan++) {
			if (buf[scan] || buf[scan + 1] || buf[scan + 2] != 1)
				continue;
			if (in_unit && unit_end(buf, start, scan) > start &&
			    unit(s, buf + start, unit_end(buf, start, scan) - start) < 0) {
				failed = 1;
				break;
			}
			in_unit = 1;
			start = scan + 3;
			scan += 2;
		}
		if (failed)
			break;
		if (!in_unit)
			start = scan;
	}
	/* the encoder, no longer read, dies on its next write */
	s->r->cut_short = failed;
	if (!failed && in_unit && unit_end(buf, start, len) > start)
		failed = unit(s, buf + start, unit_end(buf, start, len) - start) < 0;
	if (!failed) {
		total = clip_total(s, &sent);
		if (!s->pictures)
			failed = fail(s, "the encoder wrote no pictures", 0);
		else if (s->shown > total || sent != s->pictures)
			failed = fail(s, "the encoder's pictures do not match the ones it was sent", 0);
		else
			failed = repeat_until(s, total) < 0 || flush(s) < 0;
	}
	close(s->r->in);
	close(s->r->out);
	free(buf);
	free(s->scratch);
	free(s);
	return NULL;
}

int repeater_start(struct repeater *r, int in, int out, int plain)
{
	int err;

	memset(r, 0, sizeof *r);
	r->in = in;
	r->out = out;
	r->total = -1;
	r->plain = plain;
	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->changed, NULL);
	if ((err = pthread_create(&r->thread, NULL, relay, r))) {
		errno = err;
		return -1;
	}
	r->running = 1;
	return 0;
}

void repeater_picture(struct repeater *r, long index)
{
	size_t cap = r->cap ? 2 * r->cap : 256;
	long *grown = NULL, *old = NULL;

	/* only this thread writes the list: it grows outside the lock, so a
	 * failed allocation never dies holding it */
	if (r->count == r->cap)
		grown = emalloc(cap * sizeof *grown);
	pthread_mutex_lock(&r->lock);
	if (grown) {
		if (r->count)
			memcpy(grown, r->index, r->count * sizeof *grown);
		old = r->index;
		r->index = grown;
		r->cap = cap;
	}
	r->index[r->count++] = index;
	pthread_mutex_unlock(&r->lock);
	free(old);
}

void repeater_end(struct repeater *r, long total)
{
	pthread_mutex_lock(&r->lock);
	r->total = total;
	pthread_cond_broadcast(&r->changed);
	pthread_mutex_unlock(&r->lock);
}

const char *repeater_finish(struct repeater *r)
{
	if (r->running) {
		pthread_join(r->thread, NULL);
		r->running = 0;
	}
	free(r->index);
	r->index = NULL;
	r->count = r->cap = 0;
	errno = r->err;
	return r->error;
}

void repeater_abandon(struct repeater *r)
{
	if (!r->running)
		return;
	pthread_mutex_lock(&r->lock);
	r->abandoned = 1;
	if (r->total < 0)
		r->total = 0;
	pthread_cond_broadcast(&r->changed);
	pthread_mutex_unlock(&r->lock);
	if (!pthread_equal(pthread_self(), r->thread)) {
		pthread_join(r->thread, NULL);
		r->running = 0;
	}
}
