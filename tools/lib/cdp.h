/* cdp.h - the Chrome DevTools protocol over a pipe pair
 * (--remote-debugging-pipe: JSON messages, each ended by a NUL byte) */
#ifndef CDP_H
#define CDP_H

#include <cjson/cJSON.h>

struct cdp;

/* Called for every event that arrives while waiting for an answer;
 * session is NULL for browser-level events. */
typedef void cdp_event_fn(void *ctx, const char *session, const char *method,
			  const cJSON *params);

/* Talk over wfd (the browser's fd 3) and rfd (its fd 4); a call whose
 * answer takes longer than timeout_ms is fatal. */
struct cdp *cdp_open(int wfd, int rfd, int timeout_ms, cdp_event_fn *on_event,
		     void *ctx);
void cdp_close(struct cdp *c);

/* Send method with params (consumed; NULL for none) to session (NULL: the
 * browser) and wait for its answer. Returns the result object, which the
 * caller deletes, or NULL with *err (static until the next call) holding the
 * browser's error message. A timeout dies with EXIT_TIMEOUT; a closed pipe
 * (the browser crashed: another attempt may get further) with EXIT_FAIL; a
 * garbled message or a failed read or write with EXIT_SYS. */
cJSON *cdp_call(struct cdp *c, const char *session, const char *method,
		cJSON *params, const char **err);

/* Send without waiting for the answer, for requests the browser answers
 * only after a later frame (a mouse move is delivered with the next
 * animation frame); returns the request's id. An error in the answer
 * becomes a warning. */
int cdp_send(struct cdp *c, const char *session, const char *method, cJSON *params);

/* Whether the answer to the latest cdp_send, request id, has arrived in
 * one of the calls since (an earlier send counts as answered). */
int cdp_answered(const struct cdp *c, int id);

/* The framing on its own: take the first whole message (ended by a NUL)
 * from the *len bytes at buf, moving the rest to the front. Returns it
 * parsed; NULL when no whole message is there yet, or, with *garbled set,
 * when the one there is not JSON (it is dropped). */
cJSON *cdp_take_message(char *buf, size_t *len, int *garbled);

/* As cdp_call, but any error from the browser is fatal (EXIT_SYS). */
cJSON *cdp_ecall(struct cdp *c, const char *session, const char *method,
		 cJSON *params);

/* Run source in every document the page behind session loads, before
 * the document's own scripts. */
void cdp_add_document_script(struct cdp *c, const char *session, const char *source);

/* Evaluate expression in the page, its result and any error dropped: for
 * a page script that may be missing (between documents) to no harm. */
void cdp_eval_quietly(struct cdp *c, const char *session, const char *expression);

/* A new blank page of width x height whose frames are drawn only when we
 * ask (HeadlessExperimental.beginFrame), attached flat; returns its
 * session id (malloc'd). */
char *cdp_open_frame_target(struct cdp *c, int width, int height);

#endif
