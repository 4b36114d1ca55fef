/* caret.h - a text caret that blinks on the frame clock. A browser blinks
 * the caret of a focused field on its own timer, on the wall clock, so a
 * capture on a busy machine would catch it in another phase; instead the
 * page's own caret is hidden and one is drawn whose blink follows the
 * recorded frames: solid while typing, then on and off every half second
 * of video. VS Code's editor caret is held steady and blinked the same way. */
#ifndef CARET_H
#define CARET_H

#include "cdp.h"

/* Install the caret into every document the page behind session loads. */
void caret_install(struct cdp *cdp, const char *session);

/* The blink's next half period begins: called every half second of
 * recorded frames, before the frame is drawn. A clip's first (clip_start)
 * shows the caret, whatever the clip before ended on: each clip's blink
 * follows its own frames, and a clip held longer or shorter at its end
 * leaves the next one as it was. */
void caret_tick(struct cdp *cdp, const char *session, int clip_start);

/* Whether a caret blinks on the page now: a field or VS Code's editor has
 * the focus. */
int caret_live(struct cdp *cdp, const char *session);

#endif
