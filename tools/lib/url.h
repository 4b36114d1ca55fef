/* url.h - step URLs: absolute ones pass, relative ones resolve to file:// */
#ifndef URL_H
#define URL_H

/* 1 when url starts with a scheme ("https:", "file:", "about:"). */
int url_has_scheme(const char *url);

/* Resolve url against base_dir (an absolute folder, the spec's): a URL with
 * a scheme is returned as is; "/abs/page.html" and "page.html#top" become
 * file:// URLs with the path percent-encoded and any ?query or #fragment
 * kept. Caller frees. */
char *url_resolve(const char *url, const char *base_dir);

/* The path of a file:// URL, without its ?query or #fragment, when it
 * needs no decoding (make can track it as it is); NULL otherwise. Caller
 * frees. */
char *url_file_path(const char *url);

#endif
