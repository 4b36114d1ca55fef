/* assertions.c - checked after the actions, before the hold, so that a
 * failing step fails before its clip is finished */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions.h"
#include "assertions.h"
#include "json.h"
#include "util.h"

/* element_visible waits this long by default: the actions may just have
 * started what shows it */
#define ELEMENT_VISIBLE_TIMEOUT_S 5.0

static const char *const assertion_types[] = {
	"url_contains", "title_contains", "element_visible", NULL,
};

void assertions_check(const char *id, const cJSON *assertions)
{
	const char *const *known;
	const cJSON *a;
	const char *type, *needs;
	int n = 0;

	if (assertions && !cJSON_IsArray(assertions) && !cJSON_IsNull(assertions))
		die(EXIT_USAGE, "steps[%s].assertions: not an array", id);
	if (!cJSON_IsArray(assertions))
		return;
	cJSON_ArrayForEach(a, assertions) {
		if (!(type = json_str(a, "type", NULL)))
			die(EXIT_USAGE, "steps[%s].assertions[%d].type: missing or not a string",
			    id, n);
		for (known = assertion_types; *known && strcmp(*known, type); known++)
			;
		if (!*known)
			die(EXIT_USAGE, "steps[%s].assertions[%d]: unknown assertion \"%s\"",
			    id, n, type);
		needs = strcmp(type, "element_visible") ? "value" : "selector";
		if (!json_str(a, needs, NULL))
			die(EXIT_USAGE, "steps[%s].assertions[%d].%s: missing or not a string",
			    id, n, needs);
		n++;
	}
}

static void element_visible(struct capture *cap, const cJSON *a)
{
	const char *selector = json_str(a, "selector", "");
	double timeout = json_num(a, "timeout", ELEMENT_VISIBLE_TIMEOUT_S * 1000) / 1000;
	const char *actual;

	if (capture_wait_state(cap, selector, "visible", timeout))
		return;
	if (!(actual = page_visibility(cap->page, selector)))
		actual = "unknown";
	capture_fail(cap, EXIT_FAIL, "expected \"%s\" to be visible, but it is %s",
		     selector, actual);
}

void assertions_run(struct capture *cap, const cJSON *assertions)
{
	const cJSON *a;
	const char *type, *value;
	char *actual;
	int n = 0, url;

	cJSON_ArrayForEach(a, assertions) {
		type = json_str(a, "type", "");
		snprintf(cap->where, sizeof cap->where, "assertions[%d] (%s)", n++, type);
		if (!strcmp(type, "element_visible")) {
			element_visible(cap, a);
			continue;
		}
		url = !strcmp(type, "url_contains");
		value = json_str(a, "value", "");
		actual = page_document(cap->page, url ? "url" : "title");
		if (!strstr(actual, value))
			capture_fail(cap, EXIT_FAIL, "expected the %s to contain \"%s\", but it is \"%s\"",
				     url ? "URL" : "title", value, actual);
		free(actual);
	}
}
