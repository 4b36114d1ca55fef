/* input.h - mouse and keyboard input as a person would give it, through
 * Input.dispatch*Event; it shows on screen one frame later */
#ifndef INPUT_H
#define INPUT_H

#include "cdp.h"
#include "keys.h"

/* Move the pointer to (x, y). The browser takes the move with the next
 * frame, so this does not wait for it: returns the request's id for
 * frames_deliver. */
int input_mouse_move(struct cdp *c, const char *session, double x, double y);

/* Press and release the left button at (x, y), where the pointer is. */
void input_click(struct cdp *c, const char *session, double x, double y);

/* Type text as an IME would commit it (no key events). */
void input_insert_text(struct cdp *c, const char *session, const char *text);

/* Press a chord: modifiers down, the key down and up, modifiers up. */
void input_press(struct cdp *c, const char *session, const struct key_chord *chord);

#endif
