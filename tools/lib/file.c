/* file.c - whole-file reads and crash-safe writes */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"
#include "util.h"

char *read_file(const char *path, size_t *len)
{
	size_t cap = 8192, used = 0;
	char *buf;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	buf = emalloc(cap);
	for (;;) {
		if (used + 1 >= cap)
			buf = erealloc(buf, cap *= 2);
		n = read(fd, buf + used, cap - used - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int saved = errno;
			free(buf);
			close(fd);
			errno = saved;
			return NULL;
		}
		if (n == 0)
			break;
		used += (size_t)n;
	}
	close(fd);
	buf[used] = '\0';
	if (len)
		*len = used;
	return buf;
}

char *read_file_tail(const char *path, int lines)
{
	size_t len;
	char *text = read_file(path, &len), *p;
	int seen = 0;

	if (!text || !len) {
		free(text);
		return NULL;
	}
	for (p = text + len - 1; p > text; p--)
		if (*p == '\n' && p[1] && ++seen == lines) {
			p++;
			break;
		}
	memmove(text, p, strlen(p) + 1);
	return text;
}

char *tmp_path_for(const char *path)
{
	const char *slash = strrchr(path, '/');
	int dirlen = slash ? (int)(slash - path + 1) : 0;
	const char *base = slash ? slash + 1 : path;

	return estrfmt("%.*s.%s.tmp.%ld", dirlen, path, base, (long)getpid());
}

int tmp_name_orphaned(const char *name)
{
	const char *tmp;
	long pid;

	if (name[0] != '.' || !(tmp = strstr(name, ".tmp.")))
		return 0;
	pid = strtol(tmp + 5, NULL, 10);
	return pid > 0 && kill((pid_t)pid, 0) < 0 && errno == ESRCH;
}

int fsync_dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? estrfmt("%.*s", slash == path ? 1 : (int)(slash - path), path)
			  : estrdup(".");
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), ret = 0, saved;

	free(dir);
	if (fd < 0)
		return -1;
	/* some file systems cannot sync a folder: nothing more to promise there */
	if (fsync(fd) < 0 && errno != EINVAL && errno != EROFS)
		ret = -1;
	saved = errno;
	close(fd);
	errno = saved;
	return ret;
}

int rename_durable(const char *tmp, const char *path)
{
	int fd = open(tmp, O_RDONLY | O_CLOEXEC), saved;

	if (fd < 0)
		return -1;
	if (fsync(fd) < 0) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	close(fd);
	if (rename(tmp, path) < 0)
		return -1;
	return fsync_dir_of(path);
}

static int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int write_file_atomic(const char *path, const void *data, size_t len)
{
	char *tmp = tmp_path_for(path);
	int fd, saved;

	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		goto fail;
	if (write_all(fd, data, len) < 0 || fsync(fd) < 0) {
		saved = errno;
		close(fd);
		errno = saved;
		goto fail_unlink;
	}
	if (close(fd) < 0 || rename(tmp, path) < 0)
		goto fail_unlink;
	free(tmp);
	/* the new name, not only the bytes, must survive a crash */
	return fsync_dir_of(path);
fail_unlink:
	saved = errno;
	unlink(tmp);
	errno = saved;
fail:
	saved = errno;
	free(tmp);
	errno = saved;
	return -1;
}

int write_if_changed(const char *path, const void *data, size_t len)
{
	size_t oldlen;
	char *old = read_file(path, &oldlen);

	if (old) {
		int same = oldlen == len && memcmp(old, data, len) == 0;
		free(old);
		if (same)
			return 0;
	}
	return write_file_atomic(path, data, len) < 0 ? -1 : 1;
}

int mkdirs(const char *path)
{
	char *p, *s;
	int ret = 0;

	/* The loop starts past the first byte, which an empty path lacks. */
	if (!*path) {
		errno = ENOENT;
		return -1;
	}
	p = estrdup(path);
	for (s = p + 1; ; s++) {
		if (*s == '/' || *s == '\0') {
			char c = *s;
			*s = '\0';
			if (mkdir(p, 0755) == 0) {
				/* a new folder's name lives in its parent */
				if (fsync_dir_of(p) < 0) {
					ret = -1;
					break;
				}
			} else if (errno != EEXIST) {
				ret = -1;
				break;
			}
			*s = c;
			if (c == '\0')
				break;
		}
	}
	if (ret < 0) {
		int saved = errno;
		free(p);
		errno = saved;
		return -1;
	}
	free(p);
	return 0;
}

int mkdirs_for(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int ret;

	if (!slash || slash == path)
		return 0;
	dir = estrfmt("%.*s", (int)(slash - path), path);
	ret = mkdirs(dir);
	free(dir);
	return ret;
}

int write_text(const char *path, const char *text)
{
	if (mkdirs_for(path) < 0)
		return -1;
	return write_if_changed(path, text, strlen(text));
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	return remove(path) < 0 && errno != ENOENT ? -1 : 0;
}

int remove_tree(const char *path)
{
	if (nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS) < 0)
		return errno == ENOENT ? 0 : -1;
	return 0;
}

int mtime_after(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec != b->tv_sec ? a->tv_sec > b->tv_sec : a->tv_nsec > b->tv_nsec;
}
