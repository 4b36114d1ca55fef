/* file.h - whole-file reads and crash-safe writes
 *
 * What "crash-safe" promises: a file written here (and a folder made here)
 * is fsynced, then renamed into place, then its folder is fsynced. Once a
 * call returns 0, a crash of this program or of the machine (power lost)
 * leaves the new file under its name, whole; a crash before that leaves the
 * old file or none, never half of one (a stray ".NAME.tmp.PID" may stay).
 * A folder that cannot be fsynced (EINVAL, EROFS) is taken as it is. */
#ifndef FILE_H
#define FILE_H

#include <stddef.h>

/* Read a whole file, NUL-terminated (the NUL is not counted in *len).
 * Returns NULL with errno set on failure. */
char *read_file(const char *path, size_t *len);

/* The last `lines` lines of a file (a log, for a message about the program
 * that wrote it); NULL when it is missing or empty. Caller frees. */
char *read_file_tail(const char *path, int lines);

/* A temporary name beside path, in the same folder so rename() is atomic:
 * "dir/.base.tmp.PID". Caller frees. */
char *tmp_path_for(const char *path);

/* Whether name, a folder entry, is a temporary name tmp_path_for gave a
 * process that is gone: what an interrupted run left, safe to remove. */
int tmp_name_orphaned(const char *name);

/* Write data to a temporary name and rename it over path, so readers see the
 * old file or the new one, never half of one; durable as said above.
 * Returns 0, or -1 with errno. */
int write_file_atomic(const char *path, const void *data, size_t len);

/* As write_file_atomic, but leave path (and its mtime) alone when it already
 * holds exactly data: what keeps unchanged steps out of a rebuild.
 * Returns 1 when written, 0 when unchanged, -1 with errno on error. */
int write_if_changed(const char *path, const void *data, size_t len);

/* Make a file another program wrote under tmp (ffmpeg's output) durable
 * as said above: fsync tmp, rename it to path, fsync the folder. Returns 0,
 * or -1 with errno (tmp is left for the caller to remove). */
int rename_durable(const char *tmp, const char *path);

struct timespec;

/* Whether modification time a is later than b, to the nanosecond: make's
 * own test of a prerequisite against its target. */
int mtime_after(const struct timespec *a, const struct timespec *b);

/* fsync the folder holding path ("." for a bare name), so that an entry
 * just made or renamed there survives a crash. Returns 0, or -1 with errno. */
int fsync_dir_of(const char *path);

/* mkdir -p, each folder it makes fsynced into its parent. Returns 0, or -1 with errno (ENOENT for an empty path). */
int mkdirs(const char *path);

/* Make the folder that will hold path. Returns 0, or -1 with errno. */
int mkdirs_for(const char *path);

/* rm -rf path: everything under it, then itself, links not followed.
 * Returns 0 (also when path does not exist), or -1 with errno. */
int remove_tree(const char *path);

/* write_if_changed of a string, its folder made first. */
int write_text(const char *path, const char *text);

#endif
