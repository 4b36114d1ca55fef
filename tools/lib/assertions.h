/* assertions.h - what must hold once a step's actions ran: the seed's
 * url_contains, title_contains and element_visible */
#ifndef ASSERTIONS_H
#define ASSERTIONS_H

#include <cjson/cJSON.h>

struct capture;

/* Check the list's shape before anything runs; dies with EXIT_USAGE
 * naming the first bad assertion. */
void assertions_check(const char *id, const cJSON *assertions);

/* Check each against the page; the first that does not hold fails the
 * step (EXIT_FAIL) saying what was expected and what was found. */
void assertions_run(struct capture *cap, const cJSON *assertions);

#endif
