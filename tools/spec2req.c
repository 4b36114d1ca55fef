/* spec2req - validate a tour spec and split it into per-step fragments
 *
 * usage: spec2req [-b backend] [-o outdir] spec.json
 *
 * Without -o it only validates. With -o it writes, each only when its
 * content changed (so make sees untouched steps as up to date):
 *   outdir/step/ID/tts.json   what the narration audio depends on
 *   outdir/step/ID/cap.json   what the silent clip depends on
 *   outdir/mux.json           what the final assembly depends on
 *   outdir/pre_setup.json     the commands run before capture
 *   outdir/steps.mk           the step list, included by the Makefile
 * Nothing is written unless the whole spec is valid.
 *
 * For -b colab-f5, settings.f5_ref_audio and f5_ref_text are required;
 * the reference voice is read (its content is part of each fragment) and
 * a warning says when it is not 6-12 s long. With -r reqdir and -c
 * cachedir (Colab backends), it then writes the job for the steps whose
 * outdir/wav/ID.wav is missing or older than its fragment and not in the
 * cache: reqdir/hits and reqdir/misses ("ID KEY" lines) and reqdir/job/
 * (request.json in the seed's format, and the reference voice); see
 * colabreq.h.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "colabreq.h"
#include "encoder.h"
#include "file.h"
#include "json.h"
#include "spec.h"
#include "url.h"
#include "userpath.h"
#include "util.h"

static const char *spec_path;
/* -b colab-f5: the reference voice, read once */
static struct f5_voice *f5_voice;

static void usage(FILE *f, int code)
{
	fprintf(f, "usage: %s [-b local|colab|colab-f5] [-o outdir] [-r reqdir -c cachedir] spec.json\n"
		"  validate a tour spec; with -o, write its per-step fragments and steps.mk\n"
		"  with -r, also the Colab job for the steps whose audio is missing\n"
		"exit: 0 ok, 2 invalid spec or usage (nothing written), 4 I/O error\n", argv0);
	exit(code);
}

static void warn_unknown(const char *path)
{
	warn("%s: %s: unknown key, ignored", spec_path, path);
}

/* The TTS engine a backend uses: part of each narration fragment, so that
 * switching backends remakes the audio instead of keeping the other voice. */
static const char *backend_engine(const char *backend)
{
	if (strcmp(backend, "local") == 0)
		return "espeak-ng";
	if (strcmp(backend, "colab") == 0)
		return "kokoro";
	if (strcmp(backend, "colab-f5") == 0)
		return "f5-tts";
	return NULL;
}

static cJSON *size_or_default(const cJSON *settings, const char *key, const cJSON *fallback)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(settings, key);
	cJSON *size;

	if (v)
		return cJSON_Duplicate(v, 1);
	if (fallback)
		return cJSON_Duplicate(fallback, 1);
	size = cJSON_CreateObject();
	cJSON_AddNumberToObject(size, "width", SPEC_DEFAULT_WIDTH);
	cJSON_AddNumberToObject(size, "height", SPEC_DEFAULT_HEIGHT);
	return size;
}

static void add_copy(cJSON *to, const cJSON *from, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(from, key);

	if (v)
		cJSON_AddItemToObject(to, key, cJSON_Duplicate(v, 1));
}

static cJSON *tts_fragment(const cJSON *step, const cJSON *settings, const char *engine)
{
	cJSON *f = cJSON_CreateObject();

	cJSON_AddStringToObject(f, "id", json_str(step, "id", ""));
	cJSON_AddStringToObject(f, "engine", engine);
	cJSON_AddStringToObject(f, "voice", json_str(settings, "voice", SPEC_DEFAULT_VOICE));
	cJSON_AddNumberToObject(f, "speed", json_num(settings, "speech_speed", 1.0));
	cJSON_AddStringToObject(f, "language", json_str(settings, "language", SPEC_DEFAULT_LANGUAGE));
	cJSON_AddStringToObject(f, "text", json_str(step, "narration", ""));
	return f;
}

/* The output's encoder settings: the clips are encoded with them when
 * captured, so changing them recaptures step by step and the final video
 * joins the clips by stream copy. */
static cJSON *video_fragment(const cJSON *spec)
{
	const cJSON *output = cJSON_GetObjectItemCaseSensitive(spec, "output");
	struct video_settings v;
	cJSON *f = cJSON_CreateObject();

	video_settings_resolve(&v, json_str(output, "video_codec", NULL),
			       (int)json_num(output, "video_crf", -1),
			       json_str(output, "video_preset", NULL));
	cJSON_AddStringToObject(f, "codec", v.codec);
	cJSON_AddNumberToObject(f, "crf", v.crf);
	cJSON_AddStringToObject(f, "preset", v.preset);
	return f;
}

static cJSON *cap_fragment(const cJSON *spec, const cJSON *step, const cJSON *settings,
			   const char *spec_dir)
{
	cJSON *f = cJSON_CreateObject(), *viewport;
	char *url = url_resolve(json_str(step, "url", ""), spec_dir);

	cJSON_AddStringToObject(f, "id", json_str(step, "id", ""));
	cJSON_AddStringToObject(f, "url", url);
	free(url);
	cJSON_AddNumberToObject(f, "fps", json_num(settings, "fps", SPEC_DEFAULT_FPS));
	viewport = size_or_default(settings, "viewport", NULL);
	cJSON_AddItemToObject(f, "video_size",
			      size_or_default(settings, "video_size", viewport));
	cJSON_AddItemToObject(f, "viewport", viewport);
	cJSON_AddNumberToObject(f, "lead_in", json_num(settings, "lead_in", SPEC_DEFAULT_LEAD_IN));
	cJSON_AddNumberToObject(f, "tail", json_num(settings, "tail", SPEC_DEFAULT_TAIL));
	cJSON_AddNumberToObject(f, "timeout",
				json_num(settings, "default_step_timeout", SPEC_DEFAULT_TIMEOUT));
	cJSON_AddNumberToObject(f, "max_retries", json_num(settings, "max_retries_per_step", 0));
	cJSON_AddStringToObject(f, "mode", json_str(settings, "mode", "independent"));
	add_copy(f, settings, "preloader_selector");
	cJSON_AddBoolToObject(f, "cursor", json_bool(settings, "cursor", 1));
	cJSON_AddNumberToObject(f, "max_wait",
				json_num(settings, "max_wait_seconds", SPEC_DEFAULT_MAX_WAIT));
	cJSON_AddItemToObject(f, "video", video_fragment(spec));
	add_copy(f, step, "actions");
	add_copy(f, step, "scroll");
	add_copy(f, step, "assertions");
	if (!cJSON_GetObjectItemCaseSensitive(f, "actions"))
		cJSON_AddItemToObject(f, "actions", cJSON_CreateArray());
	return f;
}

/* The spec's pre_setup commands, run before capture by presetup; an
 * empty list when there are none, so the rule always has its input. */
static cJSON *pre_setup_fragment(const cJSON *spec)
{
	const cJSON *commands = cJSON_GetObjectItemCaseSensitive(spec, "pre_setup");
	cJSON *f = cJSON_CreateObject();

	cJSON_AddItemToObject(f, "commands", cJSON_IsArray(commands) ?
			      cJSON_Duplicate(commands, 1) : cJSON_CreateArray());
	return f;
}

static cJSON *mux_fragment(const cJSON *spec, const char *spec_dir)
{
	const cJSON *meta = cJSON_GetObjectItemCaseSensitive(spec, "meta");
	const cJSON *step;
	cJSON *f = cJSON_CreateObject(), *steps = cJSON_CreateArray();

	cJSON_AddStringToObject(f, "spec_dir", spec_dir);
	add_copy(f, spec, "meta");
	if (!meta)
		cJSON_AddItemToObject(f, "meta", cJSON_CreateObject());
	add_copy(f, spec, "output");
	if (!cJSON_GetObjectItemCaseSensitive(f, "output"))
		cJSON_AddItemToObject(f, "output", cJSON_CreateObject());
	cJSON_ArrayForEach(step, cJSON_GetObjectItemCaseSensitive(spec, "steps")) {
		cJSON *s = cJSON_CreateObject();
		cJSON_AddStringToObject(s, "id", json_str(step, "id", ""));
		cJSON_AddStringToObject(s, "title", json_str(step, "title", json_str(step, "id", "")));
		cJSON_AddStringToObject(s, "narration", json_str(step, "narration", ""));
		cJSON_AddItemToArray(steps, s);
	}
	cJSON_AddItemToObject(f, "steps", steps);
	return f;
}

static void write_fragment(const char *path, const cJSON *v)
{
	if (mkdirs_for(path) < 0)
		die(EXIT_SYS, "mkdir for %s:", path);
	if (json_write_if_changed(path, v) < 0)
		die(EXIT_SYS, "write %s:", path);
}

/* Whether make can hold path as a prerequisite: no spaces, no characters
 * make reads as syntax. */
static int make_safe(const char *path)
{
	return strspn(path, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			    "0123456789._/+,@-") == strlen(path);
}

/* "MUX_MEDIA := ..." for steps.mk: the intro and outro clips, so that make
 * remakes the video when one of them is replaced. A path make cannot hold
 * is left out, with a warning. */
static char *mux_media_mk(const cJSON *spec, const char *spec_dir)
{
	static const char *const keys[] = { "intro_clip", "outro_clip" };
	const cJSON *output = cJSON_GetObjectItemCaseSensitive(spec, "output");
	char *text = estrdup("MUX_MEDIA :="), *path, *next;
	size_t i;

	for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		const char *given = json_str(output, keys[i], NULL);

		if (!given || !(path = userpath_resolve(given, spec_dir)))
			continue;
		if (make_safe(path)) {
			next = estrfmt("%s %s", text, path);
			free(text);
			text = next;
		} else {
			warn("%s: output.%s: make cannot track \"%s\" (spaces or special "
			     "characters): rebuild by hand when it changes", spec_path, keys[i], path);
		}
		free(path);
	}
	next = estrfmt("%s\n", text);
	free(text);
	return next;
}

/* The local page a step opens, when its URL names one: a relative or
 * absolute path (the spec's own pages), or a file:// URL that needs no
 * decoding. NULL otherwise (malloc'd). */
static char *step_page(const char *url, const char *spec_dir)
{
	size_t len = strcspn(url, "?#");

	if (strncmp(url, "file://", 7) == 0 && !memchr(url, '%', len))
		return estrfmt("%.*s", (int)(len - 7), url + 7);
	if (url_has_scheme(url) || len == 0)
		return NULL;
	if (url[0] == '/')
		return estrfmt("%.*s", (int)len, url);
	return estrfmt("%s/%.*s", spec_dir, (int)len, url);
}

/* One line per step opening a local page, making the page a prerequisite
 * of the step's clip: a saved page is recaptured by a plain `make`. Assets
 * the page loads are not followed (`make watch` covers those). */
static char *page_prereqs_mk(const cJSON *spec, const char *spec_dir)
{
	const cJSON *step;
	char *text = estrdup(""), *page, *next;

	cJSON_ArrayForEach(step, cJSON_GetObjectItemCaseSensitive(spec, "steps")) {
		page = step_page(json_str(step, "url", ""), spec_dir);
		if (page && make_safe(page)) {
			next = estrfmt("%s$(OUT)/clip/%s.mp4: $(wildcard %s)\n", text,
				       json_str(step, "id", ""), page);
			free(text);
			text = next;
		}
		free(page);
	}
	return text;
}

static void write_steps_mk(const char *outdir, const cJSON *spec, const char *spec_dir)
{
	char *media = mux_media_mk(spec, spec_dir), *pages = page_prereqs_mk(spec, spec_dir);
	const cJSON *step;
	char *path = estrfmt("%s/steps.mk", outdir);
	/* continuous steps share one page, so capture makes them together */
	char *text = estrfmt("# generated by spec2req from %s; rewritten only when it changes\n"
			     "CAPTURE_MODE := %s\nSTEPS :=", spec_path,
			     json_str(cJSON_GetObjectItemCaseSensitive(spec, "settings"), "mode",
				      "independent"));
	size_t len = strlen(text);

	cJSON_ArrayForEach(step, cJSON_GetObjectItemCaseSensitive(spec, "steps")) {
		const char *id = json_str(step, "id", "");
		text = erealloc(text, len + strlen(id) + 3);
		len += (size_t)sprintf(text + len, " %s", id);
	}
	text = erealloc(text, len + 2 + strlen(media) + strlen(pages));
	text[len++] = '\n';
	len += (size_t)sprintf(text + len, "%s%s", media, pages);
	free(media);
	free(pages);
	if (mkdirs_for(path) < 0 || write_if_changed(path, text, len) < 0)
		die(EXIT_SYS, "write %s:", path);
	free(text);
	free(path);
}

static void write_outputs(const char *outdir, const cJSON *spec, const char *engine,
			  const char *spec_dir)
{
	const cJSON *settings = cJSON_GetObjectItemCaseSensitive(spec, "settings");
	const cJSON *step;
	cJSON *f;
	char *path;

	cJSON_ArrayForEach(step, cJSON_GetObjectItemCaseSensitive(spec, "steps")) {
		const char *id = json_str(step, "id", "");

		f = tts_fragment(step, settings, engine);
		if (f5_voice)
			f5_add_fields(f, settings, f5_voice);
		path = estrfmt("%s/step/%s/tts.json", outdir, id);
		write_fragment(path, f);
		free(path);
		cJSON_Delete(f);

		f = cap_fragment(spec, step, settings, spec_dir);
		path = estrfmt("%s/step/%s/cap.json", outdir, id);
		write_fragment(path, f);
		free(path);
		cJSON_Delete(f);
	}
	f = pre_setup_fragment(spec);
	path = estrfmt("%s/pre_setup.json", outdir);
	write_fragment(path, f);
	free(path);
	cJSON_Delete(f);
	f = mux_fragment(spec, spec_dir);
	path = estrfmt("%s/mux.json", outdir);
	write_fragment(path, f);
	free(path);
	cJSON_Delete(f);
	write_steps_mk(outdir, spec, spec_dir);
}

/* The spec's folder as an absolute path: relative URLs resolve against it. */
static char *spec_folder(const char *path)
{
	char *copy = estrdup(path), *slash = strrchr(copy, '/');
	char resolved[PATH_MAX];

	if (slash == copy)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
	if (!realpath(slash ? copy : ".", resolved))
		die(EXIT_SYS, "%s: cannot resolve its folder:", path);
	free(copy);
	return estrdup(resolved);
}

/* BACKEND=colab-f5 clones a voice: check its settings and read it. */
static void load_f5_voice(const cJSON *spec, struct f5_voice *voice, int warn_length)
{
	const cJSON *settings = cJSON_GetObjectItemCaseSensitive(spec, "settings");
	char err[1024], *dir = spec_folder(spec_path);

	if (f5_voice_load(settings, dir, voice, err, sizeof err) < 0)
		die(EXIT_USAGE, "%s: %s", spec_path, err);
	free(dir);
	/* Said once per build: when splitting, not again when requesting. */
	if (warn_length &&
	    (voice->seconds < F5_REF_MIN_SECONDS || voice->seconds > F5_REF_MAX_SECONDS))
		warn("%s: settings.f5_ref_audio: %s is %.1f s long: F5-TTS clones best from "
		     "%.0f-%.0f s of clear speech", spec_path, voice->path, voice->seconds,
		     F5_REF_MIN_SECONDS, F5_REF_MAX_SECONDS);
	f5_voice = voice;
}

int main(int argc, char *argv[])
{
	const char *outdir = NULL, *backend = "local", *engine;
	const char *reqdir = NULL, *cachedir = NULL;
	struct f5_voice voice;
	char err[1024];
	int opt, sys_error;
	cJSON *spec;
	char *spec_dir;

	argv0 = "spec2req";
	while ((opt = getopt(argc, argv, "b:c:o:r:h")) != -1) {
		switch (opt) {
		case 'c':
			cachedir = optarg;
			break;
		case 'r':
			reqdir = optarg;
			break;
		case 'b':
			backend = optarg;
			break;
		case 'o':
			outdir = optarg;
			break;
		case 'h':
			usage(stdout, EXIT_OK);
			break;
		default:
			usage(stderr, EXIT_USAGE);
		}
	}
	if (optind != argc - 1)
		usage(stderr, EXIT_USAGE);
	engine = backend_engine(backend);
	if (!engine)
		die(EXIT_USAGE, "unknown backend \"%s\": use local, colab or colab-f5", backend);
	if (reqdir && (!outdir || !cachedir || strcmp(backend, "local") == 0))
		die(EXIT_USAGE, "-r needs -o, -c and a Colab backend (-b colab or -b colab-f5)");
	spec_path = argv[optind];

	spec = json_load(spec_path, err, sizeof err, &sys_error);
	if (!spec) {
		if (sys_error && errno == ENOENT)
			die(EXIT_USAGE, "%s: spec not found: check the SPEC= path", spec_path);
		die(sys_error ? EXIT_SYS : EXIT_USAGE, "%s: %s", spec_path, err);
	}
	if (spec_validate(spec, err, sizeof err, warn_unknown) < 0)
		die(EXIT_USAGE, "%s: %s", spec_path, err);
	if (strcmp(backend, "colab-f5") == 0)
		load_f5_voice(spec, &voice, !reqdir);
	if (outdir) {
		spec_dir = spec_folder(spec_path);
		write_outputs(outdir, spec, engine, spec_dir);
		free(spec_dir);
	}
	if (reqdir && colab_request_write(spec, outdir, reqdir, cachedir, err, sizeof err) < 0)
		die(EXIT_SYS, "%s", err);
	if (f5_voice)
		f5_voice_free(f5_voice);
	cJSON_Delete(spec);
	return EXIT_OK;
}
