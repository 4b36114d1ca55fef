/* strbuf.h - a string that grows as text is appended: linear time where
 * repeated estrfmt("%s...", old) would copy the whole string each time */
#ifndef STRBUF_H
#define STRBUF_H

#include <stddef.h>

struct strbuf {
	char *s;        /* NUL-terminated once anything was added; NULL before */
	size_t len, cap;
};

void sb_add(struct strbuf *b, const char *s, size_t n);
void sb_puts(struct strbuf *b, const char *s);
void sb_printf(struct strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The text so far ("" when nothing was added), handed to the caller, who
 * frees it; b is empty again. */
char *sb_take(struct strbuf *b);

#endif
