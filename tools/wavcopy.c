/* wavcopy - accept a WAV only when it is complete, then copy it atomically.
 *
 * usage: wavcopy [-m manifest.json] [-c cachedir -k key] [-r hit|made] src.wav dest.wav
 *
 * src must be a whole integer-PCM WAV whose header sizes agree with the
 * file: a WAV missing or still arriving over a synced folder is refused
 * (exit 1), so the caller can wait and try again. With -m, src must also match its entry
 * in the manifest ({"files": [{"name", "bytes", "sha256"}]}, the entry whose
 * name is src's path relative to the job folder, "audio/step-ID.wav", or
 * src's file name). With -c and -k, the WAV is also stored as the TTS cache
 * entry for key. With -r, dest.wav.json records how the narration was made
 * (tools/lib/ttsrecord.h): "hit" when src is a cache entry, "made" when a
 * worker synthesised it for this build.
 * Exit 1 when src is not accepted, 2 for usage or a manifest that is
 * missing or no manifest, 4 when src cannot be read (other than missing)
 * or dest cannot be written.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "file.h"
#include "json.h"
#include "sha256.h"
#include "ttscache.h"
#include "ttsrecord.h"
#include "util.h"
#include "wav.h"

static void usage(int code)
{
	fprintf(code ? stderr : stdout,
		"usage: %s [-m manifest.json] [-c cachedir -k key] [-r hit|made] src.wav dest.wav\n",
		argv0);
	exit(code);
}

/* Whether a manifest name ("audio/step-a.wav" or "step-a.wav") is src:
 * src's last path parts spell it out. */
static int names_src(const char *name, const char *src)
{
	size_t name_len = strlen(name), src_len = strlen(src);

	if (name_len > src_len || strcmp(src + src_len - name_len, name) != 0)
		return 0;
	return name_len == src_len || src[src_len - name_len - 1] == '/';
}

static const cJSON *manifest_entry(const char *manifest, const cJSON *root, const char *src)
{
	const cJSON *files = cJSON_GetObjectItemCaseSensitive(root, "files"), *entry;

	if (!cJSON_IsArray(files))
		die(EXIT_USAGE, "%s: files: missing or not an array", manifest);
	cJSON_ArrayForEach(entry, files) {
		const char *entry_name = json_str(entry, "name", NULL);

		if (entry_name && *entry_name && names_src(entry_name, src))
			return entry;
	}
	return NULL;
}

/* Check data (the bytes of src) against src's manifest entry. */
static void check_manifest(const char *manifest, const char *src, const void *data, size_t len)
{
	const char *want_hash;
	char err[256], hash[SHA256_HEX_SIZE];
	int sys_error;
	double want_bytes;
	cJSON *root = json_load(manifest, err, sizeof err, &sys_error);
	const cJSON *entry;

	if (!root)
		die(sys_error && errno != ENOENT ? EXIT_SYS : EXIT_USAGE, "%s: %s", manifest, err);
	entry = manifest_entry(manifest, root, src);
	if (!entry)
		die(EXIT_FAIL, "%s: not accepted: not listed in %s", src, manifest);
	want_bytes = json_num(entry, "bytes", -1);
	want_hash = json_str(entry, "sha256", NULL);
	if (want_bytes < 0 || !want_hash)
		die(EXIT_USAGE, "%s: the entry for %s lacks bytes or sha256", manifest, src);
	if ((double)len != want_bytes)
		die(EXIT_FAIL, "%s: not accepted: %zu bytes, the manifest says %.0f", src, len,
		    want_bytes);
	if (sha256_hex(data, len, hash) < 0)
		die(EXIT_SYS, "cannot hash %s: libcrypto failed", src);
	if (strcmp(hash, want_hash) != 0)
		die(EXIT_FAIL, "%s: not accepted: sha256 differs from the manifest", src);
	cJSON_Delete(root);
}

int main(int argc, char *argv[])
{
	const char *manifest = NULL, *cachedir = NULL, *key = NULL, *made_by = NULL, *src, *dest;
	const char *why;
	unsigned char *data;
	size_t len;
	struct wav w;
	int c;

	argv0 = "wavcopy";
	while ((c = getopt(argc, argv, "c:hk:m:r:")) != -1) {
		switch (c) {
		case 'c': cachedir = optarg; break;
		case 'k': key = optarg; break;
		case 'm': manifest = optarg; break;
		case 'r': made_by = optarg; break;
		case 'h': usage(EXIT_OK); break;
		default: usage(EXIT_USAGE);
		}
	}
	if (optind != argc - 2 || !cachedir != !key)
		usage(EXIT_USAGE);
	if (made_by && strcmp(made_by, "hit") != 0 && strcmp(made_by, "made") != 0)
		die(EXIT_USAGE, "-r %s: say hit or made", made_by);
	if (key && !ttscache_key_valid(key))
		die(EXIT_USAGE, "-k %s: not a cache key (64 lowercase hex digits)", key);
	src = argv[optind];
	dest = argv[optind + 1];

	/* Read once: the bytes checked are the bytes written, even if src
	 * changes meanwhile. */
	data = (unsigned char *)read_file(src, &len);
	if (!data && errno == ENOENT)
		die(EXIT_FAIL, "%s: not accepted: not there (yet)", src);
	if (!data)
		die(EXIT_SYS, "%s:", src);
	if (wav_parse(data, len, &w, &why) < 0)
		die(EXIT_FAIL, "%s: not accepted: %s", src, why);
	if (manifest)
		check_manifest(manifest, src, data, len);

	if (mkdirs_for(dest) < 0 || write_file_atomic(dest, data, len) < 0)
		die(EXIT_SYS, "%s:", dest);
	if (cachedir) {
		char *entry = ttscache_path(cachedir, key);

		/* The cache only saves work later: failing to fill it is no failure. */
		if (mkdirs(cachedir) < 0 || write_file_atomic(entry, data, len) < 0)
			warn("%s: cannot store in the cache:", entry);
		free(entry);
	}
	if (made_by && ttsrecord_write(dest, made_by, key) < 0)
		warn("%s: cannot record how it was made:", dest);
	free(data);
	return EXIT_OK;
}
