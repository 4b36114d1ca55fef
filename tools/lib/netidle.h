/* netidle.h - the page's requests in flight and open WebSockets, from the
 * Network domain's events, to tell when its network has gone quiet and
 * whether anything outside the browser can still change the page */
#ifndef NETIDLE_H
#define NETIDLE_H

#include <cjson/cJSON.h>

struct netidle {
	char **ids;          /* requestIds started and not yet finished */
	int count, cap;
	double last_change;  /* when a request last started or ended (s) */
	char **sockets;      /* requestIds of WebSockets open */
	int socket_count, socket_cap;
	double assumed_until;  /* quiet taken as given until then (s), 0 when not */
	int broken;          /* a request started before assumed_until */
};

/* Feed one protocol event (any method; others are ignored) seen at time
 * now (seconds, monotonic). */
void netidle_event(struct netidle *n, const char *method, const cJSON *params,
		   double now);

/* Whether no request has been in flight for quiet seconds at time now,
 * or none has started while that is assumed. */
int netidle_quiet(const struct netidle *n, double quiet, double now);

/* With no request in flight, go on as if none had been for quiet seconds
 * already: the rest of that window is assumed quiet. A request the page
 * starts inside it, by the browser's own timestamp however late its event
 * is read, sets broken: whatever was done on the assumption is void. */
void netidle_assume_quiet(struct netidle *n, double quiet);

/* Stop assuming (the window has passed): whether the assumption stood. */
int netidle_end_assumption(struct netidle *n);

/* Whether the page is connected to the world outside the browser: a
 * request in flight or a WebSocket open. What comes through one (a
 * terminal's output, a server's push) arrives on the wall clock, not on
 * the frame clock. */
int netidle_live(const struct netidle *n);

/* Forget every request, as after a new page or a fresh browser. */
void netidle_reset(struct netidle *n, double now);

#endif
