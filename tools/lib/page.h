/* page.h - questions asked of the page's DOM through Runtime.evaluate.
 * Strings from the spec reach JavaScript only as JSON literals, never
 * pasted into source. */
#ifndef PAGE_H
#define PAGE_H

#include "cdp.h"

struct page {
	struct cdp *cdp;
	const char *session;
	char err[512];  /* the page's exception text after a failed call */
};

/* Call the JavaScript function source fn with arg (any JSON value) and
 * return its result by value (caller deletes; JSON null when it returned
 * nothing), or NULL with p->err set when it threw. */
cJSON *page_call(struct page *p, const char *fn, const cJSON *arg);

/* Scroll the first element matching selector into view if it is not, then
 * give its centre in viewport pixels. Returns 1 found, 0 no element (or an
 * element without a box), -1 selector error (p->err says why). */
int page_element_centre(struct page *p, const char *selector, double *x, double *y);

/* Whether selector is in state: "visible", "hidden", "attached" or
 * "detached". Returns 1 yes, 0 not yet, -1 selector error. */
int page_selector_state(struct page *p, const char *selector, const char *state);

/* The document's vertical scroll position, and its largest possible value. */
void page_scroll_range(struct page *p, double *y, double *max);

/* Scroll the document to y at once, ignoring smooth-scroll styles: the
 * animation is ours, one position per frame. */
void page_scroll_to(struct page *p, double y);

/* Evaluate a string-valued expression about the document: "title", "url",
 * "readyState". */
char *page_document(struct page *p, const char *what);

/* Why selector is not visible, for messages: "not in the page", "hidden"
 * (display, visibility or no box), or "visible". NULL on a selector error. */
const char *page_visibility(struct page *p, const char *selector);

/* Focus the first visible element matching selector, as a script would:
 * no pointer, no click. Returns 1 done, 0 none visible, -1 selector error. */
int page_focus(struct page *p, const char *selector);

/* Choose the option of the <select> matching selector whose value (else
 * whose text) is value, and fire input and change as a user's choice does.
 * Returns 1 done, 0 no such element, -1 error; on 0 and -1 p->err says why. */
int page_select(struct page *p, const char *selector, const char *value);

/* Click (element.click()) every visible element matching any of the
 * selectors. Returns how many. */
int page_click_all(struct page *p, const char *const *selectors);

/* Evaluate a JavaScript expression from the spec. Returns 0 when done, 1
 * when its value is a promise still to settle (ask page_eval_settled, with
 * frames between: it may wait for one), -1 with p->err holding the
 * exception. */
int page_eval(struct page *p, const char *expression);

/* How the promise of the last page_eval ended: 0 not yet, 1 fulfilled (or
 * its page gone), -1 rejected or unreadable, with p->err saying why. */
int page_eval_settled(struct page *p);

#endif
