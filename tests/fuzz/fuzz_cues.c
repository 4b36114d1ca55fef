/* fuzz_cues - any narration text cut into subtitle cues: every cue within
 * its limits and in order, and both files written. The first two bytes set
 * the narration's length, the rest is the text. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cues.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cue_list l = { 0 };
	double seconds;
	char *text, *srt, *vtt;
	size_t i;

	if (size < 2)
		return 0;
	seconds = 0.01 + (data[0] << 8 | data[1]) / 100.0;
	text = malloc(size - 1);
	memcpy(text, data + 2, size - 2);
	text[size - 2] = '\0';
	cues_split(&l, text, 1.0, seconds);
	for (i = 0; i < l.count; i++) {
		const struct cue *c = &l.items[i];

		if (!(c->end >= c->start) || c->start < 1.0 - 1e-9 || c->end > 1.0 + seconds + 1e-6)
			__builtin_trap();
		if (i > 0 && c->start < l.items[i - 1].end - 1e-6)
			__builtin_trap();
		if (!c->text[0])
			__builtin_trap();
	}
	srt = cues_srt(&l);
	vtt = cues_vtt(&l);
	if (!srt || !vtt || strncmp(vtt, "WEBVTT", 6) != 0)
		__builtin_trap();
	free(srt);
	free(vtt);
	cues_free(&l);
	free(text);
	return 0;
}
