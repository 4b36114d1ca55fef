/* page.c - small DOM queries, each a self-contained JavaScript function */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "page.h"
#include "util.h"

/* How often, and how long at most, to ask again while the page is between
 * two documents. */
#define PAGE_RETRY_MS 20
#define PAGE_CHANGE_MS 5000

/* Whether a Runtime.evaluate result r holds an exception; its first line
 * (the error; the rest is a stack trace) goes to p->err. */
static int took_exception(struct page *p, const cJSON *r)
{
	const cJSON *ex = cJSON_GetObjectItemCaseSensitive(r, "exceptionDetails");
	const char *text;

	if (!ex)
		return 0;
	text = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(ex, "exception"), "description"));
	if (!text)
		text = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(ex, "text"));
	snprintf(p->err, sizeof p->err, "%.*s", (int)strcspn(text ? text : "", "\n"),
		 text ? text : "exception");
	return 1;
}

/* Whether an evaluation failed only because the document it ran in was
 * being replaced (a click that followed a link, a form sent): the browser
 * says so in one of these words. */
static int document_changed(const char *why)
{
	return strstr(why, "navigated or closed") || strstr(why, "context was destroyed") ||
	       strstr(why, "Cannot find context") || strstr(why, "Cannot find default");
}

/* Runtime.evaluate with expression, asked again while the page is between
 * documents (the new one takes milliseconds to commit, on the wall clock).
 * Returns the answer (an exception in it is the caller's to read): the
 * value itself when by_value is set, else a reference to it. A promise is
 * never awaited here: it may need frames, and frames are ours to draw. */
static cJSON *evaluate(struct page *p, const char *expression, int by_value)
{
	struct timespec pause = { 0, PAGE_RETRY_MS * 1000000L };
	cJSON *params, *r;
	const char *err;
	int tries;

	for (tries = 0;; tries++) {
		params = cJSON_CreateObject();
		cJSON_AddStringToObject(params, "expression", expression);
		cJSON_AddBoolToObject(params, "returnByValue", by_value);
		r = cdp_call(p->cdp, p->session, "Runtime.evaluate", params, &err);
		if (r && !(took_exception(p, r) && document_changed(p->err)))
			return r;
		if (!r && !document_changed(err))
			die(EXIT_SYS, "browser: Runtime.evaluate: %s", err);
		cJSON_Delete(r);
		if (tries * PAGE_RETRY_MS > PAGE_CHANGE_MS)
			die(EXIT_FAIL, "browser: the page was still between documents after %d ms",
			    PAGE_CHANGE_MS);
		nanosleep(&pause, NULL);
	}
}

cJSON *page_call(struct page *p, const char *fn, const cJSON *arg)
{
	char *literal = arg ? cJSON_PrintUnformatted(arg) : estrdup(""), *expr;
	cJSON *r, *value;

	if (!literal)
		die(EXIT_SYS, "cJSON_Print: out of memory");
	expr = estrfmt("(%s)(%s)", fn, literal);
	free(literal);
	r = evaluate(p, expr, 1);
	free(expr);
	if (took_exception(p, r)) {
		cJSON_Delete(r);
		return NULL;
	}
	value = cJSON_DetachItemFromObjectCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(r, "result"), "value");
	cJSON_Delete(r);
	return value ? value : cJSON_CreateNull();
}

/* Returns 1, 0 or -1 from a page function answering true, false or throwing. */
static int call_bool(struct page *p, const char *fn, cJSON *arg)
{
	cJSON *v = page_call(p, fn, arg);
	int ok;

	cJSON_Delete(arg);
	if (!v)
		return -1;
	ok = cJSON_IsTrue(v);
	cJSON_Delete(v);
	return ok;
}

static const char centre_fn[] =
	"function (sel) {"
	" const e = document.querySelector(sel);"
	" if (!e) return null;"
	" let r = e.getBoundingClientRect();"
	" if (r.top < 0 || r.left < 0 || r.bottom > innerHeight || r.right > innerWidth) {"
	"  e.scrollIntoView({block: 'center', inline: 'center', behavior: 'instant'});"
	"  r = e.getBoundingClientRect();"
	" }"
	" if (r.width === 0 && r.height === 0) return null;"
	" return [r.left + r.width / 2, r.top + r.height / 2];"
	"}";

int page_element_centre(struct page *p, const char *selector, double *x, double *y)
{
	cJSON *sel = cJSON_CreateString(selector);
	cJSON *v = page_call(p, centre_fn, sel);

	cJSON_Delete(sel);
	if (!v)
		return -1;
	if (!cJSON_IsArray(v)) {
		cJSON_Delete(v);
		return 0;
	}
	*x = cJSON_GetArrayItem(v, 0)->valuedouble;
	*y = cJSON_GetArrayItem(v, 1)->valuedouble;
	cJSON_Delete(v);
	return 1;
}

/* "visible" as a person sees it: in the layout, with a box, not hidden */
static const char state_fn[] =
	"function ([sel, state]) {"
	" const e = document.querySelector(sel);"
	" const vis = !!e && e.getClientRects().length > 0 &&"
	"  getComputedStyle(e).visibility !== 'hidden';"
	" switch (state) {"
	" case 'visible': return vis;"
	" case 'hidden': return !vis;"
	" case 'attached': return !!e;"
	" case 'detached': return !e;"
	" }"
	" throw new Error('unknown state ' + state);"
	"}";

int page_selector_state(struct page *p, const char *selector, const char *state)
{
	cJSON *arg = cJSON_CreateArray();

	cJSON_AddItemToArray(arg, cJSON_CreateString(selector));
	cJSON_AddItemToArray(arg, cJSON_CreateString(state));
	return call_bool(p, state_fn, arg);
}

static const char range_fn[] =
	"function () {"
	" const s = document.scrollingElement || document.documentElement;"
	" return [s.scrollTop, Math.max(0, s.scrollHeight - s.clientHeight)];"
	"}";

void page_scroll_range(struct page *p, double *y, double *max)
{
	cJSON *v = page_call(p, range_fn, NULL);

	if (!v || cJSON_GetArraySize(v) != 2)
		die(EXIT_SYS, "browser: cannot read the scroll position: %s", p->err);
	*y = cJSON_GetArrayItem(v, 0)->valuedouble;
	*max = cJSON_GetArrayItem(v, 1)->valuedouble;
	cJSON_Delete(v);
}

static const char scroll_fn[] =
	"function (y) { window.scrollTo({top: y, left: 0, behavior: 'instant'}); }";

void page_scroll_to(struct page *p, double y)
{
	cJSON *arg = cJSON_CreateNumber(y);
	cJSON *v = page_call(p, scroll_fn, arg);

	cJSON_Delete(arg);
	if (!v)
		die(EXIT_SYS, "browser: cannot scroll: %s", p->err);
	cJSON_Delete(v);
}

static const char document_fn[] =
	"function (what) {"
	" return what === 'title' ? document.title :"
	"  what === 'readyState' ? document.readyState : location.href;"
	"}";

char *page_document(struct page *p, const char *what)
{
	cJSON *arg = cJSON_CreateString(what);
	cJSON *v = page_call(p, document_fn, arg);
	char *s;

	cJSON_Delete(arg);
	if (!v || !cJSON_IsString(v))
		die(EXIT_SYS, "browser: cannot read the document %s", what);
	s = estrdup(v->valuestring);
	cJSON_Delete(v);
	return s;
}

static const char visibility_fn[] =
	"function (sel) {"
	" const e = document.querySelector(sel);"
	" if (!e) return 'not in the page';"
	" return e.getClientRects().length > 0 &&"
	"  getComputedStyle(e).visibility !== 'hidden' ? 'visible' : 'hidden';"
	"}";

const char *page_visibility(struct page *p, const char *selector)
{
	static const char *const answers[] = { "visible", "hidden", "not in the page" };
	cJSON *arg = cJSON_CreateString(selector);
	cJSON *v = page_call(p, visibility_fn, arg);
	const char *answer = NULL;
	size_t i;

	cJSON_Delete(arg);
	for (i = 0; v && cJSON_IsString(v) && i < 3; i++)
		if (!strcmp(v->valuestring, answers[i]))
			answer = answers[i];
	cJSON_Delete(v);
	return answer;
}

static const char focus_fn[] =
	"function (sel) {"
	" for (const e of document.querySelectorAll(sel)) {"
	"  const box = e.closest('.monaco-editor, .xterm') || e;"
	"  if (box.getClientRects().length === 0) continue;"
	"  e.focus();"
	"  return true;"
	" }"
	" return false;"
	"}";

int page_focus(struct page *p, const char *selector)
{
	return call_bool(p, focus_fn, cJSON_CreateString(selector));
}

static const char select_fn[] =
	"function ([sel, want]) {"
	" const e = document.querySelector(sel);"
	" if (!e) return null;"
	" if (!(e instanceof HTMLSelectElement))"
	"  throw new Error(sel + ' is a <' + e.localName + '>, not a <select>');"
	" const opts = [...e.options];"
	" const o = opts.find(o => o.value === want) ||"
	"  opts.find(o => o.text.trim() === want);"
	" if (!o) throw new Error('no option \\'' + want + '\\' in ' + sel + ' (options: ' +"
	"  opts.map(o => o.value).join(', ') + ')');"
	" e.value = o.value;"
	" e.dispatchEvent(new Event('input', {bubbles: true}));"
	" e.dispatchEvent(new Event('change', {bubbles: true}));"
	" return true;"
	"}";

int page_select(struct page *p, const char *selector, const char *value)
{
	cJSON *arg = cJSON_CreateArray(), *v;

	cJSON_AddItemToArray(arg, cJSON_CreateString(selector));
	cJSON_AddItemToArray(arg, cJSON_CreateString(value));
	v = page_call(p, select_fn, arg);
	cJSON_Delete(arg);
	if (!v)
		return -1;
	if (cJSON_IsNull(v)) {
		snprintf(p->err, sizeof p->err, "no element matches \"%s\"", selector);
		cJSON_Delete(v);
		return 0;
	}
	cJSON_Delete(v);
	return 1;
}

static const char click_all_fn[] =
	"function (sels) {"
	" let n = 0;"
	" for (const sel of sels)"
	"  for (const e of document.querySelectorAll(sel))"
	"   if (e.getClientRects().length > 0) { e.click(); n++; }"
	" return n;"
	"}";

int page_click_all(struct page *p, const char *const *selectors)
{
	cJSON *arg = cJSON_CreateArray(), *v;
	int n;

	for (; *selectors; selectors++)
		cJSON_AddItemToArray(arg, cJSON_CreateString(*selectors));
	v = page_call(p, click_all_fn, arg);
	cJSON_Delete(arg);
	if (!v)
		die(EXIT_SYS, "browser: cannot look for pop-ups: %s", p->err);
	n = cJSON_IsNumber(v) ? v->valueint : 0;
	cJSON_Delete(v);
	return n;
}

/* Kept on the promise's page: how it ended, for page_eval_settled. */
static const char settle_fn[] =
	"function () {"
	" const s = window.__stepcap_eval = {done: false};"
	" this.then(() => { s.done = true; },"
	"  e => { s.done = true; s.error = String(e); });"
	"}";

int page_eval(struct page *p, const char *expression)
{
	cJSON *r = evaluate(p, expression, 0), *params, *done;
	const cJSON *result = cJSON_GetObjectItemCaseSensitive(r, "result");
	const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(result, "objectId"));
	const char *subtype = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(result, "subtype"));
	const char *err;

	if (took_exception(p, r)) {
		cJSON_Delete(r);
		return -1;
	}
	if (!id || !subtype || strcmp(subtype, "promise")) {
		cJSON_Delete(r);
		return 0;
	}
	params = cJSON_CreateObject();
	cJSON_AddStringToObject(params, "objectId", id);
	cJSON_AddStringToObject(params, "functionDeclaration", settle_fn);
	cJSON_Delete(r);
	done = cdp_call(p->cdp, p->session, "Runtime.callFunctionOn", params, &err);
	if (!done && !document_changed(err))
		die(EXIT_SYS, "browser: Runtime.callFunctionOn: %s", err);
	cJSON_Delete(done);
	/* a page that went away took the promise with it: nothing to wait for */
	return done ? 1 : 0;
}

static const char settled_fn[] =
	"function () { return window.__stepcap_eval || {done: true}; }";

int page_eval_settled(struct page *p)
{
	cJSON *v = page_call(p, settled_fn, NULL);
	const char *error;
	int settled;

	if (!v)
		return -1;
	settled = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(v, "done"));
	error = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(v, "error"));
	if (error)
		snprintf(p->err, sizeof p->err, "%s", error);
	cJSON_Delete(v);
	return error ? -1 : settled;
}
