/* stepid.h - step ids become file names and make targets: check them first */
#ifndef STEPID_H
#define STEPID_H

#include <stddef.h>

#define STEPID_MAX 64

/* 1 when id is 1..STEPID_MAX characters of [A-Za-z0-9._-], does not start
 * with '.' or '-' (no hidden files, no option look-alikes) and is not "." or
 * "..". Otherwise 0 and *why says what is wrong. */
int stepid_valid(const char *id, const char **why);

#endif
