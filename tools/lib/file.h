/* file.h - whole-file reads and crash-safe writes */
#ifndef FILE_H
#define FILE_H

#include <stddef.h>

/* Read a whole file, NUL-terminated (the NUL is not counted in *len).
 * Returns NULL with errno set on failure. */
char *read_file(const char *path, size_t *len);

/* A temporary name beside path, in the same folder so rename() is atomic:
 * "dir/.base.tmp.PID". Caller frees. */
char *tmp_path_for(const char *path);

/* Write data to a temporary name and rename it over path, so readers see the
 * old file or the new one, never half of one. Returns 0, or -1 with errno. */
int write_file_atomic(const char *path, const void *data, size_t len);

/* As write_file_atomic, but leave path (and its mtime) alone when it already
 * holds exactly data: what keeps unchanged steps out of a rebuild.
 * Returns 1 when written, 0 when unchanged, -1 with errno on error. */
int write_if_changed(const char *path, const void *data, size_t len);

/* mkdir -p. Returns 0, or -1 with errno (ENOENT for an empty path). */
int mkdirs(const char *path);

/* Make the folder that will hold path. Returns 0, or -1 with errno. */
int mkdirs_for(const char *path);

#endif
