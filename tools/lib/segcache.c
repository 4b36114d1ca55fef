/* segcache.c - encoded segments kept between assemblies */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "adts.h"
#include "file.h"
#include "segcache.h"
#include "strbuf.h"
#include "util.h"

#define INDEX "peaks"

char *segcache_path(const char *dir, const struct segment *s)
{
	return estrfmt("%s/%s.aac", dir, s->hash);
}

long segcache_frames(const char *path)
{
	FILE *f = fopen(path, "rb");
	const char *why;
	long n;

	if (!f)
		return -1;
	n = adts_copy(NULL, f, 0, &why);
	fclose(f);
	return n;
}

void segcache_read_peaks(const char *dir, const struct segment *segs, size_t n,
			 double *peaks)
{
	char *path = estrfmt("%s/" INDEX, dir), *text = read_file(path, NULL), *at, *end;
	size_t i;

	for (i = 0; i < n; i++) {
		peaks[i] = NAN;
		/* a line: the digest, a space, the peak */
		if (!text || !(at = strstr(text, segs[i].hash)) || at[SHA256_HEX_SIZE - 1] != ' ')
			continue;
		peaks[i] = strtod(at + SHA256_HEX_SIZE, &end);
		if (end == at + SHA256_HEX_SIZE || *end != '\n')
			peaks[i] = NAN;
	}
	free(text);
	free(path);
}

static int used(const char *name, const struct segment *segs, size_t n)
{
	size_t i;

	if (strlen(name) != SHA256_HEX_SIZE - 1 + 4 || strcmp(name + SHA256_HEX_SIZE - 1, ".aac"))
		return 0;
	for (i = 0; i < n; i++)
		if (!strncmp(name, segs[i].hash, SHA256_HEX_SIZE - 1))
			return 1;
	return 0;
}

void segcache_keep_only(const char *dir, const struct segment *segs, size_t n,
			const double *peaks)
{
	struct strbuf index = { 0 };
	struct dirent *e;
	char *path, *text;
	size_t i;
	DIR *d;

	for (i = 0; i < n; i++)
		if (!isnan(peaks[i]))
			sb_printf(&index, "%s %.4f\n", segs[i].hash, peaks[i]);
	path = estrfmt("%s/" INDEX, dir);
	text = sb_take(&index);
	if (write_text(path, text) < 0)
		die(EXIT_SYS, "%s:", path);
	free(text);
	free(path);
	if (!(d = opendir(dir)))
		die(EXIT_SYS, "%s:", dir);
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' && (!e->d_name[1] || !strcmp(e->d_name, "..")))
			continue;
		if (!strcmp(e->d_name, INDEX) || used(e->d_name, segs, n))
			continue;
		path = estrfmt("%s/%s", dir, e->d_name);
		if (unlink(path) < 0 && errno != ENOENT)
			die(EXIT_SYS, "%s:", path);
		free(path);
	}
	closedir(d);
}
