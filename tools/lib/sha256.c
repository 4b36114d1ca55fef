/* sha256.c - SHA-256 hex digests through libcrypto's EVP interface */
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include "sha256.h"

static void to_hex(const unsigned char *md, unsigned len, char *hex)
{
	static const char digits[] = "0123456789abcdef";
	unsigned i;

	for (i = 0; i < len; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 15];
	}
	hex[2 * len] = '\0';
}

static int finish(EVP_MD_CTX *ctx, char *hex)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned len;

	if (!EVP_DigestFinal_ex(ctx, md, &len))
		return -1;
	to_hex(md, len, hex);
	return 0;
}

int sha256_hex(const void *data, size_t len, char hex[SHA256_HEX_SIZE])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ret = -1;

	if (ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) &&
	    EVP_DigestUpdate(ctx, data, len))
		ret = finish(ctx, hex);
	EVP_MD_CTX_free(ctx);
	return ret;
}

int sha256_file_hex(const char *path, char hex[SHA256_HEX_SIZE])
{
	unsigned char buf[65536];
	EVP_MD_CTX *ctx;
	ssize_t n;
	int fd, saved, ret = -1;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ctx = EVP_MD_CTX_new();
	errno = EIO;
	if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL))
		goto out;
	for (;;) {
		n = read(fd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto out;
		if (n == 0)
			break;
		if (!EVP_DigestUpdate(ctx, buf, (size_t)n)) {
			errno = EIO;
			goto out;
		}
	}
	errno = EIO;
	ret = finish(ctx, hex);
out:
	saved = errno;
	EVP_MD_CTX_free(ctx);
	close(fd);
	errno = saved;
	return ret;
}

/* The context is libcrypto's own; the type only hides its header. */
struct sha256 *sha256_new(void)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	if (ctx && !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL)) {
		EVP_MD_CTX_free(ctx);
		ctx = NULL;
	}
	return (struct sha256 *)ctx;
}

int sha256_add(struct sha256 *s, const void *data, size_t len)
{
	return EVP_DigestUpdate((EVP_MD_CTX *)s, data, len) ? 0 : -1;
}

int sha256_end(struct sha256 *s, char hex[SHA256_HEX_SIZE])
{
	int ret = finish((EVP_MD_CTX *)s, hex);

	EVP_MD_CTX_free((EVP_MD_CTX *)s);
	return ret;
}

int sha256_self_hex(char hex[SHA256_HEX_SIZE])
{
	if (sha256_file_hex("/proc/self/exe", hex) == 0)
		return 0;
	return sha256_hex(__DATE__ __TIME__, sizeof __DATE__ __TIME__, hex);
}
