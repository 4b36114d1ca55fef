/* page.c - small DOM queries, each a self-contained JavaScript function */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "page.h"
#include "util.h"

cJSON *page_call(struct page *p, const char *fn, const cJSON *arg)
{
	char *literal = arg ? cJSON_PrintUnformatted(arg) : estrdup(""), *expr;
	cJSON *params = cJSON_CreateObject(), *r, *ex, *value;
	const char *text;

	if (!literal)
		die(EXIT_SYS, "cJSON_Print: out of memory");
	expr = estrfmt("(%s)(%s)", fn, literal);
	free(literal);
	cJSON_AddStringToObject(params, "expression", expr);
	cJSON_AddBoolToObject(params, "returnByValue", 1);
	free(expr);
	r = cdp_ecall(p->cdp, p->session, "Runtime.evaluate", params);
	ex = cJSON_GetObjectItemCaseSensitive(r, "exceptionDetails");
	if (ex) {
		text = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(ex, "exception"), "description"));
		if (!text)
			text = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(ex, "text"));
		/* the first line names the error; the rest is a stack trace */
		snprintf(p->err, sizeof p->err, "%.*s", (int)strcspn(text ? text : "", "\n"),
			 text ? text : "exception");
		cJSON_Delete(r);
		return NULL;
	}
	value = cJSON_DetachItemFromObjectCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(r, "result"), "value");
	cJSON_Delete(r);
	return value ? value : cJSON_CreateNull();
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
	cJSON *arg = cJSON_CreateArray(), *v;
	int ok;

	cJSON_AddItemToArray(arg, cJSON_CreateString(selector));
	cJSON_AddItemToArray(arg, cJSON_CreateString(state));
	v = page_call(p, state_fn, arg);
	cJSON_Delete(arg);
	if (!v)
		return -1;
	ok = cJSON_IsTrue(v);
	cJSON_Delete(v);
	return ok;
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
	"function (what) { return what === 'title' ? document.title : location.href; }";

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
