/* test_h264.c - the bits of H.264 a repeat frame is made of
 * (tools/lib/h264.c): sequence parameters read from x264's own, repeat
 * units byte for byte as the standard's syntax gives them (worked out
 * apart from this code), and a slice renumbered with its emulation
 * prevention bytes intact. */
#include <string.h>

#include "check.h"
#include "h264.h"

/* x264's SPS for 1280x720 with -bf 0 -refs 1, and with its default B frames */
static const unsigned char sps_plain[] = {
	0x67, 0x64, 0x00, 0x1f, 0xac, 0xb4, 0x02, 0x80, 0x2d, 0xd8, 0x08, 0x80,
	0x00, 0x00, 0x03, 0x00, 0x80, 0x00, 0x00, 0x1e, 0x07, 0x8c, 0x19, 0x50
};
static const unsigned char sps_bframes[] = {
	0x67, 0x64, 0x00, 0x1f, 0xac, 0xd9, 0x40, 0x50, 0x05, 0xbb, 0x01, 0x10, 0x00,
	0x00, 0x03, 0x00, 0x10, 0x00, 0x00, 0x03, 0x03, 0xc0, 0xf1, 0x83, 0x19, 0x60
};
static const unsigned char pps_x264[] = { 0x68, 0xef, 0x06, 0xf2, 0xc0 };

int main(void)
{
	struct h264_seq seq;
	unsigned char out[H264_REPEAT_MAX], renumbered[64];
	const char *why;
	/* a P slice: first_mb 0, slice_type 0, pps 0, frame_num 0 (4 bits),
	 * then bytes whose raw 00 00 01 needs its emulation prevention byte */
	static const unsigned char slice[] = { 0x41, 0xe1, 0x00, 0x00, 0x03, 0x01, 0x7f };
	static const unsigned char slice_9[] = { 0x41, 0xf3, 0x00, 0x00, 0x03, 0x01, 0x7f };
	static const unsigned char pps_want[] = { 0x68, 0x53, 0x8f, 0x20 };
	static const unsigned char repeat_want[] = { 0x41, 0x99, 0x28, 0xa0, 0x01, 0xc2, 0x30 };
	size_t n;

	memset(&seq, 0, sizeof seq);
	why = h264_read_sps(&seq, sps_plain, sizeof sps_plain);
	CHECK(why == NULL);
	CHECK(seq.sps_id == 0);
	CHECK(seq.log2_max_frame_num == 4);
	CHECK(seq.mbs == 80 * 45);
	/* B frames bring picture order counts of their own: no repeats */
	why = h264_read_sps(&seq, sps_bframes, sizeof sps_bframes);
	CHECK(why && strstr(why, "B frames"));
	/* cut short before and after its picture order count type */
	why = h264_read_sps(&seq, sps_plain, 4);
	CHECK(why && strstr(why, "cut short"));
	why = h264_read_sps(&seq, sps_plain, 6);
	CHECK(why && strstr(why, "cut short"));

	CHECK(h264_pps_id(pps_x264, sizeof pps_x264) == 0);
	CHECK(h264_pps_id(repeat_want, sizeof repeat_want) == 1);
	CHECK(h264_starts_picture(slice, sizeof slice) == 1);
	CHECK(h264_starts_picture((const unsigned char *)"\x41\x40", 2) == 0);

	h264_read_sps(&seq, sps_plain, sizeof sps_plain);
	seq.repeat_pps = 1;
	n = h264_repeat_pps(out, &seq);
	CHECK(n == sizeof pps_want && !memcmp(out, pps_want, n));
	n = h264_repeat_slice(out, &seq, 5);
	CHECK(n == sizeof repeat_want && !memcmp(out, repeat_want, n));

	CHECK(h264_frame_num(slice, sizeof slice, &seq) == 0);
	CHECK(h264_frame_num(slice_9, sizeof slice_9, &seq) == 9);
	CHECK(h264_frame_num(slice, 1, &seq) == -1);
	n = h264_renumber(renumbered, slice, sizeof slice, &seq, 9);
	CHECK(n == sizeof slice_9 && !memcmp(renumbered, slice_9, n));
	n = h264_renumber(renumbered, slice_9, sizeof slice_9, &seq, 0);
	CHECK(n == sizeof slice && !memcmp(renumbered, slice, n));
	/* cut short before its frame number: not a slice to renumber */
	CHECK(h264_renumber(renumbered, slice, 1, &seq, 3) == 0);
	return check_done();
}
