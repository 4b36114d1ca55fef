/* Unit tests: diagnostics are one line of printable text, whatever a
 * worker or a page put in the message. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "file.h"
#include "util.h"

int main(void)
{
	char path[] = "/tmp/tour-util.XXXXXX", *got, s[64];
	int fd = mkstemp(path), saved = dup(STDERR_FILENO);

	if (fd < 0 || saved < 0)
		return 4;
	strcpy(s, "a\tb\nc\rd\x1b[2Je\x7f" "f\xc2\x9bg caf\xc3\xa9");
	text_for_terminal(s);
	CHECK(strcmp(s, "a b c d?[2Je?f?g caf\xc3\xa9") == 0);

	argv0 = "tool";
	fflush(stderr);
	dup2(fd, STDERR_FILENO);
	warn("Colab worker reported error: %s (step %s)", "boom\x1b]0;title\x07\nfake: line",
	     "a\rb");
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	got = read_file(path, NULL);
	CHECK(got && strcmp(got, "tool: Colab worker reported error: boom?]0;title? fake: line "
			     "(step a b)\n") == 0);
	if (got)
		printf("# %s", got);
	free(got);
	unlink(path);
	return check_done();
}
