/* userpath.c - file paths written in a spec */
#include <stdlib.h>
#include <string.h>

#include "userpath.h"
#include "util.h"

char *userpath_resolve(const char *path, const char *base)
{
	if (path[0] == '~') {
		const char *home = getenv("HOME");

		if (!home || !*home || (path[1] && path[1] != '/'))
			return NULL;
		return estrfmt("%s%s", home, path + 1);
	}
	if (path[0] == '/')
		return estrdup(path);
	return estrfmt("%s/%s", base, path);
}
