/* spec2req - validate a tour spec and split it into per-step fragments
 *
 * usage: spec2req [-b backend] [-z off|auto|mobile] [-o outdir] spec.json
 *
 * Without -o it only validates. With -o it writes, each only when its
 * content changed (so make sees untouched steps as up to date):
 *   outdir/step/ID/tts.json   what the narration audio depends on
 *   outdir/step/ID/cap.json   what the silent clip depends on
 *   outdir/mux.json           what the final assembly depends on
 *   outdir/pre_setup.json     the commands run before capture
 *   outdir/steps.mk           the step list, included by the Makefile
 *   outdir/vscode.json        the local code-server the steps open and the
 *                             recording profile (only when they open one)
 * Nothing is written unless the whole spec is valid. -z sets the camera
 * mode over settings.zoom (an empty value: the spec's).
 *
 * A segments spec becomes steps in the spec's order: a demo segment is a
 * step, a slides segment gets step/ID/slides.json (its images and timing)
 * instead of cap.json. Each slide of a slides.content deck gets
 *   outdir/slides/KEY.json    what its picture is drawn from
 * named by the hash of that content, so a changed word makes one new slide.
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
#include "run.h"
#include "sha256.h"
#include "slides.h"
#include "spec.h"
#include "strbuf.h"
#include "url.h"
#include "userpath.h"
#include "util.h"
#include "vscodeprofile.h"

static const char *spec_path;
/* -z: the camera mode, over settings.zoom */
static const char *zoom_mode;

/* A step's zoom object without z zooms this much; mobile comes 15 %
 * closer, at most 3x (never less than the spec asked for). The automatic
 * camera fits its zoom to each target, mobile's closer too. */
#define FIXED_ZOOM 2.0
#define MOBILE_FACTOR 1.15
#define MOBILE_MAX 3.0
/* -b colab-f5: the reference voice, read once */
static struct f5_voice *f5_voice;

static void usage(FILE *f, int code)
{
	fprintf(f, "usage: %s [-b local|colab|colab-f5] [-z off|auto|mobile] [-o outdir]\n"
		"                [-r reqdir -c cachedir] spec.json\n"
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

static int is_slides(const cJSON *step)
{
	return strcmp(json_str(step, "type", "demo"), "slides") == 0;
}

static double mobile_zoom(double z)
{
	double closer = z * MOBILE_FACTOR, cap = z > MOBILE_MAX ? z : MOBILE_MAX;

	return closer < cap ? closer : cap;
}

/* The step's camera: its own zoom object in every mode; with auto or
 * mobile, the automatic camera for the steps without one; else NULL. */
static cJSON *camera_of(const cJSON *step, const char *mode)
{
	const cJSON *own = cJSON_GetObjectItemCaseSensitive(step, "zoom");
	int mobile = !strcmp(mode, "mobile");
	cJSON *z, *zv;

	if (own) {
		z = cJSON_Duplicate(own, 1);
		zv = cJSON_GetObjectItemCaseSensitive(z, "z");
		if (mobile && zv)
			cJSON_SetNumberValue(zv, mobile_zoom(zv->valuedouble));
		else if (mobile)
			cJSON_AddNumberToObject(z, "z", mobile_zoom(FIXED_ZOOM));
	} else if (strcmp(mode, "off")) {
		z = cJSON_CreateObject();
		cJSON_AddBoolToObject(z, "auto", 1);
		if (mobile)
			cJSON_AddBoolToObject(z, "mobile", 1);
	} else
		return NULL;
	return z;
}

/* Whether step goes on from prev's fixed camera: one page across the
 * tour, both steps with a zoom of their own, and prev's not the full
 * view (where every clip starts anyway). */
static int goes_on(const cJSON *step, const cJSON *prev, const cJSON *settings)
{
	const cJSON *zoom = cJSON_GetObjectItemCaseSensitive(prev, "zoom");

	return prev && !is_slides(prev) && zoom &&
	       !strcmp(json_str(settings, "mode", "independent"), "continuous") &&
	       cJSON_GetObjectItemCaseSensitive(step, "zoom") &&
	       !strcmp(json_str(step, "url", ""), json_str(prev, "url", "")) &&
	       strcmp(json_str(zoom, "focus", ""), "full");
}

/* The step's camera into its fragment. A fixed camera after another on
 * the same page starts where that one left the picture, so the one
 * before's camera ("from", less its speed) is part of this step's
 * fragment: changing it recaptures this step too. Only the steps whose
 * camera changes get a new fragment. */
static void add_zoom(cJSON *f, const cJSON *step, const cJSON *prev, const cJSON *settings)
{
	const char *mode = zoom_mode ? zoom_mode : json_str(settings, "zoom", "off");
	cJSON *z = camera_of(step, mode), *from;

	if (!z)
		return;
	if (goes_on(step, prev, settings)) {
		from = camera_of(prev, mode);
		cJSON_DeleteItemFromObjectCaseSensitive(from, "transition_ms");
		cJSON_AddItemToObject(z, "from", from);
	}
	cJSON_AddItemToObject(f, "zoom", z);
}

static cJSON *cap_fragment(const cJSON *spec, const cJSON *step, const cJSON *prev,
			   const cJSON *settings, const char *spec_dir)
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
	add_zoom(f, step, prev, settings);
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

/* The deck that slides segments show: per slide, the image to show and,
 * when make draws it (a slides.content slide, a PDF page), the fragment
 * it is drawn from. */
struct deck {
	int n;
	char **images;   /* the user's image, or "slides/KEY.png" under outdir */
	cJSON **drawn;   /* what slides/KEY.png is drawn from; NULL for a user's image */
	const struct slide_theme *theme;
	char *dir;       /* slides.dir, resolved; NULL for slides.content */
	char **pdfs;     /* the PDFs in dir, whose pages are slides */
	int npdfs;
};


static cJSON *video_size(const cJSON *settings)
{
	cJSON *viewport = size_or_default(settings, "viewport", NULL);
	cJSON *size = size_or_default(settings, "video_size", viewport);

	cJSON_Delete(viewport);
	return size;
}

/* Add a slide: the user's image (drawn NULL), or one make draws from the
 * fragment drawn, named by the hash of that fragment. */
static void deck_add(struct deck *d, const char *image, cJSON *drawn)
{
	char hex[SHA256_HEX_SIZE], *text;

	d->images = erealloc(d->images, (size_t)(d->n + 1) * sizeof *d->images);
	d->drawn = erealloc(d->drawn, (size_t)(d->n + 1) * sizeof *d->drawn);
	d->drawn[d->n] = drawn;
	if (!drawn) {
		d->images[d->n++] = estrdup(image);
		return;
	}
	text = cJSON_PrintUnformatted(drawn);
	if (!text || sha256_hex(text, strlen(text), hex) < 0)
		die(EXIT_SYS, "cannot hash slide %d", d->n + 1);
	free(text);
	/* 80 bits of the hash: enough that two slides never meet by chance */
	hex[20] = '\0';
	d->images[d->n++] = estrfmt("slides/%s.png", hex);
}

static void deck_from_content(struct deck *d, const cJSON *content, const cJSON *settings)
{
	static const char *const keys[] = { "type", "title", "subtitle", "bullet_points" };
	const cJSON *slide;
	size_t k;

	cJSON_ArrayForEach(slide, content) {
		cJSON *f = cJSON_CreateObject(), *show = cJSON_CreateObject();

		for (k = 0; k < LEN(keys); k++)
			add_copy(show, slide, keys[k]);
		cJSON_AddStringToObject(f, "theme", d->theme->name);
		cJSON_AddItemToObject(f, "video_size", video_size(settings));
		cJSON_AddItemToObject(f, "slide", show);
		deck_add(d, NULL, f);
	}
}

/* A PDF's page count, from pdfinfo (poppler-utils). */
static int pdf_pages(const char *pdf)
{
	char *argv[] = { "pdfinfo", (char *)pdf, NULL }, line[512];
	int pages = 0, status;
	pid_t pid;
	FILE *f = run_pipe(argv, "r", &pid);

	if (!f)
		die(EXIT_SYS, "cannot start pdfinfo:");
	while (fgets(line, sizeof line, f))
		if (strncmp(line, "Pages:", 6) == 0)
			pages = atoi(line + 6);
	status = run_pipe_close(f, pid);
	if (status == 127)
		die(EXIT_SYS, "%s: slides.dir: %s is a PDF: its pages need pdfinfo and pdftoppm "
		    "(Debian package poppler-utils): install them, or export the pages as images",
		    spec_path, pdf);
	if (status != 0 || pages < 1)
		die(EXIT_USAGE, "%s: slides.dir: %s: not a PDF that pdfinfo can read: export its "
		    "pages as images, or remove it from the folder", spec_path, pdf);
	return pages;
}

/* Each page of a PDF is a slide, drawn by make from a fragment that holds
 * the PDF's hash: a changed PDF draws its pages again. */
static void deck_add_pdf(struct deck *d, const char *pdf, const cJSON *settings)
{
	char hex[SHA256_HEX_SIZE];
	int page, pages = pdf_pages(pdf);

	if (sha256_file_hex(pdf, hex) < 0)
		die(EXIT_SYS, "%s: slides.dir: cannot read %s:", spec_path, pdf);
	d->pdfs = erealloc(d->pdfs, (size_t)(d->npdfs + 1) * sizeof *d->pdfs);
	d->pdfs[d->npdfs++] = estrdup(pdf);
	for (page = 1; page <= pages; page++) {
		cJSON *f = cJSON_CreateObject();

		cJSON_AddStringToObject(f, "pdf", pdf);
		cJSON_AddStringToObject(f, "sha256", hex);
		cJSON_AddNumberToObject(f, "page", page);
		cJSON_AddItemToObject(f, "video_size", video_size(settings));
		deck_add(d, NULL, f);
	}
}

static void deck_from_dir(struct deck *d, const char *given, const char *spec_dir,
			  const cJSON *settings)
{
	char *dir = userpath_resolve(given, spec_dir), **files;
	int i, n;

	if (!dir)
		die(EXIT_USAGE, "%s: slides.dir: \"%s\": the home folder is unknown (HOME unset "
		    "or another user's): give a path relative to the spec", spec_path, given);
	d->dir = dir;
	n = slides_dir_images(dir, &files);
	if (n < 0)
		die(EXIT_USAGE, "%s: slides.dir: cannot read folder \"%s\": %s: give a folder "
		    "of PNG or JPEG images, relative to the spec's folder", spec_path, dir,
		    strerror(errno));
	if (n == 0)
		die(EXIT_USAGE, "%s: slides.dir: \"%s\" holds no PNG or JPEG images or PDFs "
		    "(*.png, *.jpg, *.jpeg, *.pdf)", spec_path, dir);
	for (i = 0; i < n; i++) {
		if (slides_is_pdf(files[i]))
			deck_add_pdf(d, files[i], settings);
		else
			deck_add(d, files[i], NULL);
		free(files[i]);
	}
	free(files);
}

/* Build the deck, check that every slides segment's range is inside it
 * (spec_validate could not count a folder), and turn the segments into
 * the steps everything downstream reads. Dies with EXIT_USAGE on bad input. */
static void load_segments(cJSON *spec, const char *spec_dir, struct deck *d)
{
	const cJSON *settings = cJSON_GetObjectItemCaseSensitive(spec, "settings");
	const cJSON *deck = cJSON_GetObjectItemCaseSensitive(spec, "slides");
	const cJSON *segments = cJSON_GetObjectItemCaseSensitive(spec, "segments");
	const cJSON *content = cJSON_GetObjectItemCaseSensitive(deck, "content");
	const char *theme = json_str(deck, "theme", SLIDES_DEFAULT_THEME), *dir;
	cJSON *steps, *step;
	int i = 0;

	memset(d, 0, sizeof *d);
	if (!segments)
		return;
	if (!(d->theme = slides_theme(theme))) {
		warn("%s: slides.theme: no built-in theme \"%s\": using \"%s\" (themes: %s)",
		     spec_path, theme, SLIDES_DEFAULT_THEME, slides_theme_names());
		d->theme = slides_theme(SLIDES_DEFAULT_THEME);
	}
	if (content)
		deck_from_content(d, content, settings);
	else if ((dir = json_str(deck, "dir", NULL)))
		deck_from_dir(d, dir, spec_dir, settings);
	steps = cJSON_Duplicate(segments, 1);
	cJSON_ArrayForEach(step, steps) {
		const cJSON *range = cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(step, "slides"), "range");
		int first = cJSON_GetArrayItem(range, 0) ? cJSON_GetArrayItem(range, 0)->valueint : 0;
		int last = cJSON_GetArrayItem(range, 1) ? cJSON_GetArrayItem(range, 1)->valueint : 0;

		if (is_slides(step) && last > d->n)
			die(EXIT_USAGE, "%s: segments[%d].slides.range: [%d, %d] is outside the deck: "
			    "slides.dir has %d image%s", spec_path, i, first, last, d->n,
			    d->n == 1 ? "" : "s");
		/* a slides chapter is named after its first slide unless titled */
		if (is_slides(step) && content && !cJSON_GetObjectItemCaseSensitive(step, "title"))
			cJSON_AddStringToObject(step, "title",
						json_str(cJSON_GetArrayItem(content, first - 1),
							 "title", json_str(step, "id", "")));
		i++;
	}
	cJSON_AddItemToObject(spec, "steps", steps);
}

static void deck_free(struct deck *d)
{
	int i;

	for (i = 0; i < d->n; i++) {
		free(d->images[i]);
		cJSON_Delete(d->drawn[i]);
	}
	for (i = 0; i < d->npdfs; i++)
		free(d->pdfs[i]);
	free(d->images);
	free(d->drawn);
	free(d->dir);
	free(d->pdfs);
}

/* A slide's image as a path: the user's own, or where make draws it. */
static char *slide_image(const struct deck *d, int i, const char *outdir_abs)
{
	if (!d->drawn[i])
		return estrdup(d->images[i]);
	return estrfmt("%s/%s", outdir_abs, d->images[i]);
}

/* What a slides segment's clip depends on: its slides and its timing. */
static cJSON *slides_fragment(const cJSON *spec, const cJSON *step, const cJSON *settings,
			      const struct deck *d, const char *outdir_abs)
{
	const cJSON *show = cJSON_GetObjectItemCaseSensitive(step, "slides");
	const cJSON *range = cJSON_GetObjectItemCaseSensitive(show, "range");
	cJSON *f = cJSON_CreateObject(), *images = cJSON_CreateArray();
	int i, first = cJSON_GetArrayItem(range, 0)->valueint;
	int last = cJSON_GetArrayItem(range, 1)->valueint;

	cJSON_AddStringToObject(f, "id", json_str(step, "id", ""));
	cJSON_AddNumberToObject(f, "fps", json_num(settings, "fps", SPEC_DEFAULT_FPS));
	cJSON_AddItemToObject(f, "video_size", video_size(settings));
	cJSON_AddNumberToObject(f, "lead_in", json_num(settings, "lead_in", SPEC_DEFAULT_LEAD_IN));
	cJSON_AddNumberToObject(f, "tail", json_num(settings, "tail", SPEC_DEFAULT_TAIL));
	cJSON_AddNumberToObject(f, "advance_interval",
				json_num(show, "advance_interval", SLIDES_DEFAULT_INTERVAL_MS));
	cJSON_AddStringToObject(f, "background", d->theme->background);
	cJSON_AddItemToObject(f, "video", video_fragment(spec));
	for (i = first - 1; i < last; i++) {
		char *path = slide_image(d, i, outdir_abs);
		cJSON_AddItemToArray(images, cJSON_CreateString(path));
		free(path);
	}
	cJSON_AddItemToObject(f, "images", images);
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
static void mux_media_mk(struct strbuf *mk, const cJSON *spec, const char *spec_dir)
{
	static const char *const keys[] = { "intro_clip", "outro_clip" };
	const cJSON *output = cJSON_GetObjectItemCaseSensitive(spec, "output");
	char *path;
	size_t i;

	sb_puts(mk, "MUX_MEDIA :=");
	for (i = 0; i < LEN(keys); i++) {
		const char *given = json_str(output, keys[i], NULL);

		if (!given || !(path = userpath_resolve(given, spec_dir)))
			continue;
		if (make_safe(path))
			sb_printf(mk, " %s", path);
		else
			warn("%s: output.%s: make cannot track \"%s\" (spaces or special "
			     "characters): rebuild by hand when it changes", spec_path, keys[i], path);
		free(path);
	}
	sb_puts(mk, "\n");
}

/* The local page a step opens, when its URL names one: a relative or
 * absolute path (the spec's own pages), or a file:// URL that needs no
 * decoding. NULL otherwise (malloc'd). */
static char *step_page(const char *url, const char *spec_dir)
{
	size_t len = strcspn(url, "?#");

	if (!strncmp(url, "file://", 7))
		return url_file_path(url);
	if (url_has_scheme(url) || len == 0)
		return NULL;
	if (url[0] == '/')
		return estrfmt("%.*s", (int)len, url);
	return estrfmt("%s/%.*s", spec_dir, (int)len, url);
}

/* One line per step opening a local page, making the page a prerequisite
 * of the step's clip: a saved page is recaptured by a plain `make`. Assets
 * the page loads are not followed (`make watch` covers those). */
static void page_prereqs_mk(struct strbuf *mk, const cJSON *spec, const char *spec_dir)
{
	const cJSON *step;
	char *page;

	cJSON_ArrayForEach(step, cJSON_GetObjectItemCaseSensitive(spec, "steps")) {
		page = step_page(json_str(step, "url", ""), spec_dir);
		if (page && make_safe(page))
			sb_printf(mk, "$(OUT)/clip/%s.mp4: $(wildcard %s)\n",
				  json_str(step, "id", ""), page);
		free(page);
	}
}

/* A path make cannot hold is left out of steps.mk, with a warning. */
static int trackable(const char *path)
{
	if (make_safe(path))
		return 1;
	warn("%s: slides.dir: make cannot track \"%s\" (spaces or special characters): "
	     "rebuild by hand when it changes", spec_path, path);
	return 0;
}

/* "SLIDE_STEPS := ..." and, per slides segment, "SLIDES_ID := images" for
 * steps.mk: mk/slides.mk makes those clips from their images, drawn by
 * make (slides/KEY.png) or the user's own. */
static void slides_mk(struct strbuf *mk, const cJSON *spec, const struct deck *d)
{
	const cJSON *step;
	struct strbuf rules = { 0 };
	char *text;
	int i;

	sb_puts(mk, "SLIDE_STEPS :=");
	cJSON_ArrayForEach(step, cJSON_GetObjectItemCaseSensitive(spec, "steps")) {
		const cJSON *range = cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(step, "slides"), "range");
		const char *id = json_str(step, "id", "");

		if (!is_slides(step))
			continue;
		sb_printf(mk, " %s", id);
		sb_printf(&rules, "SLIDES_%s :=", id);
		for (i = cJSON_GetArrayItem(range, 0)->valueint - 1;
		     i < cJSON_GetArrayItem(range, 1)->valueint; i++)
			if (trackable(d->images[i]))
				sb_printf(&rules, d->drawn[i] ? " $(OUT)/%s" : " %s", d->images[i]);
		sb_puts(&rules, "\n");
	}
	sb_puts(mk, "\n");
	text = sb_take(&rules);
	sb_puts(mk, text);
	free(text);
	/* an image added, removed or renamed changes the folder, a PDF its
	 * pages: split again */
	if (!d->dir)
		return;
	sb_puts(mk, "$(SPEC_STAMP):");
	for (i = -1; i < d->npdfs; i++) {
		const char *path = i < 0 ? d->dir : d->pdfs[i];

		if (trackable(path))
			sb_printf(mk, " %s", path);
	}
	sb_puts(mk, "\n");
}

static void write_steps_mk(const char *outdir, const cJSON *spec, const char *spec_dir,
			   const struct deck *d)
{
	cJSON *vscode = vscode_fragment(spec);
	const cJSON *step;
	char *path = estrfmt("%s/steps.mk", outdir), *text;
	struct strbuf mk = { 0 };

	/* continuous steps share one page, so capture makes them together;
	 * VSCODE_TOUR: capture needs the code-server that vscode.json describes */
	sb_printf(&mk, "# generated by spec2req from %s; rewritten only when it changes\n"
		  "CAPTURE_MODE := %s\nVSCODE_TOUR := %s\nSTEPS :=", spec_path,
		  json_str(cJSON_GetObjectItemCaseSensitive(spec, "settings"), "mode", "independent"),
		  vscode ? "1" : "");
	cJSON_ArrayForEach(step, cJSON_GetObjectItemCaseSensitive(spec, "steps"))
		sb_printf(&mk, " %s", json_str(step, "id", ""));
	sb_puts(&mk, "\n");
	mux_media_mk(&mk, spec, spec_dir);
	page_prereqs_mk(&mk, spec, spec_dir);
	slides_mk(&mk, spec, d);
	cJSON_Delete(vscode);
	text = sb_take(&mk);
	if (mkdirs_for(path) < 0 || write_if_changed(path, text, strlen(text)) < 0)
		die(EXIT_SYS, "write %s:", path);
	free(text);
	free(path);
}

/* Each drawn slide's fragment, under its content's name: written once,
 * never changed, so its picture is drawn once. */
static void write_slides(const char *outdir, const struct deck *d)
{
	char *path;
	int i;

	for (i = 0; i < d->n; i++) {
		if (!d->drawn[i])
			continue;
		path = estrfmt("%s/%.*s.json", outdir, (int)strlen(d->images[i]) - 4, d->images[i]);
		write_fragment(path, d->drawn[i]);
		free(path);
	}
}

static void write_outputs(const char *outdir, const cJSON *spec, const char *engine,
			  const char *spec_dir, const struct deck *d)
{
	const cJSON *settings = cJSON_GetObjectItemCaseSensitive(spec, "settings");
	const cJSON *step, *prev = NULL;
	char outdir_abs[PATH_MAX];
	cJSON *f;
	char *path;

	if (mkdirs(outdir) < 0 || !realpath(outdir, outdir_abs))
		die(EXIT_SYS, "mkdir %s:", outdir);
	write_slides(outdir, d);

	cJSON_ArrayForEach(step, cJSON_GetObjectItemCaseSensitive(spec, "steps")) {
		const char *id = json_str(step, "id", "");

		f = tts_fragment(step, settings, engine);
		if (f5_voice)
			f5_add_fields(f, settings, f5_voice);
		path = estrfmt("%s/step/%s/tts.json", outdir, id);
		write_fragment(path, f);
		free(path);
		cJSON_Delete(f);

		if (is_slides(step)) {
			f = slides_fragment(spec, step, settings, d, outdir_abs);
			path = estrfmt("%s/step/%s/slides.json", outdir, id);
		} else {
			f = cap_fragment(spec, step, prev, settings, spec_dir);
			path = estrfmt("%s/step/%s/cap.json", outdir, id);
		}
		write_fragment(path, f);
		free(path);
		cJSON_Delete(f);
		prev = step;
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
	if ((f = vscode_fragment(spec))) {
		path = estrfmt("%s/vscode.json", outdir);
		write_fragment(path, f);
		free(path);
		cJSON_Delete(f);
	}
	write_steps_mk(outdir, spec, spec_dir, d);
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
	struct deck deck;
	char err[1024];
	int opt, sys_error;
	cJSON *spec;
	char *spec_dir;

	argv0 = "spec2req";
	while ((opt = getopt(argc, argv, "b:c:o:r:z:h")) != -1) {
		switch (opt) {
		case 'z':
			zoom_mode = *optarg ? optarg : NULL;
			break;
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
	if (zoom_mode && strcmp(zoom_mode, "off") && strcmp(zoom_mode, "auto") &&
	    strcmp(zoom_mode, "mobile"))
		die(EXIT_USAGE, "-z \"%s\": the camera is off, auto or mobile", zoom_mode);
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
	spec_dir = spec_folder(spec_path);
	load_segments(spec, spec_dir, &deck);
	if (strcmp(backend, "colab-f5") == 0)
		load_f5_voice(spec, &voice, !reqdir);
	if (outdir)
		write_outputs(outdir, spec, engine, spec_dir, &deck);
	free(spec_dir);
	deck_free(&deck);
	if (reqdir && colab_request_write(spec, outdir, reqdir, cachedir, err, sizeof err) < 0)
		die(EXIT_SYS, "%s", err);
	if (f5_voice)
		f5_voice_free(f5_voice);
	cJSON_Delete(spec);
	return EXIT_OK;
}
