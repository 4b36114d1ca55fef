/* util.h - error reporting, exit codes and checked allocation shared by every tool */
#ifndef UTIL_H
#define UTIL_H

#include <stdarg.h>
#include <stddef.h>

/* The number of elements of an array (not of a pointer). */
#define LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Exit codes every tool keeps (design §7). */
enum {
	EXIT_OK = 0,      /* done */
	EXIT_FAIL = 1,    /* the work failed: worker error, assertion, bad media */
	EXIT_USAGE = 2,   /* usage or invalid input; nothing was written */
	EXIT_TIMEOUT = 3, /* gave up waiting */
	EXIT_SYS = 4,     /* system or I/O error */
};

/* Program name used as the prefix of every diagnostic; main sets it. */
extern const char *argv0;

/* Print "argv0: message" to stderr, as one line of printable text
 * (text_for_terminal). A format ending in ':' appends strerror(errno), the
 * sbase convention. */
void warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void die(int code, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 2, 3)));

/* In place: line breaks and tabs to spaces, other control characters
 * (C0, DEL, C1) to '?'. For text from outside on its way to a terminal. */
void text_for_terminal(char *s);

/* For checks that report instead of dying: write "prefix: message" (the
 * message alone when prefix is NULL) into err, and return -1. */
int errorf(char *err, size_t errlen, const char *prefix, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
int verrorf(char *err, size_t errlen, const char *prefix, const char *fmt, va_list ap);

void *emalloc(size_t n);
void *ecalloc(size_t n, size_t size);
void *erealloc(void *p, size_t n);
char *estrdup(const char *s);
/* asprintf that dies on failure */
char *estrfmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
