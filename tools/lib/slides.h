/* slides.h - the slides deck of a segments spec: built-in looks, and the
 * user's own images */
#ifndef SLIDES_H
#define SLIDES_H

#include <stddef.h>

#define SLIDES_DEFAULT_THEME "dark"
/* ms each slide stays when a segment does not say */
#define SLIDES_DEFAULT_INTERVAL_MS 5000

/* A built-in look: colours as CSS hex, used by the slide page and for the
 * margins of an image that does not fill the video. */
struct slide_theme {
	const char *name;
	const char *background, *text, *muted, *accent;
};

/* The theme called name (any case), or NULL when there is none. */
const struct slide_theme *slides_theme(const char *name);

/* "dark, light, contrast": for messages. */
const char *slides_theme_names(void);

/* Whether path names a PDF (by extension, any case). */
int slides_is_pdf(const char *path);

/* The slides of folder dir (PNG, JPEG and PDF, by extension, any case), in
 * natural name order ("2.png" before "10.png"), as full paths. Returns how
 * many (0 for none), or -1 with errno when the folder cannot be read.
 * *paths is malloc'd, each entry too. */
int slides_dir_images(const char *dir, char ***paths);

#endif
