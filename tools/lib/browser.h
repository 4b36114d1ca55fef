/* browser.h - start and stop a headless Chromium driven over
 * --remote-debugging-pipe, in a throwaway profile */
#ifndef BROWSER_H
#define BROWSER_H

#include <sys/types.h>

struct browser {
	pid_t pid;      /* 0 when not running */
	char *profile;  /* temporary --user-data-dir, removed by browser_stop */
	int wfd, rfd;   /* our ends of the browser's fds 3 (commands) and 4 */
};

/* Start $CHROMIUM (default: chromium-headless-shell from PATH) with a window
 * of width x height and the flags deterministic capture needs. Dies with
 * EXIT_SYS when the binary is missing or cannot be started. Its own chatter
 * goes to browser.log in the profile, not to our stderr. */
void browser_start(struct browser *b, int width, int height);

/* Kill the browser and every process it started, reap it, and remove its
 * profile. Safe to call twice and from an exit handler. */
void browser_stop(struct browser *b);

#endif
