/* sha256.h - SHA-256 hex digests (libcrypto EVP) for cache keys and manifests */
#ifndef SHA256_H
#define SHA256_H

#include <stddef.h>

/* 64 hex digits and a NUL */
#define SHA256_HEX_SIZE 65

/* Hex digest of len bytes at data into hex. Returns 0, or -1 when libcrypto
 * fails (no errno). */
int sha256_hex(const void *data, size_t len, char hex[SHA256_HEX_SIZE]);

/* Hex digest of a file's content, read in blocks. Returns 0, or -1 with
 * errno set when the file cannot be read (EIO when libcrypto fails). */
int sha256_file_hex(const char *path, char hex[SHA256_HEX_SIZE]);

/* Hex digest of this very program (/proc/self/exe), so that what a
 * program made is made again by a changed one; of the library's build
 * time, should the program be unreadable. Returns 0, or -1 when
 * libcrypto fails. */
int sha256_self_hex(char hex[SHA256_HEX_SIZE]);

/* A digest fed in pieces: sha256_new (NULL when libcrypto fails), then
 * sha256_add as often as needed, then sha256_end, which frees it. Each
 * returns 0, or -1 when libcrypto fails. */
struct sha256;
struct sha256 *sha256_new(void);
int sha256_add(struct sha256 *s, const void *data, size_t len);
int sha256_end(struct sha256 *s, char hex[SHA256_HEX_SIZE]);

#endif
