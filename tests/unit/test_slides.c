/* Unit tests: the slide deck's themes and image folders. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "slides.h"

static void touch(const char *dir, const char *name)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if ((f = fopen(path, "w")))
		fclose(f);
}

static int ends_with(const char *s, const char *end)
{
	size_t n = strlen(s), m = strlen(end);

	return n >= m && strcmp(s + n - m, end) == 0;
}

int main(void)
{
	static const char *const names[] = { "10.png", "2.JPG", "1.jpeg", "notes.txt",
					     ".hidden.png", "deck.pdf" };
	char dir[] = "/tmp/test_slides.XXXXXX", **paths = NULL, path[600];
	int n, i;

	CHECK(slides_theme(SLIDES_DEFAULT_THEME) != NULL);
	CHECK(strcmp(slides_theme("Dark")->name, "dark") == 0);
	CHECK(slides_theme("light") && slides_theme("contrast"));
	CHECK(slides_theme("Chisel") == NULL);
	CHECK(strcmp(slides_theme("dark")->background, "#1f1f1f") == 0);

	if (!mkdtemp(dir))
		return 4;
	for (i = 0; i < (int)(sizeof names / sizeof names[0]); i++)
		touch(dir, names[i]);
	n = slides_dir_images(dir, &paths);
	CHECK(n == 4);
	/* natural order: 2 before 10 */
	CHECK(n == 4 && ends_with(paths[0], "/1.jpeg") && ends_with(paths[1], "/2.JPG") &&
	      ends_with(paths[2], "/10.png") && ends_with(paths[3], "/deck.pdf"));
	CHECK(n == 4 && strncmp(paths[0], dir, strlen(dir)) == 0);
	CHECK(slides_is_pdf("a/Deck.PDF") && !slides_is_pdf("a.pdf/x.png"));
	for (i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	CHECK(slides_dir_images("/nonexistent/folder", &paths) == -1);
	for (i = 0; i < (int)(sizeof names / sizeof names[0]); i++) {
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
	return check_done();
}
