/* animframe.h - the page's animation frame callbacks, held back from the
 * frames whose damage goes unread. After a picture, one frame is drawn
 * only to absorb the damage the picture itself causes; whatever the page
 * draws in it goes unseen until the next damage. Pages draw in animation
 * frame callbacks (an editor draws its text in one and its status line in
 * the next), so those that would run in that frame run in the next one
 * instead, whose damage is read. */
#ifndef ANIMFRAME_H
#define ANIMFRAME_H

#include "cdp.h"

/* Install the hold into every document the page behind session loads. */
void animframe_install(struct cdp *cdp, const char *session);

/* Hold the callbacks back (hold set) or let them run again. A page
 * without the hold (between documents) holds nothing and loses nothing. */
void animframe_hold(struct cdp *cdp, const char *session, int hold);

#endif
