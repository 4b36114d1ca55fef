/* cursor.h - a visible mouse pointer drawn into the page by the tool:
 * headless Chromium draws none. It glides to each click or hover target
 * and ripples on a click, every position a function of the frame index,
 * so the video stays deterministic. */
#ifndef CURSOR_H
#define CURSOR_H

struct capture;

struct cursor {
	int enabled;   /* settings.cursor; off: events only, nothing drawn */
	int shown;     /* drawn yet: it appears with the first pointer action */
	double x, y;   /* where it is, viewport pixels */
};

/* Move the pointer to (x, y): with the cursor on, an eased glide over a
 * fixed number of frames, each frame moving the real pointer too (hover
 * styles follow it); off, one move and one frame. */
void cursor_glide(struct capture *cap, double x, double y);

/* Press and release the left button where the pointer is; with the
 * cursor on, a ripple spreads from it over the next frames. */
void cursor_click(struct capture *cap);

/* Draw the cursor again where it was, after a navigation replaced the
 * document that held it. */
void cursor_restore(struct capture *cap);

#endif
