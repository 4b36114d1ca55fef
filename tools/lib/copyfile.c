/* copyfile.c - atomic file copy, for results also published elsewhere */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "copyfile.h"
#include "file.h"

static int copy_fd(int in, int out)
{
	char buf[1 << 16];
	ssize_t n, w;

	for (;;) {
		n = read(in, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return (int)n;
		for (ssize_t done = 0; done < n; done += w) {
			w = write(out, buf + done, (size_t)(n - done));
			if (w < 0 && errno == EINTR)
				w = 0;
			else if (w < 0)
				return -1;
		}
	}
}

int copy_file_atomic(const char *from, const char *to)
{
	char *tmp = NULL;
	int in, out = -1, saved;

	in = open(from, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -1;
	if (mkdirs_for(to) < 0)
		goto fail;
	tmp = tmp_path_for(to);
	out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0 || copy_fd(in, out) < 0 || fsync(out) < 0)
		goto fail;
	if (close(out) < 0) {
		out = -1;
		goto fail;
	}
	out = -1;
	if (rename(tmp, to) < 0)
		goto fail;
	if (fsync_dir_of(to) < 0) {
		saved = errno;
		close(in);
		free(tmp);
		errno = saved;
		return -1;
	}
	close(in);
	free(tmp);
	return 0;
fail:
	saved = errno;
	if (out >= 0)
		close(out);
	if (tmp) {
		unlink(tmp);
		free(tmp);
	}
	close(in);
	errno = saved;
	return -1;
}
