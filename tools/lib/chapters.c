/* chapters.c - chapters as FFmpeg metadata and as a plain list */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chapters.h"
#include "util.h"

/* s appended to *text, with FFmetadata's special characters escaped. */
static char *append_escaped(char *text, const char *s)
{
	size_t len = strlen(text), o;
	char *out = erealloc(text, len + 2 * strlen(s) + 1);

	for (o = len; *s; s++) {
		if (strchr("=;#\\\n", *s))
			out[o++] = '\\';
		out[o++] = *s;
	}
	out[o] = '\0';
	return out;
}

static char *append(char *text, const char *s)
{
	char *out = estrfmt("%s%s", text, s);

	free(text);
	return out;
}

char *chapters_ffmetadata(const char *title, const struct chapter *c, size_t n)
{
	char *text = estrdup(";FFMETADATA1\n"), *line;
	size_t i;

	if (title && *title) {
		text = append(text, "title=");
		text = append_escaped(text, title);
		text = append(text, "\n");
	}
	for (i = 0; i < n; i++) {
		line = estrfmt("\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=%" PRIu64 "\nEND=%" PRIu64
			       "\ntitle=", c[i].start_ms, c[i].end_ms);
		text = append(text, line);
		free(line);
		text = append_escaped(text, c[i].title);
		text = append(text, "\n");
	}
	return text;
}

char *chapters_list(const struct chapter *c, size_t n)
{
	char *text = estrdup(""), *line, *p;
	size_t i;

	for (i = 0; i < n; i++) {
		uint64_t s = c[i].start_ms / 1000;

		if (s >= 3600)
			line = estrfmt("%" PRIu64 ":%02" PRIu64 ":%02" PRIu64 " %s\n", s / 3600,
				       s / 60 % 60, s % 60, c[i].title);
		else
			line = estrfmt("%" PRIu64 ":%02" PRIu64 " %s\n", s / 60, s % 60, c[i].title);
		for (p = strchr(line, ' '); *p; p++)
			if (*p == '\n' || *p == '\r')
				*p = ' ';
		line[strlen(line) - 1] = '\n';
		text = append(text, line);
		free(line);
	}
	return text;
}
