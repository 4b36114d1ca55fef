/* Unit tests: what file.h promises a crash leaves. fsync is replaced here
 * to note what was synced: a write must sync the file's bytes and then the
 * folder that holds its new name; mkdirs the parent of each folder it made. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "check.h"
#include "copyfile.h"
#include "file.h"
#include "util.h"

static struct stat synced[64];
static size_t nsynced;

int fsync(int fd)
{
	if (nsynced < sizeof synced / sizeof *synced && fstat(fd, &synced[nsynced]) == 0)
		nsynced++;
	return (int)syscall(SYS_fsync, fd);
}

/* Whether path's inode (file or folder) was synced since the last reset. */
static int was_synced(const char *path)
{
	struct stat st;
	size_t i;

	if (stat(path, &st) < 0)
		return 0;
	for (i = 0; i < nsynced; i++)
		if (synced[i].st_ino == st.st_ino && synced[i].st_dev == st.st_dev)
			return 1;
	printf("# %s was not synced\n", path);
	return 0;
}

int main(void)
{
	char dir[] = "/tmp/tour-durable.XXXXXX";
	char *sub, *a, *b, *deeper, *tmp, *cmd;
	FILE *f;

	if (!mkdtemp(dir))
		return 4;
	sub = estrfmt("%s/sub", dir);
	a = estrfmt("%s/sub/a.wav", dir);
	b = estrfmt("%s/sub/b.wav", dir);
	deeper = estrfmt("%s/new/deeper", dir);

	CHECK(mkdirs(sub) == 0);
	nsynced = 0;
	CHECK(write_file_atomic(a, "RIFF", 4) == 0);
	CHECK(was_synced(a) && was_synced(sub));

	nsynced = 0;
	CHECK(write_if_changed(a, "RIFF!", 5) == 1);
	CHECK(was_synced(a) && was_synced(sub));

	nsynced = 0;
	CHECK(copy_file_atomic(a, b) == 0);
	CHECK(was_synced(b) && was_synced(sub));

	/* a file another program wrote, then renamed into place */
	tmp = tmp_path_for(b);
	f = fopen(tmp, "w");
	CHECK(f && fputs("from ffmpeg", f) >= 0 && fclose(f) == 0);
	nsynced = 0;
	CHECK(rename_durable(tmp, b) == 0);
	CHECK(was_synced(b) && was_synced(sub) && access(tmp, F_OK) != 0);
	free(tmp);

	nsynced = 0;
	CHECK(mkdirs(deeper) == 0);
	/* "new" into dir, "deeper" into new: each parent once */
	tmp = estrfmt("%s/new", dir);
	CHECK(was_synced(dir) && was_synced(tmp) && nsynced == 2);
	free(tmp);

	cmd = estrfmt("rm -rf %s", dir);
	CHECK(system(cmd) == 0);
	free(cmd);
	free(sub);
	free(a);
	free(b);
	free(deeper);
	return check_done();
}
