/* rclone.h - an rclone remote as a jobs folder: the few commands we need,
 * run from an argument vector (never a shell), -q so only errors print */
#ifndef RCLONE_H
#define RCLONE_H

#include <cjson/cJSON.h>
#include <stddef.h>

/* rclone's exit codes that mean "not there (yet)", as opposed to failures. */
#define RCLONE_DIR_NOT_FOUND 3
#define RCLONE_FILE_NOT_FOUND 4
/* run_wait's code when rclone could not be started at all (or -1) */
#define RCLONE_NOT_INSTALLED 127
/* rclone_lsjson's code when rclone's output is not a JSON array */
#define RCLONE_BAD_OUTPUT -2

/* Whether spec names an rclone remote ("name:path" or ":backend,opts:path")
 * rather than a local folder. */
int rclone_is_remote(const char *spec);

/* rclone copyto --checksum src dst: one file, skipped only when the
 * checksums agree (size and time alone would skip a changed file of the
 * same size). Returns rclone's exit status. */
int rclone_copyto(const char *src, const char *dst);

/* rclone moveto src dst: one file renamed on the remote (a server-side
 * move where the remote has one), so dst appears whole. */
int rclone_moveto(const char *src, const char *dst);

/* rclone copy src dst: a folder's files, each transferred when it differs. */
int rclone_copy(const char *src, const char *dst);

/* rclone cat file: its bytes into *data (malloc'd, NUL-terminated), length
 * into *len. Returns rclone's exit status; *data is NULL unless 0. */
int rclone_cat(const char *file, char **data, size_t *len);

/* rclone lsjson -R --files-only dir: the parsed array into *list. Returns
 * rclone's exit status (or RCLONE_BAD_OUTPUT). */
int rclone_lsjson(const char *dir, cJSON **list);

/* rclone purge dir: a folder and everything in it. */
int rclone_purge(const char *dir);

/* The one reading of a failed command's status, for every caller: when
 * rclone could not be run at all, die with EXIT_SYS saying how to install
 * it; else return (malloc'd) "rclone WHAT ARGS failed (exit N)". */
char *rclone_failure(const char *what, const char *args, int status);

#endif
