/* test_sha256 - hex digests of buffers and files, and the TTS cache keys built on them */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "file.h"
#include "sha256.h"
#include "ttscache.h"

static int digest_is(const char *data, const char *want)
{
	char hex[SHA256_HEX_SIZE];

	return sha256_hex(data, strlen(data), hex) == 0 && strcmp(hex, want) == 0;
}

static void test_vectors(void)
{
	/* FIPS 180-2 examples */
	CHECK(digest_is("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
	CHECK(digest_is("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
	CHECK(digest_is("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
			"248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"));
}

static void test_file(void)
{
	char path[] = "test_sha256.XXXXXX", from_file[SHA256_HEX_SIZE],
	     from_buf[SHA256_HEX_SIZE];
	size_t len = 200000; /* several read blocks */
	char *data = malloc(len);
	int fd = mkstemp(path);

	CHECK(fd >= 0);
	close(fd);
	memset(data, 'a', len);
	data[len / 2] = 'b';
	CHECK(write_file_atomic(path, data, len) == 0);
	CHECK(sha256_file_hex(path, from_file) == 0);
	CHECK(sha256_hex(data, len, from_buf) == 0);
	CHECK(strcmp(from_file, from_buf) == 0);
	unlink(path);
	errno = 0;
	CHECK(sha256_file_hex(path, from_file) == -1 && errno == ENOENT);
	free(data);
}

static struct tts_request base(void)
{
	return (struct tts_request){ .engine = "espeak-ng 1.51", .voice = "gmw/en-US+m3",
				     .speed = 1.0, .language = "en-us", .text = "Hello" };
}

static int same_key(struct tts_request a, struct tts_request b)
{
	char ka[SHA256_HEX_SIZE], kb[SHA256_HEX_SIZE];

	return ttscache_key(&a, ka) == 0 && ttscache_key(&b, kb) == 0 && strcmp(ka, kb) == 0;
}

static void test_cache_keys(void)
{
	struct tts_request a = base(), b = base();
	char key[SHA256_HEX_SIZE], *path;

	CHECK(same_key(a, b));
	b.speed = 1.00001;
	CHECK(same_key(a, b)); /* below the four decimals kept */
	b.speed = 1.1;
	CHECK(!same_key(a, b));
	b = base(), b.text = "Hello!";
	CHECK(!same_key(a, b));
	b = base(), b.voice = "gmw/en-US+f3";
	CHECK(!same_key(a, b));
	b = base(), b.engine = "espeak-ng 1.52";
	CHECK(!same_key(a, b));
	b = base(), b.language = "en-gb";
	CHECK(!same_key(a, b));
	b = base(), b.reference = "abc";
	CHECK(!same_key(a, b));
	b = base(), b.reference = "";
	CHECK(same_key(a, b)); /* no reference and an empty one are alike */
	/* length prefixes: moving bytes between fields changes the key */
	a.voice = "ab", a.language = "c";
	b = base(), b.voice = "a", b.language = "bc";
	CHECK(!same_key(a, b));

	CHECK(ttscache_key(&a, key) == 0 && ttscache_key_valid(key));
	CHECK(!ttscache_key_valid("../etc/passwd"));
	CHECK(!ttscache_key_valid("ABCDEF"));
	path = ttscache_path("out/cache", key);
	CHECK(strncmp(path, "out/cache/", 10) == 0 && strcmp(path + 74, ".wav") == 0);
	free(path);
}

int main(void)
{
	test_vectors();
	test_file();
	test_cache_keys();
	return check_done();
}
