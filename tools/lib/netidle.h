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
};

/* Feed one protocol event (any method; others are ignored) seen at time
 * now (seconds, monotonic). */
void netidle_event(struct netidle *n, const char *method, const cJSON *params,
		   double now);

/* Whether no request has been in flight for quiet seconds at time now. */
int netidle_quiet(const struct netidle *n, double quiet, double now);

/* Whether the page is connected to the world outside the browser: a
 * request in flight or a WebSocket open. What comes through one (a
 * terminal's output, a server's push) arrives on the wall clock, not on
 * the frame clock. */
int netidle_live(const struct netidle *n);

/* Forget every request, as after a new page or a fresh browser. */
void netidle_reset(struct netidle *n, double now);

#endif
