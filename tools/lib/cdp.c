/* cdp.c - request/answer over the DevTools pipe. Every wait is bounded by
 * poll(): a stalled or dead browser ends the run with a clear error instead
 * of a hang. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cdp.h"
#include "json.h"
#include "clock.h"
#include "util.h"

struct cdp {
	int wfd, rfd, timeout_ms;
	cdp_event_fn *on_event;
	void *ctx;
	int next_id;
	int sent_id;        /* the latest cdp_send, and whether it was answered */
	int sent_answered;
	char *buf;          /* bytes read but not yet parsed */
	size_t len, cap;
	char err[512];
};

static long long now_ms(void)
{
	return (long long)(clock_now() * 1000);
}

/* Wait until fd is ready for events, or die once deadline (ms) has passed. */
static void wait_fd(const struct cdp *c, int fd, short events, long long deadline,
		    const char *what)
{
	struct pollfd p = { .fd = fd, .events = events };
	long long left;
	int n;

	for (;;) {
		left = deadline - now_ms();
		if (left <= 0)
			die(EXIT_TIMEOUT, "browser: no answer to %s within %.1f s", what,
			    c->timeout_ms / 1000.0);
		n = poll(&p, 1, (int)left);
		if (n > 0)
			return;
		if (n < 0 && errno != EINTR)
			die(EXIT_SYS, "poll:");
	}
}

struct cdp *cdp_open(int wfd, int rfd, int timeout_ms, cdp_event_fn *on_event,
		     void *ctx)
{
	struct cdp *c = ecalloc(1, sizeof *c);

	c->wfd = wfd;
	c->rfd = rfd;
	c->timeout_ms = timeout_ms;
	c->on_event = on_event;
	c->ctx = ctx;
	c->next_id = 1;
	fcntl(wfd, F_SETFL, fcntl(wfd, F_GETFL) | O_NONBLOCK);
	fcntl(rfd, F_SETFL, fcntl(rfd, F_GETFL) | O_NONBLOCK);
	return c;
}

void cdp_close(struct cdp *c)
{
	if (!c)
		return;
	close(c->wfd);
	close(c->rfd);
	free(c->buf);
	free(c);
}

static void send_all(struct cdp *c, const char *msg, size_t len, const char *method)
{
	long long deadline = now_ms() + c->timeout_ms;
	ssize_t n;

	while (len > 0) {
		n = write(c->wfd, msg, len);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR) {
				wait_fd(c, c->wfd, POLLOUT, deadline, method);
				continue;
			}
			/* a crashed browser: another attempt may well get further */
			if (errno == EPIPE)
				die(EXIT_FAIL, "browser: exited unexpectedly");
			die(EXIT_SYS, "browser: write:");
		}
		msg += n;
		len -= (size_t)n;
	}
}

cJSON *cdp_take_message(char *buf, size_t *len, int *garbled)
{
	char *end = memchr(buf, '\0', *len);
	size_t used;
	cJSON *msg;

	*garbled = 0;
	if (!end)
		return NULL;
	used = (size_t)(end - buf) + 1;
	msg = cJSON_ParseWithLength(buf, used - 1);
	memmove(buf, buf + used, *len - used);
	*len -= used;
	if (!msg)
		*garbled = 1;
	return msg;
}

/* Next whole message, or NULL when the pipe has none yet. The caller owns
 * the returned cJSON. */
static cJSON *take_message(struct cdp *c)
{
	int garbled;
	cJSON *msg = cdp_take_message(c->buf, &c->len, &garbled);

	if (garbled)
		die(EXIT_SYS, "browser: garbled protocol message");
	return msg;
}

static cJSON *read_message(struct cdp *c, long long deadline, const char *method)
{
	cJSON *msg;
	ssize_t n;

	while (!(msg = take_message(c))) {
		if (c->cap - c->len < 65536) {
			c->cap = c->cap ? c->cap * 2 : 1 << 20;
			c->buf = erealloc(c->buf, c->cap);
		}
		n = read(c->rfd, c->buf + c->len, c->cap - c->len);
		if (n > 0) {
			c->len += (size_t)n;
		} else if (n == 0) {
			die(EXIT_FAIL, "browser: exited unexpectedly (during %s)", method);
		} else if (errno == EAGAIN || errno == EINTR) {
			wait_fd(c, c->rfd, POLLIN, deadline, method);
		} else {
			die(EXIT_SYS, "browser: read:");
		}
	}
	return msg;
}

/* Send a request; returns its id. */
static int send_request(struct cdp *c, const char *session, const char *method,
			cJSON *params)
{
	cJSON *req = cJSON_CreateObject();
	int id = c->next_id++;
	char *text;

	cJSON_AddNumberToObject(req, "id", id);
	cJSON_AddStringToObject(req, "method", method);
	cJSON_AddItemToObject(req, "params", params ? params : cJSON_CreateObject());
	if (session)
		cJSON_AddStringToObject(req, "sessionId", session);
	text = cJSON_PrintUnformatted(req);
	cJSON_Delete(req);
	if (!text)
		die(EXIT_SYS, "cJSON_Print: out of memory");
	/* the NUL ending the C string is the message separator */
	send_all(c, text, strlen(text) + 1, method);
	free(text);
	return id;
}

int cdp_send(struct cdp *c, const char *session, const char *method, cJSON *params)
{
	c->sent_id = send_request(c, session, method, params);
	c->sent_answered = 0;
	return c->sent_id;
}

int cdp_answered(const struct cdp *c, int id)
{
	return id != c->sent_id || c->sent_answered;
}

/* An error answer's message; the protocol does not promise one. */
static const char *error_message(const cJSON *error)
{
	const char *text = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(error, "message"));

	return text ? text : "unknown error";
}

cJSON *cdp_call(struct cdp *c, const char *session, const char *method,
		cJSON *params, const char **err)
{
	int want = send_request(c, session, method, params);
	long long deadline = now_ms() + c->timeout_ms;
	cJSON *msg, *id, *result, *error;

	for (;;) {
		msg = read_message(c, deadline, method);
		id = cJSON_GetObjectItemCaseSensitive(msg, "id");
		error = cJSON_GetObjectItemCaseSensitive(msg, "error");
		if (cJSON_IsNumber(id) && id->valueint == want)
			break;
		if (cJSON_IsNumber(id) && id->valueint == c->sent_id)
			c->sent_answered = 1;
		if (!id && c->on_event)
			c->on_event(c->ctx,
				    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(msg, "sessionId")),
				    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(msg, "method")),
				    cJSON_GetObjectItemCaseSensitive(msg, "params"));
		else if (error)
			/* the answer to a cdp_send: nobody waits for it */
			warn("browser: %s", error_message(error));
		cJSON_Delete(msg);
	}
	if (error) {
		snprintf(c->err, sizeof c->err, "%s", error_message(error));
		cJSON_Delete(msg);
		*err = c->err;
		return NULL;
	}
	result = cJSON_DetachItemFromObjectCaseSensitive(msg, "result");
	cJSON_Delete(msg);
	return result ? result : cJSON_CreateObject();
}

cJSON *cdp_ecall(struct cdp *c, const char *session, const char *method,
		 cJSON *params)
{
	const char *err;
	cJSON *r = cdp_call(c, session, method, params, &err);

	if (!r)
		die(EXIT_SYS, "browser: %s: %s", method, err);
	return r;
}

void cdp_add_document_script(struct cdp *c, const char *session, const char *source)
{
	cJSON *p = cJSON_CreateObject();

	cJSON_AddStringToObject(p, "source", source);
	cJSON_Delete(cdp_ecall(c, session, "Page.addScriptToEvaluateOnNewDocument", p));
}

void cdp_eval_quietly(struct cdp *c, const char *session, const char *expression)
{
	cJSON *p = cJSON_CreateObject();
	const char *err;

	cJSON_AddStringToObject(p, "expression", expression);
	cJSON_Delete(cdp_call(c, session, "Runtime.evaluate", p, &err));
}

char *cdp_open_frame_target(struct cdp *c, int width, int height)
{
	cJSON *p = cJSON_CreateObject(), *r;
	char *target, *session;

	cJSON_AddStringToObject(p, "url", "about:blank");
	cJSON_AddBoolToObject(p, "enableBeginFrameControl", 1);
	cJSON_AddNumberToObject(p, "width", width);
	cJSON_AddNumberToObject(p, "height", height);
	r = cdp_ecall(c, NULL, "Target.createTarget", p);
	target = estrdup(json_str(r, "targetId", ""));
	cJSON_Delete(r);
	p = cJSON_CreateObject();
	cJSON_AddStringToObject(p, "targetId", target);
	cJSON_AddBoolToObject(p, "flatten", 1);
	r = cdp_ecall(c, NULL, "Target.attachToTarget", p);
	session = estrdup(json_str(r, "sessionId", ""));
	cJSON_Delete(r);
	free(target);
	return session;
}
