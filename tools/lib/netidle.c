/* netidle.c - requests in flight, keyed by requestId: a redirect reuses
 * its request's id, so counting events alone would drift */
#include <stdlib.h>
#include <string.h>

#include "netidle.h"
#include "util.h"

static int find(const struct netidle *n, const char *id)
{
	int i;

	for (i = 0; i < n->count; i++)
		if (!strcmp(n->ids[i], id))
			return i;
	return -1;
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
	int i;

	if (!id || !method)
		return;
	if (!strcmp(method, "Network.requestWillBeSent")) {
		if (in_memory(params))
			return;
		if (find(n, id) < 0) {
			if (n->count == n->cap) {
				n->cap = n->cap ? n->cap * 2 : 16;
				n->ids = erealloc(n->ids, n->cap * sizeof *n->ids);
			}
			n->ids[n->count++] = estrdup(id);
		}
		n->last_change = now;
	} else if (!strcmp(method, "Network.loadingFinished") ||
		   !strcmp(method, "Network.loadingFailed")) {
		if ((i = find(n, id)) >= 0) {
			free(n->ids[i]);
			n->ids[i] = n->ids[--n->count];
		}
		n->last_change = now;
	}
}

int netidle_quiet(const struct netidle *n, double quiet, double now)
{
	return n->count == 0 && now - n->last_change >= quiet;
}

void netidle_reset(struct netidle *n, double now)
{
	while (n->count > 0)
		free(n->ids[--n->count]);
	free(n->ids);
	n->ids = NULL;
	n->cap = 0;
	n->last_change = now;
}
