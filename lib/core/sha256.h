/* lib/core/sha256.h - SHA-256 (FIPS 180-4) for cache keys, checksums and provenance. */
#ifndef MSB_CORE_SHA256_H
#define MSB_CORE_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct msb_sha256 {
	uint32_t h[8];
	uint64_t total;
	unsigned char block[64];
	size_t used;
} msb_sha256;

void msb_sha256_init(msb_sha256 *s);
void msb_sha256_update(msb_sha256 *s, const void *data, size_t len);
void msb_sha256_final(msb_sha256 *s, unsigned char digest[32]);
/* One-shot: writes 64 lowercase hex digits and a NUL into hex[65]. */
void msb_sha256_hex(const void *data, size_t len, char hex[65]);
void msb_sha256_tohex(const unsigned char digest[32], char hex[65]);

/* 64-bit FNV-1a: cheap, stable hash (sharding, hash tables). */
uint64_t msb_fnv1a64(const void *data, size_t len);

#endif
