/* util.c - diagnostics and checked allocation */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

const char *argv0 = "tool";

/* Make text from outside (a worker's error, a page's message) safe to show
 * on a terminal: a line break or tab becomes a space, so a message stays
 * one line; any other control character (escape sequences included, and
 * the C1 controls U+0080-U+009F) becomes '?'. */
void text_for_terminal(char *s)
{
	unsigned char *p = (unsigned char *)s, *o = p;

	for (; *p; p++) {
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*o++ = ' ';
		else if (*p < 0x20 || *p == 0x7f)
			*o++ = '?';
		else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			*o++ = '?';
			p++;
		} else
			*o++ = *p;
	}
	*o = '\0';
}

static void vwarn(const char *fmt, va_list ap)
{
	int saved = errno;
	size_t len = strlen(fmt);
	char *msg;

	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	if (msg)
		text_for_terminal(msg);
	fprintf(stderr, "%s: %s", argv0, msg ? msg : fmt);
	free(msg);
	if (len > 0 && fmt[len - 1] == ':')
		fprintf(stderr, " %s", strerror(saved));
	fputc('\n', stderr);
}

void warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
}

/* A second thread dying while the first runs the exit handlers would run
 * them again: it waits, and the process ends with the first. */
static pthread_mutex_t dying = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;

void die(int code, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&dying);
	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
	exit(code);
}

void *emalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		die(EXIT_SYS, "malloc:");
	return p;
}

void *ecalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		die(EXIT_SYS, "calloc:");
	return p;
}

void *erealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die(EXIT_SYS, "realloc:");
	return p;
}

char *estrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		die(EXIT_SYS, "strdup:");
	return p;
}

char *estrfmt(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		die(EXIT_SYS, "vasprintf:");
	return s;
}

int verrorf(char *err, size_t errlen, const char *prefix, const char *fmt, va_list ap)
{
	int n = prefix ? snprintf(err, errlen, "%s: ", prefix) : 0;

	if (n >= 0 && (size_t)n < errlen)
		vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
	return -1;
}

int errorf(char *err, size_t errlen, const char *prefix, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verrorf(err, errlen, prefix, fmt, ap);
	va_end(ap);
	return -1;
}
