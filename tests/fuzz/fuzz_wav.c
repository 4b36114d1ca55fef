/* fuzz_wav - the WAV parser on arbitrary bytes, as Drive or the worker may
 * deliver them: whatever it accepts must describe bytes inside the file. */
#include <stddef.h>
#include <stdint.h>

#include "wav.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wav w;
	const char *why = NULL;

	if (wav_parse(data, size, &w, &why) == 0) {
		/* the samples it promises are there to read */
		if (w.data_offset > size || w.data_bytes > size - w.data_offset ||
		    w.channels == 0 || w.bits == 0 || w.rate == 0)
			__builtin_trap();
		if (w.frames * w.channels * (w.bits / 8) > w.data_bytes)
			__builtin_trap();
		if (w.data_bytes > 0)
			(void)*(volatile const uint8_t *)(data + w.data_offset + w.data_bytes - 1);
	} else if (!why) {
		__builtin_trap();
	}
	return 0;
}
