/* slidepic - draw one slide of a deck as a picture at the video's size
 *
 * usage: slidepic -o slide.png slide.json
 *
 * slide.json is what spec2req writes as slides/KEY.json: {"theme",
 * "video_size": {"width", "height"}, "slide": {"type": "title" | "content",
 * "title", "subtitle", "bullet_points"}}. A built-in page lays the slide out
 * in headless Chromium, driven by the same frame clock as the clips, and
 * its picture is written as PNG under a temporary name, then renamed.
 * The slide's text reaches the page only as JSON, set as text, never as
 * markup.
 *
 * A PDF page instead ({"pdf": path, "page": N, "video_size"}) is drawn by
 * pdftoppm (poppler-utils) to fit the video's longer side.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "browser.h"
#include "cdp.h"
#include "file.h"
#include "frames.h"
#include "json.h"
#include "page.h"
#include "run.h"
#include "slides.h"
#include "util.h"

/* Browsers started before giving up on one whose renderer stalls. */
#define BROWSER_STARTS 3
/* Protocol calls answer within this, or the browser is stuck. */
#define CALL_TIMEOUT_MS 30000
/* Unrecorded frames allowed for the page to finish drawing. */
#define SETTLE_FRAMES 30

static struct browser browser;

static void usage(FILE *f, int code)
{
	fprintf(f, "usage: %s -o slide.png slide.json\n"
		"  draw one slide (spec2req's slides/KEY.json) as a PNG at the video's size\n"
		"exit: 0 ok, 1 the browser drew nothing, 2 bad fragment or usage, 3 timeout,\n"
		"      4 browser missing or I/O error\n", argv0);
	exit(code);
}

static void cleanup(void)
{
	browser_stop(&browser);
}

static void on_signal(int sig)
{
	if (browser.pid > 0) {
		kill(-browser.pid, SIGKILL);
		kill(browser.pid, SIGKILL);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Sizes are fractions of the picture's height (vh), so a slide reads the
 * same at 720p and 1080p and stays legible shrunk onto a phone. Text that
 * does not fit is scaled down as a whole, never cut. */
static const char slide_css[] =
	"html,body{margin:0;height:100%;overflow:hidden;background:var(--bg);color:var(--text);"
	"font-family:'DejaVu Sans',sans-serif;}"
	"main{box-sizing:border-box;height:100vh;width:100vw;padding:8vh 8vw;display:flex;"
	"flex-direction:column;font-size:calc(var(--scale) * 1vh);overflow:hidden;"
	"overflow-wrap:anywhere;}"
	"main.title{justify-content:center;}"
	".bar{width:9vw;height:.9vh;background:var(--accent);border-radius:.45vh;margin-bottom:4vh;}"
	"h1{margin:0;font-weight:bold;line-height:1.15;letter-spacing:-.01em;}"
	"main.title h1{font-size:8.5em;}"
	"main.content h1{font-size:6.4em;padding-bottom:2.2vh;border-bottom:.5vh solid var(--accent);"
	"margin-bottom:4.5vh;}"
	"p{margin:3.5vh 0 0;font-size:4.4em;color:var(--muted);line-height:1.3;}"
	"ul{margin:0;padding:0;list-style:none;}"
	"li{font-size:4.8em;line-height:1.3;margin:0 0 2.4vh;padding-left:1.3em;position:relative;}"
	"li::before{content:'';position:absolute;left:.15em;top:.45em;width:.45em;height:.45em;"
	"border-radius:50%;background:var(--accent);}";

static const char build_fn[] =
	"function (a) {"
	" const d = document;"
	" d.head.textContent = ''; d.body.textContent = '';"
	" const style = d.createElement('style'); style.textContent = a.css; d.head.append(style);"
	" const r = d.documentElement.style;"
	" r.setProperty('--bg', a.colours.background); r.setProperty('--text', a.colours.text);"
	" r.setProperty('--muted', a.colours.muted); r.setProperty('--accent', a.colours.accent);"
	" const s = a.slide, main = d.createElement('main');"
	" main.className = s.type; d.body.append(main);"
	" const add = (tag, text, to) => { const e = d.createElement(tag);"
	"  e.textContent = text; (to || main).append(e); return e; };"
	" if (s.type === 'title') add('div', '').className = 'bar';"
	" add('h1', s.title);"
	" if (s.type === 'title' && s.subtitle) add('p', s.subtitle);"
	" if (s.type === 'content') { const ul = add('ul', '');"
	"  for (const b of s.bullet_points || []) add('li', b, ul); }"
	" let scale = 1;"
	" const fits = () => main.scrollHeight <= main.clientHeight && main.scrollWidth <= main.clientWidth;"
	" for (r.setProperty('--scale', scale); !fits() && scale > 0.3; scale -= 0.05)"
	"  r.setProperty('--scale', scale - 0.05);"
	" return fits();"
	"}";

struct slide {
	cJSON *root;
	const cJSON *slide;
	const struct slide_theme *theme;
	int width, height;
	const char *pdf;  /* a PDF page instead of a slide of ours */
	int page;
};

static void read_slide(const char *path, struct slide *s)
{
	const cJSON *size, *type;
	char err[256];
	int sys_error;

	s->root = json_load(path, err, sizeof err, &sys_error);
	if (!s->root)
		die(sys_error ? EXIT_SYS : EXIT_USAGE, "%s: %s", path, err);
	size = cJSON_GetObjectItemCaseSensitive(s->root, "video_size");
	s->width = (int)json_num(size, "width", 0);
	s->height = (int)json_num(size, "height", 0);
	if (s->width < 16 || s->height < 16 || s->width > 7680 || s->height > 4320)
		die(EXIT_USAGE, "%s: video_size: must be {\"width\": W, \"height\": H}, "
		    "16x16 to 7680x4320", path);
	if ((s->pdf = json_str(s->root, "pdf", NULL))) {
		s->page = (int)json_num(s->root, "page", 0);
		if (s->page < 1 || s->page != json_num(s->root, "page", 0))
			die(EXIT_USAGE, "%s: page: must be a page number, from 1", path);
		return;
	}
	if (!(s->theme = slides_theme(json_str(s->root, "theme", SLIDES_DEFAULT_THEME))))
		die(EXIT_USAGE, "%s: theme: \"%s\" is not one of %s", path,
		    json_str(s->root, "theme", ""), slides_theme_names());
	s->slide = cJSON_GetObjectItemCaseSensitive(s->root, "slide");
	type = cJSON_GetObjectItemCaseSensitive(s->slide, "type");
	if (!cJSON_IsString(type) || (strcmp(type->valuestring, "title") &&
				      strcmp(type->valuestring, "content")))
		die(EXIT_USAGE, "%s: slide.type: must be \"title\" or \"content\"", path);
	if (!json_str(s->slide, "title", NULL))
		die(EXIT_USAGE, "%s: slide.title: missing or not a string", path);
}

static void on_event(void *ctx, const char *session, const char *method,
		     const cJSON *params)
{
	if (session && !strcmp(method, "Inspector.targetCrashed"))
		die(EXIT_FAIL, "browser: the page crashed");
}

/* Lay the slide out in a browser and take its picture (PNG bytes). */
static unsigned char *draw_slide(const struct slide *s, size_t *len)
{
	struct frames frames;
	struct page page;
	struct cdp *cdp;
	char *session;
	cJSON *arg, *colours, *fitted;
	unsigned char *png;
	int start, i;

	for (start = 1;; start++) {
		browser_start(&browser, s->width, s->height);
		cdp = cdp_open(browser.wfd, browser.rfd, CALL_TIMEOUT_MS, on_event, NULL);
		session = cdp_open_frame_target(cdp, s->width, s->height);
		cJSON_Delete(cdp_ecall(cdp, session, "Inspector.enable", NULL));
		frames_init(&frames, cdp, session, 30, NULL);
		if (frames_first_picture(&frames) == 0)
			break;
		if (start == BROWSER_STARTS)
			die(EXIT_SYS, "the browser never drew a page (%d browsers tried)", start);
		warn("the browser's renderer stalled; starting another");
		frames_free(&frames);
		/* stopped before its pipe closes: told of that, it would end
		 * by itself, and be reported for it */
		browser_stop(&browser);
		cdp_close(cdp);
		free(session);
	}
	page.cdp = cdp;
	page.session = session;
	arg = cJSON_CreateObject();
	cJSON_AddStringToObject(arg, "css", slide_css);
	colours = cJSON_AddObjectToObject(arg, "colours");
	cJSON_AddStringToObject(colours, "background", s->theme->background);
	cJSON_AddStringToObject(colours, "text", s->theme->text);
	cJSON_AddStringToObject(colours, "muted", s->theme->muted);
	cJSON_AddStringToObject(colours, "accent", s->theme->accent);
	cJSON_AddItemReferenceToObject(arg, "slide", (cJSON *)s->slide);
	fitted = page_call(&page, build_fn, arg);
	cJSON_Delete(arg);
	if (!fitted)
		die(EXIT_FAIL, "the slide page failed: %s", page.err);
	if (!cJSON_IsTrue(fitted))
		warn("slide \"%s\": too much text for one slide even at a third of the size; "
		     "split it", json_str(s->slide, "title", ""));
	cJSON_Delete(fitted);
	for (i = 0; i < SETTLE_FRAMES && frames_step(&frames, 0); i++)
		;
	png = frames_png(&frames, len);
	if (!png)
		die(EXIT_FAIL, "the browser gave no picture of the slide");
	frames_free(&frames);
	browser_stop(&browser);
	cdp_close(cdp);
	free(session);
	return png;
}

/* A PDF's page as PNG bytes, its longer side the video's longer side. */
static unsigned char *draw_pdf_page(const struct slide *s, size_t *len)
{
	char *page = estrfmt("%d", s->page);
	char *size = estrfmt("%d", s->width > s->height ? s->width : s->height);
	char *argv[] = { "pdftoppm", "-png", "-singlefile", "-f", page, "-l", page,
			 "-scale-to", size, (char *)s->pdf, NULL };
	unsigned char *png = NULL;
	size_t cap = 0, n;
	pid_t pid;
	FILE *f;
	int status;

	if (!(f = run_pipe(argv, "r", &pid)))
		die(EXIT_SYS, "cannot start pdftoppm:");
	*len = 0;
	do {
		if (*len == cap)
			png = erealloc(png, cap = cap ? cap * 2 : 1 << 18);
		n = fread(png + *len, 1, cap - *len, f);
		*len += n;
	} while (n > 0);
	status = run_pipe_close(f, pid);
	free(page);
	free(size);
	if (status == 127)
		die(EXIT_SYS, "pdftoppm: cannot run it: install poppler-utils");
	if (status != 0 || *len == 0)
		die(EXIT_FAIL, "%s: pdftoppm cannot draw page %d (exit %d)", s->pdf, s->page, status);
	return png;
}

int main(int argc, char *argv[])
{
	const char *out = NULL;
	struct slide s;
	unsigned char *png;
	size_t len;
	int opt;

	argv0 = "slidepic";
	while ((opt = getopt(argc, argv, "o:h")) != -1) {
		switch (opt) {
		case 'o':
			out = optarg;
			break;
		case 'h':
			usage(stdout, EXIT_OK);
			break;
		default:
			usage(stderr, EXIT_USAGE);
		}
	}
	if (!out || optind != argc - 1)
		usage(stderr, EXIT_USAGE);
	read_slide(argv[optind], &s);
	atexit(cleanup);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	png = s.pdf ? draw_pdf_page(&s, &len) : draw_slide(&s, &len);
	if (mkdirs_for(out) < 0 || write_file_atomic(out, png, len) < 0)
		die(EXIT_SYS, "cannot write %s:", out);
	free(png);
	cJSON_Delete(s.root);
	return EXIT_OK;
}
