/* test_netidle.c - requests in flight and WebSockets open
 * (tools/lib/netidle.c) */
#include "check.h"
#include "netidle.h"

static void event(struct netidle *n, const char *method, const char *id, double now)
{
	cJSON *p = cJSON_CreateObject();

	cJSON_AddStringToObject(p, "requestId", id);
	netidle_event(n, method, p, now);
	cJSON_Delete(p);
}

/* A request started at the browser's time at, its event read at now. */
static void stamped(struct netidle *n, const char *id, double at, double now)
{
	cJSON *p = cJSON_CreateObject();

	cJSON_AddStringToObject(p, "requestId", id);
	cJSON_AddNumberToObject(p, "timestamp", at);
	netidle_event(n, "Network.requestWillBeSent", p, now);
	cJSON_Delete(p);
}

int main(void)
{
	struct netidle n = { 0 };

	netidle_reset(&n, 0);
	CHECK(!netidle_quiet(&n, 0.5, 0.4));
	CHECK(netidle_quiet(&n, 0.5, 0.5));

	event(&n, "Network.requestWillBeSent", "1", 1);
	event(&n, "Network.requestWillBeSent", "2", 1);
	/* a redirect is sent again under the same id: still one request */
	event(&n, "Network.requestWillBeSent", "2", 1.1);
	CHECK(n.count == 2);
	CHECK(!netidle_quiet(&n, 0.5, 5));
	event(&n, "Network.loadingFinished", "1", 1.2);
	event(&n, "Network.loadingFailed", "2", 1.3);
	CHECK(n.count == 0);
	CHECK(!netidle_quiet(&n, 0.5, 1.7));
	CHECK(netidle_quiet(&n, 0.5, 1.8));

	/* an end we never saw start changes nothing but the time */
	event(&n, "Network.loadingFinished", "9", 2);
	CHECK(n.count == 0);
	event(&n, "Network.responseReceived", "3", 3);
	CHECK(n.count == 0 && n.last_change == 2);

	/* a worker's blob: script and a data: image never reach the network */
	{
		cJSON *p = cJSON_Parse("{\"requestId\": \"5\", \"request\": "
				       "{\"url\": \"blob:http://127.0.0.1:8080/0eee\"}}");
		netidle_event(&n, "Network.requestWillBeSent", p, 3.5);
		cJSON_Delete(p);
		p = cJSON_Parse("{\"requestId\": \"6\", \"request\": {\"url\": \"data:,x\"}}");
		netidle_event(&n, "Network.requestWillBeSent", p, 3.5);
		cJSON_Delete(p);
		CHECK(n.count == 0 && n.last_change == 2);
	}

	/* a WebSocket makes the page live, but not busy loading */
	CHECK(!netidle_live(&n));
	event(&n, "Network.webSocketCreated", "7", 3.6);
	CHECK(netidle_live(&n));
	CHECK(netidle_quiet(&n, 0.5, 3.6) && n.last_change == 2);
	event(&n, "Network.webSocketClosed", "7", 3.7);
	CHECK(!netidle_live(&n));

	event(&n, "Network.requestWillBeSent", "4", 4);
	CHECK(netidle_live(&n));
	/* with a request in flight, nothing is assumed */
	netidle_assume_quiet(&n, 0.5);
	CHECK(n.assumed_until == 0);
	event(&n, "Network.webSocketCreated", "8", 4);
	netidle_reset(&n, 4);
	CHECK(n.count == 0 && netidle_quiet(&n, 0, 4) && !netidle_live(&n));

	/* quiet assumed: at once, and for good once the window has passed */
	event(&n, "Network.loadingFinished", "0", 10);
	netidle_assume_quiet(&n, 0.5);
	CHECK(n.assumed_until == 10.5);
	CHECK(netidle_quiet(&n, 0.5, 10.1) && netidle_quiet(&n, 0.5, 10.6));
	/* a request after the window, read at any time, is an ordinary one */
	stamped(&n, "10", 10.5, 10.6);
	CHECK(!n.broken && n.count == 1 && !netidle_quiet(&n, 0.5, 10.6));
	/* one inside it breaks the assumption, even when read after it */
	netidle_reset(&n, 20);
	netidle_assume_quiet(&n, 0.5);
	stamped(&n, "11", 20.4, 20.7);
	CHECK(n.broken && !netidle_quiet(&n, 0.5, 20.2));
	CHECK(!netidle_end_assumption(&n) && !n.broken && n.assumed_until == 0);
	/* one that stood says so, and is over */
	netidle_reset(&n, 25);
	netidle_assume_quiet(&n, 0.5);
	CHECK(netidle_end_assumption(&n) && n.assumed_until == 0 && !netidle_quiet(&n, 0.5, 25.1));
	/* with no timestamp, the time it was read stands for it */
	netidle_reset(&n, 30);
	netidle_assume_quiet(&n, 0.5);
	event(&n, "Network.requestWillBeSent", "12", 30.2);
	CHECK(n.broken);
	netidle_reset(&n, 40);
	CHECK(!n.broken && n.assumed_until == 0 && !netidle_quiet(&n, 0.5, 40.2));
	return check_done();
}
