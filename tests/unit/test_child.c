/* test_child.c - child processes and the tail of their messages
 * (tools/lib/child.c) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "child.h"

static void say_and_exit(void *arg)
{
	fprintf(stderr, "first line\n%s\n", (const char *)arg);
	exit(3);
}

static void say_and_return(void *arg)
{
	fputs("fine\n", stderr);
}

int main(void)
{
	char buf[8];
	struct tail t = { buf, 0, sizeof buf };
	char big[256];
	struct tail m = { big, 0, sizeof big };

	tail_add(&t, "abc", 3);
	CHECK(!strcmp(t.buf, "abc"));
	tail_add(&t, "defg", 4);
	CHECK(!strcmp(t.buf, "abcdefg"));
	/* full: the oldest bytes go */
	tail_add(&t, "hi", 2);
	CHECK(!strcmp(t.buf, "cdefghi"));
	/* more than fits at once: only its end */
	tail_add(&t, "0123456789", 10);
	CHECK(!strcmp(t.buf, "3456789"));
	CHECK(t.len == 7);

	CHECK(child_run(say_and_exit, "the reason", &m) == 3);
	CHECK(!strcmp(m.buf, "first line\nthe reason\n"));
	CHECK(child_pid == 0);
	CHECK(child_run(say_and_return, NULL, &m) == 0);
	CHECK(!strcmp(m.buf, "fine\n"));
	return check_done();
}
