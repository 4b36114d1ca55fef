/* userpath.h - file paths written in a spec: "~/x" and paths relative to it */
#ifndef USERPATH_H
#define USERPATH_H

/* path as the spec's author meant it: "~" or "~/..." under $HOME, an
 * absolute path as it is, anything else relative to base (the spec's
 * folder). malloc'd. NULL when path starts with "~" and HOME is unset,
 * or names another user's home ("~bob/x"). */
char *userpath_resolve(const char *path, const char *base);

#endif
