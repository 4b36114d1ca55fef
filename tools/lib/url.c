/* url.c - resolve the spec's relative URLs against the spec's folder */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "url.h"
#include "util.h"

int url_has_scheme(const char *url)
{
	const char *p = url;

	if (!isalpha((unsigned char)*p))
		return 0;
	while (isalnum((unsigned char)*p) || *p == '+' || *p == '-' || *p == '.')
		p++;
	/* "C:" alone would be a drive letter; no such paths on this platform */
	return *p == ':' && p - url > 1;
}

static void append_encoded(char **out, size_t *len, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i;

	*out = erealloc(*out, *len + 3 * n + 1);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (isalnum(c) || strchr("/-._~!$&'()*+,;=:@", c)) {
			(*out)[(*len)++] = (char)c;
		} else {
			(*out)[(*len)++] = '%';
			(*out)[(*len)++] = hex[c >> 4];
			(*out)[(*len)++] = hex[c & 15];
		}
	}
	(*out)[*len] = '\0';
}

char *url_resolve(const char *url, const char *base_dir)
{
	size_t pathlen = strcspn(url, "?#"), len = 0;
	char *out = NULL, *path;

	if (url_has_scheme(url))
		return estrdup(url);
	if (url[0] == '/')
		path = estrfmt("%.*s", (int)pathlen, url);
	else
		path = estrfmt("%s/%.*s", base_dir, (int)pathlen, url);
	out = estrdup("file://");
	len = strlen(out);
	append_encoded(&out, &len, path, strlen(path));
	free(path);
	out = erealloc(out, len + strlen(url + pathlen) + 1);
	strcpy(out + len, url + pathlen);
	return out;
}

char *url_file_path(const char *url)
{
	size_t len = strcspn(url, "?#");

	if (strncmp(url, "file://", 7) || memchr(url, '%', len))
		return NULL;
	return estrfmt("%.*s", (int)(len - 7), url + 7);
}
