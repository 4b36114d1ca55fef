/* netidle.c - requests in flight and WebSockets open, keyed by
 * requestId: a redirect reuses its request's id, so counting events alone
 * would drift */
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "netidle.h"
#include "util.h"

static int find(char *const *ids, int count, const char *id)
{
	int i;

	for (i = 0; i < count; i++)
		if (!strcmp(ids[i], id))
			return i;
	return -1;
}

static void add(char ***ids, int *count, int *cap, const char *id)
{
	if (find(*ids, *count, id) >= 0)
		return;
	if (*count == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		*ids = erealloc(*ids, *cap * sizeof **ids);
	}
	(*ids)[(*count)++] = estrdup(id);
}

static void drop(char **ids, int *count, const char *id)
{
	int i = find(ids, *count, id);

	if (i >= 0) {
		free(ids[i]);
		ids[i] = ids[--*count];
	}
}

static void drop_all(char ***ids, int *count, int *cap)
{
	while (*count > 0)
		free((*ids)[--*count]);
	free(*ids);
	*ids = NULL;
	*cap = 0;
}

/* blob: and data: URLs are read from memory, not the network; a worker's
 * blob: script (VS Code starts several) never reports its end to the
 * page's session, so counting one would keep the page busy for ever. */
static int in_memory(const cJSON *params)
{
	const char *url = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(params, "request"), "url"));

	return url && (!strncmp(url, "blob:", 5) || !strncmp(url, "data:", 5));
}

void netidle_event(struct netidle *n, const char *method, const cJSON *params,
		   double now)
{
	const char *id = cJSON_GetStringValue(
		cJSON_GetObjectItemCaseSensitive(params, "requestId"));

	if (!id || !method)
		return;
	if (!strcmp(method, "Network.requestWillBeSent")) {
		if (in_memory(params))
			return;
		/* in the browser's monotonic clock, which is ours */
		if (json_num(params, "timestamp", now) < n->assumed_until)
			n->broken = 1;
		add(&n->ids, &n->count, &n->cap, id);
		n->last_change = now;
	} else if (!strcmp(method, "Network.loadingFinished") ||
		   !strcmp(method, "Network.loadingFailed")) {
		drop(n->ids, &n->count, id);
		n->last_change = now;
	} else if (!strcmp(method, "Network.webSocketCreated")) {
		/* not a request in flight: VS Code keeps its sockets open for
		 * ever, and its page is loaded all the same */
		add(&n->sockets, &n->socket_count, &n->socket_cap, id);
	} else if (!strcmp(method, "Network.webSocketClosed")) {
		drop(n->sockets, &n->socket_count, id);
	}
}

int netidle_quiet(const struct netidle *n, double quiet, double now)
{
	return n->count == 0 && (now - n->last_change >= quiet || now < n->assumed_until);
}

void netidle_assume_quiet(struct netidle *n, double quiet)
{
	if (n->count == 0)
		n->assumed_until = n->last_change + quiet;
}

int netidle_live(const struct netidle *n)
{
	return n->count > 0 || n->socket_count > 0;
}

int netidle_end_assumption(struct netidle *n)
{
	int stood = !n->broken;

	n->assumed_until = 0;
	n->broken = 0;
	return stood;
}

void netidle_reset(struct netidle *n, double now)
{
	drop_all(&n->ids, &n->count, &n->cap);
	drop_all(&n->sockets, &n->socket_count, &n->socket_cap);
	n->last_change = now;
	n->assumed_until = 0;
	n->broken = 0;
}
