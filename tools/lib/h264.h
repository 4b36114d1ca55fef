/* h264.h - just enough of H.264's bitstream to show a picture again
 * without encoding it: a repeat is a P frame whose every macroblock is
 * skipped, which a decoder turns into an exact copy of the frame before.
 * The encoder's own frames are numbered around the repeats. Works on NAL
 * units as they stand in the stream (header byte first, emulation
 * prevention bytes in place, no start code). */
#ifndef H264_H
#define H264_H

#include <stddef.h>

enum {
	H264_SLICE = 1,  /* a slice of a picture other than an IDR one */
	H264_IDR = 5,
	H264_SPS = 7,
	H264_PPS = 8,
};

/* What a repeat needs of the sequence's parameters. */
struct h264_seq {
	unsigned sps_id;
	unsigned log2_max_frame_num;
	unsigned mbs;          /* macroblocks in a frame */
	unsigned repeat_pps;   /* the id of the repeats' own picture parameters */
};

/* The longest repeat slice or parameter set written here, in bytes. */
#define H264_REPEAT_MAX 64

static inline int h264_type(const unsigned char *nal)
{
	return nal[0] & 0x1f;
}

static inline int h264_is_reference(const unsigned char *nal)
{
	return (nal[0] & 0x60) != 0;
}

/* Read a sequence parameter set. Returns NULL, or why repeats cannot go
 * into the sequence: they need frame numbers that give the picture order
 * (pic_order_cnt_type 2, so no B frames), whole frames, and a single
 * reference frame, since each repeat becomes the reference. */
const char *h264_read_sps(struct h264_seq *seq, const unsigned char *nal, size_t len);

/* The id a picture parameter set (PPS) or a slice names, or -1 when the
 * unit is cut short. */
long h264_pps_id(const unsigned char *nal, size_t len);

/* Whether a slice starts its picture (first_mb_in_slice 0): 1, 0, or -1
 * when the unit is cut short. */
int h264_starts_picture(const unsigned char *nal, size_t len);

/* The repeats' picture parameter set, id seq->repeat_pps: CAVLC, so a
 * slice of skips is one number, and a deblocking filter a slice can turn
 * off. Returns its length. */
size_t h264_repeat_pps(unsigned char out[H264_REPEAT_MAX], const struct h264_seq *seq);

/* A reference P frame numbered frame_num whose macroblocks are all
 * skipped. Returns its length. */
size_t h264_repeat_slice(unsigned char out[H264_REPEAT_MAX], const struct h264_seq *seq,
			 unsigned frame_num);

/* The frame_num a slice carries, or -1 when the unit is cut short. */
long h264_frame_num(const unsigned char *nal, size_t len, const struct h264_seq *seq);

/* The slice nal, len bytes, numbered frame_num instead, into out (room for
 * len + len / 2 + 2 bytes: escaping may grow it). Returns the new length,
 * or 0 when the slice is cut short. */
size_t h264_renumber(unsigned char *out, const unsigned char *nal, size_t len,
		     const struct h264_seq *seq, unsigned frame_num);

#endif
