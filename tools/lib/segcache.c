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

#define INDEX "index"
#define HEX (SHA256_HEX_SIZE - 1)

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

/* One line of the index: the segment's digest, its frames', its peak. */
static int parse_line(const char *at, struct segcache_entry *e)
{
	char *end;

	if (at[HEX] != ' ' || strspn(at + HEX + 1, "0123456789abcdef") != HEX ||
	    at[2 * HEX + 1] != ' ')
		return -1;
	e->peak = strtod(at + 2 * HEX + 2, &end);
	if (end == at + 2 * HEX + 2 || *end != '\n')
		return -1;
	memcpy(e->digest, at + HEX + 1, HEX);
	e->digest[HEX] = '\0';
	return 0;
}

void segcache_read(const char *dir, const struct segment *segs, size_t n,
		   struct segcache_entry *entries)
{
	char *path = estrfmt("%s/" INDEX, dir), *text = read_file(path, NULL), *at;
	size_t i;

	for (i = 0; i < n; i++) {
		entries[i] = (struct segcache_entry){ .peak = NAN };
		if (text && (at = strstr(text, segs[i].hash)) && parse_line(at, &entries[i]) < 0)
			entries[i] = (struct segcache_entry){ .peak = NAN };
	}
	free(text);
	free(path);
}

int segcache_intact(const char *path, const struct segcache_entry *e)
{
	char hex[SHA256_HEX_SIZE];

	return e->digest[0] && sha256_file_hex(path, hex) == 0 && !strcmp(hex, e->digest);
}

void segcache_digest(const char *path, struct segcache_entry *e)
{
	if (sha256_file_hex(path, e->digest) < 0)
		die(EXIT_SYS, "%s:", path);
}

static int used(const char *name, const struct segment *segs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strncmp(name, segs[i].hash, HEX))
			return 1;
	return 0;
}

/* Whether name is one of ours to remove: a segment's frames segs does not
 * use, or what an interrupted run left. */
static int stale(const char *name, const struct segment *segs, size_t n)
{
	if (strlen(name) == HEX + 4 && !strcmp(name + HEX, ".aac"))
		return !used(name, segs, n);
	return tmp_name_orphaned(name);
}

void segcache_keep_only(const char *dir, const struct segment *segs, size_t n,
			const struct segcache_entry *entries)
{
	struct strbuf index = { 0 };
	struct dirent *e;
	char *path, *text;
	size_t i;
	DIR *d;

	/* the peaks exactly as measured, so that a decision made from a
	 * peak read back is the one made from the peak measured */
	for (i = 0; i < n; i++)
		if (entries[i].digest[0])
			sb_printf(&index, "%s %s %.17g\n", segs[i].hash, entries[i].digest,
				  entries[i].peak);
	path = estrfmt("%s/" INDEX, dir);
	text = sb_take(&index);
	if (write_text(path, text) < 0)
		die(EXIT_SYS, "%s:", path);
	free(text);
	free(path);
	if (!(d = opendir(dir)))
		die(EXIT_SYS, "%s:", dir);
	while ((e = readdir(d))) {
		if (!stale(e->d_name, segs, n))
			continue;
		path = estrfmt("%s/%s", dir, e->d_name);
		if (unlink(path) < 0 && errno != ENOENT)
			die(EXIT_SYS, "%s:", path);
		free(path);
	}
	closedir(d);
}
