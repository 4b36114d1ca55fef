/* partcache.c - a track's parts kept between assemblies */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "file.h"
#include "partcache.h"
#include "strbuf.h"
#include "util.h"

#define HEX (SHA256_HEX_SIZE - 1)

/* A file that ends before its last block, or runs past it, is not read:
 * the count comes before the blocks, and the digest of all after them. */
int partcache_read(const char *dir, const char *key, struct part_entry *e)
{
	char *path = estrfmt("%s/%s.blocks", dir, key), *text = read_file(path, NULL), *at, *end;
	char hex[SHA256_HEX_SIZE];
	size_t head, i, len;
	long long count;

	free(path);
	e->blocks = NULL;
	e->count = 0;
	if (!text)
		return -1;
	/* its last line, the digest of the rest: numbers damaged in place
	 * would otherwise be read as measured */
	len = strlen(text);
	if (len < HEX + 1 || text[len - 1] != '\n' ||
	    sha256_hex(text, len - HEX - 1, hex) < 0 || memcmp(hex, text + len - HEX - 1, HEX))
		goto bad;
	text[len - HEX - 1] = '\0';
	head = strcspn(text, "\n");
	if (head >= sizeof e->head || text[head] != '\n')
		goto bad;
	memcpy(e->head, text, head);
	e->head[head] = '\0';
	at = text + head + 1;
	count = strtoll(at, &end, 10);
	/* each block takes two characters at least: a count past that is
	 * damage, not a reason to allocate */
	if (end == at || *end != '\n' || count < 0 || (size_t)count > strlen(end) / 2)
		goto bad;
	e->count = (size_t)count;
	e->blocks = emalloc((e->count ? e->count : 1) * sizeof *e->blocks);
	for (i = 0, at = end + 1; i < e->count; i++, at = end + 1) {
		e->blocks[i] = strtod(at, &end);
		if (end == at || *end != '\n')
			goto bad;
	}
	if (*at)
		goto bad;
	free(text);
	return 0;
bad:
	free(text);
	free(e->blocks);
	e->blocks = NULL;
	e->count = 0;
	return -1;
}

char *partcache_tmp(const char *dir, const char *name)
{
	static unsigned long calls;

	return estrfmt("%s/.%s.tmp.%ld.%lu", dir, name, (long)getpid(),
		       __atomic_fetch_add(&calls, 1, __ATOMIC_RELAXED));
}

/* Not synced: an entry a crash cuts short reads as none (its count), and
 * samples as not whole (their digest, in the entry). */
int partcache_write(const char *dir, const char *key, const struct part_entry *e,
		    char **failed)
{
	struct strbuf text = { 0 };
	char *name = estrfmt("%s.blocks", key), *path = estrfmt("%s/%s", dir, name),
	     *tmp = partcache_tmp(dir, name), *s, hex[SHA256_HEX_SIZE];
	size_t i, len;
	FILE *f;
	int ret = -1, saved;

	/* the blocks exactly as measured: the gain chosen from blocks read
	 * back is the one chosen from blocks measured */
	sb_printf(&text, "%s\n%zu\n", e->head, e->count);
	for (i = 0; i < e->count; i++)
		sb_printf(&text, "%.17g\n", e->blocks[i]);
	if (sha256_hex(text.s, text.len, hex) < 0)
		hex[0] = '\0';
	sb_printf(&text, "%s\n", hex);
	s = sb_take(&text);
	len = strlen(s);
	if (!hex[0])
		errno = EIO;
	else if ((f = fopen(tmp, "wb"))) {
		ret = fwrite(s, 1, len, f) == len ? 0 : -1;
		if (fclose(f) != 0 || ret < 0)
			ret = -1;
		else if (rename(tmp, path) < 0)
			ret = -2;
		if (ret < 0) {
			saved = errno;
			unlink(tmp);
			errno = saved;
		}
	}
	if (ret < 0 && failed)
		*failed = estrdup(!hex[0] ? "libcrypto" : ret == -2 ? path : tmp);
	ret = ret < 0 ? -1 : 0;
	free(s);
	free(tmp);
	free(path);
	free(name);
	return ret;
}

char *partcache_pcm_path(const char *dir, const char *key)
{
	return estrfmt("%s/%s.pcm", dir, key);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* An entry's name: the digest, then ".blocks" or ".pcm". */
static int entry_name(const char *name)
{
	return strspn(name, "0123456789abcdef") == HEX &&
	       (!strcmp(name + HEX, ".blocks") || !strcmp(name + HEX, ".pcm"));
}

void partcache_keep_only(const char *dir, char **keep, size_t n)
{
	struct dirent *e;
	const char *name;
	char *path;
	DIR *d = opendir(dir);

	if (!d)
		die(EXIT_SYS, "%s:", dir);
	qsort(keep, n, sizeof *keep, by_name);
	while ((e = readdir(d))) {
		name = e->d_name;
		if (entry_name(name) ? bsearch(&name, keep, n, sizeof *keep, by_name) != NULL
				     : !tmp_name_orphaned(name))
			continue;
		path = estrfmt("%s/%s", dir, name);
		if (unlink(path) < 0 && errno != ENOENT)
			die(EXIT_SYS, "%s:", path);
		free(path);
	}
	closedir(d);
}
