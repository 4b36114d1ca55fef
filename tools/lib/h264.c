/* h264.c - reading and writing the few syntax elements a repeat needs
 * (ITU-T H.264 sections 7.3.2.1, 7.3.2.2, 7.3.3 and 7.3.4). A unit is
 * unescaped into its raw bits before it is read, and escaped again when
 * written, so a start code never appears inside it. */
#include <stdlib.h>
#include <string.h>

#include "h264.h"
#include "util.h"

/* The most of a unit's start read here: every field read ends within its
 * first dozen bytes. */
#define HEAD_MAX 64

struct bits {
	unsigned char *p;
	size_t len;     /* bytes at p */
	size_t pos;     /* in bits */
	int short_read;
};

static unsigned get_bit(struct bits *b)
{
	unsigned v;

	if (b->pos >= 8 * b->len) {
		b->short_read = 1;
		return 0;
	}
	v = b->p[b->pos / 8] >> (7 - b->pos % 8) & 1;
	b->pos++;
	return v;
}

static unsigned get_bits(struct bits *b, unsigned n)
{
	unsigned v = 0;

	while (n--)
		v = v << 1 | get_bit(b);
	return v;
}

/* ue(v): Exp-Golomb, as every count and id in the headers */
static unsigned get_ue(struct bits *b)
{
	unsigned zeros = 0;

	while (!get_bit(b) && !b->short_read)
		if (++zeros > 31) {
			b->short_read = 1;
			return 0;
		}
	return (1u << zeros) - 1 + get_bits(b, zeros);
}

static void put_bits(struct bits *b, unsigned v, unsigned n)
{
	while (n--) {
		if (b->pos >= 8 * b->len) {
			b->short_read = 1;
			return;
		}
		if (v >> n & 1)
			b->p[b->pos / 8] |= (unsigned char)(0x80 >> b->pos % 8);
		else
			b->p[b->pos / 8] &= (unsigned char)~(0x80 >> b->pos % 8);
		b->pos++;
	}
}

static void put_ue(struct bits *b, unsigned v)
{
	unsigned len = 0;

	while ((v + 1) >> len > 1)
		len++;
	put_bits(b, 0, len);
	put_bits(b, v + 1, len + 1);
}

/* rbsp_trailing_bits: a stop bit, then zeros to the byte's end */
static size_t put_trailing(struct bits *b)
{
	put_bits(b, 1, 1);
	while (b->pos % 8)
		put_bits(b, 0, 1);
	return b->pos / 8;
}

/* The raw bits of the unit's first up to max bytes past its header byte:
 * each 0x03 after two zero bytes dropped (emulation prevention). */
static size_t unescape(unsigned char *out, size_t max, const unsigned char *nal, size_t len)
{
	size_t i, n = 0;
	int zeros = 0;

	for (i = 1; i < len && n < max; i++) {
		if (zeros >= 2 && nal[i] == 3) {
			zeros = 0;
			continue;
		}
		zeros = nal[i] ? 0 : zeros + 1;
		out[n++] = nal[i];
	}
	return n;
}

/* Append raw bytes to an escaped unit, an emulation prevention byte where
 * two zeros come before a byte of 3 or less; *zeros carries the zero run
 * from one call to the next. */
static size_t escape(unsigned char *out, const unsigned char *raw, size_t n, int *zeros)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		if (*zeros >= 2 && raw[i] <= 3) {
			out[o++] = 3;
			*zeros = 0;
		}
		*zeros = raw[i] ? 0 : *zeros + 1;
		out[o++] = raw[i];
	}
	return o;
}

static int high_profile(unsigned profile)
{
	static const unsigned profiles[] = { 100, 110, 122, 244, 44, 83, 86, 118, 128, 138,
					     139, 134, 135 };
	size_t i;

	for (i = 0; i < sizeof profiles / sizeof *profiles; i++)
		if (profile == profiles[i])
			return 1;
	return 0;
}

const char *h264_read_sps(struct h264_seq *seq, const unsigned char *nal, size_t len)
{
	unsigned char raw[HEAD_MAX];
	struct bits b = { raw, 0, 0, 0 };
	unsigned profile, poc_type, refs, width, height;
	unsigned separate_planes = 0, scaling = 0, frame_mbs_only;

	b.len = unescape(raw, sizeof raw, nal, len);
	profile = get_bits(&b, 8);
	get_bits(&b, 16);  /* constraint flags, level */
	seq->sps_id = get_ue(&b);
	if (high_profile(profile)) {
		if (get_ue(&b) == 3)
			separate_planes = get_bit(&b);
		get_ue(&b);  /* bit depths */
		get_ue(&b);
		get_bit(&b);
		scaling = get_bit(&b);
	}
	if (scaling)
		return "scaling matrices in the sequence";
	seq->log2_max_frame_num = get_ue(&b) + 4;
	poc_type = get_ue(&b);
	if (b.short_read)
		return "a sequence parameter set cut short";
	/* the fields after another type are laid out otherwise: not read */
	if (poc_type != 2)
		return "picture order counts of their own (B frames)";
	refs = get_ue(&b);
	get_bit(&b);  /* gaps_in_frame_num_allowed_flag */
	width = get_ue(&b) + 1;
	height = get_ue(&b) + 1;
	frame_mbs_only = get_bit(&b);
	if (b.short_read || seq->log2_max_frame_num > 16)
		return "a sequence parameter set cut short";
	if (separate_planes)
		return "colour planes coded apart";
	if (!frame_mbs_only)
		return "interlaced coding";
	if (refs != 1)
		return "a reference frame count other than one";
	seq->mbs = width * height;
	return NULL;
}

long h264_pps_id(const unsigned char *nal, size_t len)
{
	unsigned char raw[HEAD_MAX];
	struct bits b = { raw, 0, 0, 0 };
	unsigned id;

	b.len = unescape(raw, sizeof raw, nal, len);
	if (h264_type(nal) != H264_PPS) {
		get_ue(&b);  /* first_mb_in_slice, slice_type */
		get_ue(&b);
	}
	id = get_ue(&b);
	return b.short_read ? -1 : (long)id;
}

int h264_starts_picture(const unsigned char *nal, size_t len)
{
	unsigned char raw[8];
	struct bits b = { raw, 0, 0, 0 };
	unsigned first_mb;

	b.len = unescape(raw, sizeof raw, nal, len);
	first_mb = get_ue(&b);
	return b.short_read ? -1 : first_mb == 0;
}

/* Past a slice's first_mb_in_slice, slice_type and pic_parameter_set_id,
 * to its frame_num. */
static void skip_to_frame_num(struct bits *b)
{
	get_ue(b);
	get_ue(b);
	get_ue(b);
}

long h264_frame_num(const unsigned char *nal, size_t len, const struct h264_seq *seq)
{
	unsigned char raw[HEAD_MAX];
	struct bits b = { raw, 0, 0, 0 };
	unsigned frame_num;

	b.len = unescape(raw, sizeof raw, nal, len);
	skip_to_frame_num(&b);
	frame_num = get_bits(&b, seq->log2_max_frame_num);
	return b.short_read ? -1 : (long)frame_num;
}

/* A unit from its header byte and raw bits. */
static size_t finish_unit(unsigned char out[H264_REPEAT_MAX], unsigned char header,
			  const unsigned char *raw, size_t n)
{
	int zeros = 0;

	out[0] = header;
	return 1 + escape(out + 1, raw, n, &zeros);
}

size_t h264_repeat_pps(unsigned char out[H264_REPEAT_MAX], const struct h264_seq *seq)
{
	unsigned char raw[H264_REPEAT_MAX / 2] = { 0 };
	struct bits b = { raw, sizeof raw, 0, 0 };

	put_ue(&b, seq->repeat_pps);
	put_ue(&b, seq->sps_id);
	put_bits(&b, 0, 1);  /* entropy_coding_mode_flag: CAVLC */
	put_bits(&b, 0, 1);  /* bottom_field_pic_order_in_frame_present_flag */
	put_ue(&b, 0);       /* num_slice_groups_minus1 */
	put_ue(&b, 0);       /* num_ref_idx_l0_default_active_minus1: the frame before */
	put_ue(&b, 0);       /* num_ref_idx_l1_default_active_minus1 */
	put_bits(&b, 0, 1);  /* weighted_pred_flag: a plain copy */
	put_bits(&b, 0, 2);  /* weighted_bipred_idc */
	put_ue(&b, 0);       /* pic_init_qp_minus26: se(v) 0 is ue(v) 0 */
	put_ue(&b, 0);       /* pic_init_qs_minus26 */
	put_ue(&b, 0);       /* chroma_qp_index_offset */
	put_bits(&b, 1, 1);  /* deblocking_filter_control_present_flag */
	put_bits(&b, 0, 1);  /* constrained_intra_pred_flag */
	put_bits(&b, 0, 1);  /* redundant_pic_cnt_present_flag */
	return finish_unit(out, 0x60 | H264_PPS, raw, put_trailing(&b));
}

size_t h264_repeat_slice(unsigned char out[H264_REPEAT_MAX], const struct h264_seq *seq,
			 unsigned frame_num)
{
	unsigned char raw[H264_REPEAT_MAX / 2] = { 0 };
	struct bits b = { raw, sizeof raw, 0, 0 };

	put_ue(&b, 0);       /* first_mb_in_slice */
	put_ue(&b, 5);       /* slice_type: P, as every slice of the picture */
	put_ue(&b, seq->repeat_pps);
	put_bits(&b, frame_num, seq->log2_max_frame_num);
	put_bits(&b, 0, 1);  /* num_ref_idx_active_override_flag */
	put_bits(&b, 0, 1);  /* ref_pic_list_modification_flag_l0 */
	put_bits(&b, 0, 1);  /* adaptive_ref_pic_marking_mode_flag: sliding window */
	put_ue(&b, 0);       /* slice_qp_delta, se(v) */
	put_ue(&b, 1);       /* disable_deblocking_filter_idc: off, nothing to smooth */
	put_ue(&b, seq->mbs);  /* mb_skip_run: every macroblock a copy */
	/* nal_ref_idc 2: the repeat is the reference for the frame after */
	return finish_unit(out, 0x40 | H264_SLICE, raw, put_trailing(&b));
}

size_t h264_renumber(unsigned char *out, const unsigned char *nal, size_t len,
		     const struct h264_seq *seq, unsigned frame_num)
{
	unsigned char *raw = emalloc(len);
	struct bits b = { raw, 0, 0, 0 };
	size_t n = 0;
	int zeros = 0;

	b.len = unescape(raw, len, nal, len);
	skip_to_frame_num(&b);
	if (!b.short_read && b.pos + seq->log2_max_frame_num <= 8 * b.len) {
		put_bits(&b, frame_num, seq->log2_max_frame_num);
		out[0] = nal[0];
		n = 1 + escape(out + 1, raw, b.len, &zeros);
		/* a unit never ends in a zero byte: one ending in cabac_zero_words
		 * gets a last 0x03 */
		if (zeros)
			out[n++] = 3;
	}
	free(raw);
	return n;
}
