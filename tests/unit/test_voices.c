/* test_voices - Kokoro voice names to espeak-ng voices */
#include <espeak-ng/speak_lib.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "voices.h"

static int maps_to(const char *kokoro, const char *want)
{
	char *got = voice_from_kokoro(kokoro);
	int ok = want ? got && strcmp(got, want) == 0 : got == NULL;

	if (!ok)
		printf("# %s: got %s, want %s\n", kokoro, got ? got : "NULL", want ? want : "NULL");
	free(got);
	return ok;
}

/* Every language letter must name a voice the installed espeak-ng loads. */
static int loads(const char *kokoro)
{
	char *name = voice_from_kokoro(kokoro);
	int ok = name && espeak_SetVoiceByName(name) == EE_OK;

	free(name);
	return ok;
}

int main(void)
{
	const char *every_language[] = { "af_heart", "bm_george", "ef_dora", "ff_siwis",
					 "hf_alpha", "if_sara", "jm_kumo", "pm_alex", "zf_xiaobei" };
	size_t i;

	CHECK(maps_to("am_michael", "en-us+m3"));
	CHECK(maps_to("af_heart", "en-us+f3"));
	CHECK(maps_to("bf_emma", "en+f3"));
	CHECK(maps_to("bm_george", "en+m3"));
	CHECK(maps_to("ff_siwis", "fr+f3"));
	CHECK(maps_to("pm_alex", "pt-br+m3"));
	CHECK(maps_to("zf_xiaobei", "cmn+f3"));
	CHECK(maps_to("af_v0bella", "en-us+f3"));
	/* not Kokoro names */
	CHECK(maps_to("Michael", NULL));
	CHECK(maps_to("en-us", NULL));
	CHECK(maps_to("af_", NULL));
	CHECK(maps_to("ax_heart", NULL));
	CHECK(maps_to("xf_heart", NULL));
	CHECK(maps_to("af_Heart", NULL));
	CHECK(maps_to("af_he/../art", NULL));

	CHECK(espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, NULL, espeakINITIALIZE_DONT_EXIT) > 0);
	for (i = 0; i < sizeof every_language / sizeof every_language[0]; i++)
		CHECK(loads(every_language[i]));
	espeak_Terminate();
	return check_done();
}
