/* test_encoder.c - the ffmpeg end of a capture (tools/lib/encoder.c), on
 * every path a clip takes: x264 with repeat frames or another encoder
 * with ffmpeg's own, at the picture's size or scaled. Each must start
 * (run under ASan too, its argument vector included), take PNG pictures
 * and repeats, and leave the clip under its name only once committed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "encoder.h"
#include "util.h"

/* 16x16 red, RGB: ffmpeg -f lavfi -i color=red:s=16x16 -frames:v 1
 * -pix_fmt rgb24 red.png */
static const unsigned char red_png[] = {
	0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d,
	0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x10,
	0x08, 0x02, 0x00, 0x00, 0x00, 0x90, 0x91, 0x68, 0x36, 0x00, 0x00, 0x00,
	0x09, 0x70, 0x48, 0x59, 0x73, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x4f, 0x25, 0xc4, 0xd6, 0x00, 0x00, 0x00, 0x16, 0x49, 0x44,
	0x41, 0x54, 0x78, 0xda, 0x63, 0xf8, 0xcb, 0xc0, 0x40, 0x12, 0x62, 0x18,
	0xd5, 0x30, 0xaa, 0x61, 0xf8, 0x6a, 0x00, 0x00, 0x7e, 0xcc, 0xfd, 0x01,
	0xdf, 0x70, 0x4c, 0xa3, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44,
	0xae, 0x42, 0x60, 0x82
};

static void clip(const char *dir, const char *codec, int scale)
{
	char *path = estrfmt("%s/%s-%d.mp4", dir, codec ? codec : "default", scale);
	struct video_settings v;
	struct encoder e;
	struct stat st;
	int i;

	memset(&e, 0, sizeof e);
	video_settings_resolve(&v, codec, -1, NULL);
	encoder_start(&e, path, 30, &v, scale, scale ? 32 : 16, scale ? 32 : 16);
	for (i = 0; i < 45; i++)
		encoder_write(&e, red_png, sizeof red_png, i > 0);
	encoder_finish(&e);
	CHECK(stat(path, &st) < 0);
	encoder_commit(&e);
	CHECK(stat(path, &st) == 0 && st.st_size > 0);
	unlink(path);
	free(path);
}

int main(void)
{
	char dir[] = "/tmp/test-encoder.XXXXXX";

	if (!mkdtemp(dir))
		return 1;
	clip(dir, NULL, 0);
	clip(dir, NULL, 1);
	clip(dir, "mpeg4", 0);
	clip(dir, "mpeg4", 1);
	rmdir(dir);
	return check_done();
}
