/*
 * lib/core/sha256.h - SHA-256 (FIPS 180-4) for cache keys, checksums and
 * provenance, computed by OpenSSL's libcrypto (SHA-NI or the best code for
 * the CPU; sha256.c says which interface), and FNV-1a.
 */
#ifndef MSB_CORE_SHA256_H
#define MSB_CORE_SHA256_H

#include <stddef.h>
#include <stdint.h>

/*
 * A streaming hash: msb_sha256_init, any number of msb_sha256_update,
 * then msb_sha256_final, which also releases it (always call it). When
 * libcrypto cannot allocate its context (out of memory), the digest is
 * all zeros and the thread's last error says so.
 */
typedef struct msb_sha256 {
	void *ctx; /* SHA256_CTX or EVP_MD_CTX (sha256.c) */
	int failed;
} msb_sha256;

void msb_sha256_init(msb_sha256 *s);
void msb_sha256_update(msb_sha256 *s, const void *data, size_t len);
void msb_sha256_final(msb_sha256 *s, unsigned char digest[32]);
/*
 * dst = a copy of the state of src (a prefix hashed once, continued many
 * times). The state holds a libcrypto context: a struct copy would share
 * it, so copy with this and end each copy with msb_sha256_final or
 * msb_sha256_discard. Reading src from several threads at once is safe.
 */
void msb_sha256_copy(msb_sha256 *dst, const msb_sha256 *src);
/* Release a state without computing its digest. */
void msb_sha256_discard(msb_sha256 *s);
/* One-shot: writes 64 lowercase hex digits and a NUL into hex[65]. */
void msb_sha256_hex(const void *data, size_t len, char hex[65]);
void msb_sha256_tohex(const unsigned char digest[32], char hex[65]);

/* 64-bit FNV-1a: cheap, stable hash (sharding, hash tables). */
uint64_t msb_fnv1a64(const void *data, size_t len);

#endif
