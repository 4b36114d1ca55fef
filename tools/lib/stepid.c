/* stepid.c - step id rules */
#include <string.h>

#include "stepid.h"

int stepid_valid(const char *id, const char **why)
{
	size_t len = strlen(id), i;

	if (len == 0) {
		*why = "is empty";
		return 0;
	}
	if (len > STEPID_MAX) {
		*why = "is longer than 64 characters";
		return 0;
	}
	if (id[0] == '.' || id[0] == '-') {
		*why = "starts with '.' or '-'";
		return 0;
	}
	for (i = 0; i < len; i++) {
		char c = id[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-')) {
			*why = "has a character outside [A-Za-z0-9._-]";
			return 0;
		}
	}
	return 1;
}
