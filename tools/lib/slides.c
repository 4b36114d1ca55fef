/* slides.c - built-in slide looks and image folders */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "slides.h"
#include "util.h"

/* Dark first, near VS Code's Dark Modern, so slides sit well between
 * recordings of the editor. Contrast ratios of text on background are
 * above 7:1 in each, for small screens. */
static const struct slide_theme themes[] = {
	{ "dark", "#1f1f1f", "#f0f0f0", "#a8b3bd", "#4fc1ff" },
	{ "light", "#fafafa", "#1b1b1b", "#4a5560", "#005fb8" },
	{ "contrast", "#000000", "#ffffff", "#d0d0d0", "#ffd43b" },
};

const struct slide_theme *slides_theme(const char *name)
{
	size_t i;

	for (i = 0; i < LEN(themes); i++)
		if (strcasecmp(themes[i].name, name) == 0)
			return &themes[i];
	return NULL;
}

const char *slides_theme_names(void)
{
	return "dark, light, contrast";
}

int slides_is_pdf(const char *path)
{
	const char *dot = strrchr(path, '.');

	return dot && !strcasecmp(dot, ".pdf");
}

static int is_image(const char *name)
{
	const char *dot = strrchr(name, '.');

	return name[0] != '.' && dot &&
	       (!strcasecmp(dot, ".png") || !strcasecmp(dot, ".jpg") || !strcasecmp(dot, ".jpeg") ||
		slides_is_pdf(name));
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strverscmp((*a)->d_name, (*b)->d_name);
}

static int image_entry(const struct dirent *d)
{
	return is_image(d->d_name);
}

int slides_dir_images(const char *dir, char ***paths)
{
	struct dirent **list;
	int n = scandir(dir, &list, image_entry, by_name), i;

	if (n < 0)
		return -1;
	*paths = ecalloc((size_t)n + 1, sizeof **paths);
	for (i = 0; i < n; i++) {
		(*paths)[i] = estrfmt("%s/%s", dir, list[i]->d_name);
		free(list[i]);
	}
	free(list);
	return n;
}
