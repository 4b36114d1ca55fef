/* ttslocal - synthesise one step's narration with espeak-ng into a WAV.
 *
 * usage: ttslocal [-v] [-c cachedir] -o out.wav tts.json
 *
 * tts.json is a step's narration fragment: {"id", "text", "voice", "speed",
 * "language"}. A Kokoro voice name maps to the nearest espeak-ng voice (its
 * language letter wins over "language"); an espeak-ng voice name is used as
 * it is; any other name falls back to the language's voice. With
 * -c, results live in a content-addressed cache and a request seen before is
 * copied from it, not synthesised. -v prints one line to stderr saying which
 * happened: "ID: cache hit KEY" or "ID: synthesised SECONDS s, voice V, key KEY".
 * Beside out.wav, out.wav.json records which happened (tools/lib/ttsrecord.h).
 */
#include <espeak-ng/speak_lib.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "file.h"
#include "json.h"
#include "ttscache.h"
#include "ttsrecord.h"
#include "util.h"
#include "voices.h"
#include "wav.h"

struct fragment {
	const char *id;
	const char *text;
	const char *voice;    /* NULL: the language's default voice */
	const char *language;
	double speed;
};

/* Samples collected by the synth callback. */
static int16_t *samples;
static size_t sample_count, sample_cap;

static void usage(int code)
{
	fprintf(code ? stderr : stdout,
		"usage: %s [-v] [-c cachedir] -o out.wav tts.json\n", argv0);
	exit(code);
}

static const char *optional_string(const char *path, const cJSON *obj, const char *key,
				   const char *fallback)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (!v)
		return fallback;
	if (!cJSON_IsString(v) || !*v->valuestring)
		die(EXIT_USAGE, "%s: %s: must be a non-empty string", path, key);
	return v->valuestring;
}

static void load_fragment(const char *path, cJSON **root, struct fragment *f)
{
	char err[256];
	int sys_error;
	const cJSON *text, *speed;

	*root = json_load(path, err, sizeof err, &sys_error);
	if (!*root)
		die(sys_error ? EXIT_SYS : EXIT_USAGE, "%s: %s", path, err);
	if (!cJSON_IsObject(*root))
		die(EXIT_USAGE, "%s: not a JSON object", path);
	f->id = optional_string(path, *root, "id", "narration");
	text = cJSON_GetObjectItemCaseSensitive(*root, "text");
	if (!cJSON_IsString(text))
		die(EXIT_USAGE, "%s: text: missing or not a string", path);
	f->text = text->valuestring;
	f->voice = optional_string(path, *root, "voice", NULL);
	f->language = optional_string(path, *root, "language", "en-us");
	speed = cJSON_GetObjectItemCaseSensitive(*root, "speed");
	f->speed = speed ? speed->valuedouble : 1.0;
	if (speed && (!cJSON_IsNumber(speed) || !(f->speed >= 0.25 && f->speed <= 4)))
		die(EXIT_USAGE, "%s: speed: must be a number from 0.25 to 4", path);
}

/* Whether espeak-ng lists a voice called name (by its name or file), with an
 * optional "+variant". Asking espeak_SetVoiceByName alone is not enough: it
 * also accepts bare variant names such as "Michael", which then crash the
 * synthesiser for want of a language. */
static int espeak_knows(const char *name)
{
	const espeak_VOICE **v;
	size_t len = strcspn(name, "+");

	for (v = espeak_ListVoices(NULL); *v; v++) {
		const char *file = strrchr((*v)->identifier, '/');

		file = file ? file + 1 : (*v)->identifier;
		if ((strlen((*v)->name) == len && strncasecmp((*v)->name, name, len) == 0) ||
		    (strlen(file) == len && strncasecmp(file, name, len) == 0))
			return 1;
	}
	return 0;
}

/* Select the espeak-ng voice for f: the Kokoro mapping, else a voice
 * espeak-ng knows by that name, else the language's default voice. Returns
 * the selected voice's identifier ("gmw/en-US+m3"), which names it exactly. */
static const char *select_voice(const char *path, const struct fragment *f)
{
	char *name = f->voice ? voice_from_kokoro(f->voice) : NULL;
	espeak_VOICE by_language = { .languages = f->language };

	if (!name && f->voice && espeak_knows(f->voice))
		name = estrdup(f->voice);
	if (name && espeak_SetVoiceByName(name) != EE_OK)
		die(EXIT_SYS, "espeak-ng cannot load its voice \"%s\"", name);
	if (!name) {
		if (espeak_SetVoiceByProperties(&by_language) != EE_OK)
			die(EXIT_USAGE, "%s: language: espeak-ng has no voice for \"%s\"",
			    path, f->language);
		if (f->voice)
			warn("%s: voice: no espeak-ng voice like \"%s\", using the %s default",
			     path, f->voice, f->language);
	}
	free(name);
	return espeak_GetCurrentVoice()->identifier;
}

static int collect(short *wav, int count, espeak_EVENT *events)
{
	if (!wav || count <= 0)
		return 0;
	if (sample_count + (size_t)count > sample_cap) {
		sample_cap = (sample_count + (size_t)count) * 2;
		samples = erealloc(samples, sample_cap * sizeof *samples);
	}
	memcpy(samples + sample_count, wav, (size_t)count * sizeof *samples);
	sample_count += (size_t)count;
	return 0;
}

static void synthesise(const struct fragment *f)
{
	long rate = lround(espeakRATE_NORMAL * f->speed);

	if (rate < espeakRATE_MINIMUM)
		rate = espeakRATE_MINIMUM;
	if (rate > espeakRATE_MAXIMUM)
		rate = espeakRATE_MAXIMUM;
	espeak_SetSynthCallback(collect);
	espeak_SetParameter(espeakRATE, (int)rate, 0);
	/* Plain UTF-8 text: no SSML, no [[phoneme]] input. ENDPAUSE closes the
	 * last sentence with its pause, so the audio ends in silence, not
	 * mid-waveform. */
	if (espeak_Synth(f->text, strlen(f->text) + 1, 0, POS_CHARACTER, 0,
			 espeakCHARS_UTF8 | espeakENDPAUSE, NULL, NULL) != EE_OK ||
	    espeak_Synchronize() != EE_OK)
		die(EXIT_SYS, "%s: espeak-ng failed to synthesise the text", f->id);
}

static void record(const char *out, const char *cache, const char *key)
{
	if (ttsrecord_write(out, cache, key) < 0)
		warn("%s: cannot record how it was made:", out);
}

/* Copy a valid cache entry to out. Returns 1 on a hit, 0 on a miss. */
static int from_cache(const char *entry, const char *out)
{
	size_t len;
	unsigned char *data = (unsigned char *)read_file(entry, &len);
	struct wav w;
	const char *why;

	if (!data)
		return 0;
	if (wav_parse(data, len, &w, &why) < 0) {
		warn("%s: damaged cache entry (%s), synthesising again", entry, why);
		free(data);
		return 0;
	}
	if (mkdirs_for(out) < 0 || write_file_atomic(out, data, len) < 0)
		die(EXIT_SYS, "%s:", out);
	free(data);
	return 1;
}

int main(int argc, char *argv[])
{
	const char *cachedir = NULL, *out = NULL;
	char key[SHA256_HEX_SIZE], *entry = NULL, *engine;
	const char *voice;
	struct fragment f;
	struct tts_request req;
	unsigned char *wav;
	size_t wav_len;
	cJSON *root;
	int c, verbose = 0, rate;

	argv0 = "ttslocal";
	while ((c = getopt(argc, argv, "c:ho:v")) != -1) {
		switch (c) {
		case 'c': cachedir = optarg; break;
		case 'o': out = optarg; break;
		case 'v': verbose = 1; break;
		case 'h': usage(EXIT_OK); break;
		default: usage(EXIT_USAGE);
		}
	}
	if (!out || optind != argc - 1)
		usage(EXIT_USAGE);
	if (!*out || (cachedir && !*cachedir))
		die(EXIT_USAGE, "%s: empty path: name a file or folder", !*out ? "-o" : "-c");
	load_fragment(argv[optind], &root, &f);

	rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, NULL, espeakINITIALIZE_DONT_EXIT);
	if (rate <= 0)
		die(EXIT_SYS, "cannot initialise espeak-ng (is espeak-ng-data installed?)");
	voice = select_voice(argv[optind], &f);
	engine = estrfmt("espeak-ng %s", espeak_Info(NULL));
	req = (struct tts_request){ .engine = engine, .voice = voice, .speed = f.speed,
				    .language = f.language, .text = f.text };
	if (ttscache_key(&req, key) < 0)
		die(EXIT_SYS, "cannot hash the request: libcrypto failed");

	if (cachedir) {
		entry = ttscache_path(cachedir, key);
		if (from_cache(entry, out)) {
			record(out, "hit", key);
			if (verbose)
				warn("%s: cache hit %s", f.id, key);
			return EXIT_OK;
		}
	}
	synthesise(&f);
	wav = wav_build16(samples, sample_count, (unsigned)rate, 1, &wav_len);
	if (entry && (mkdirs(cachedir) < 0 || write_file_atomic(entry, wav, wav_len) < 0))
		warn("%s: cannot store in the cache:", entry);
	if (mkdirs_for(out) < 0 || write_file_atomic(out, wav, wav_len) < 0)
		die(EXIT_SYS, "%s:", out);
	record(out, entry ? "made" : "off", key);
	if (verbose)
		warn("%s: synthesised %.2f s, voice %s, key %s", f.id,
		     (double)sample_count / rate, voice, key);
	espeak_Terminate();
	free(wav);
	free(samples);
	free(entry);
	free(engine);
	cJSON_Delete(root);
	return EXIT_OK;
}
