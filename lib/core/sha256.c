/*
 * lib/core/sha256.c - SHA-256 through OpenSSL's libcrypto (which picks
 * SHA-NI or its best assembly for the CPU), and FNV-1a.
 *
 * With OpenSSL 3 the digest goes through SHA256_Init/Update/Final, which
 * call libcrypto's SHA-256 code directly: the EVP route first reads
 * OpenSSL's configuration file and sets up the default provider, 2.3 ms of
 * CPU per process here (docs/performance.md, "dataset stats on the whole
 * folder"), more than hashing a 2 MB file. Those functions are marked
 * deprecated in OpenSSL 3 (OPENSSL_SUPPRESS_DEPRECATED below) but present
 * and the same code; a libcrypto built without them (OPENSSL_NO_DEPRECATED_3_0)
 * or a later major version uses EVP, with the algorithm fetched once.
 * -DMSB_SHA256_EVP=1 forces the EVP route: scripts/check's clang build
 * uses it, so both routes are built and tested.
 * Same digests either way (tests/core: FIPS 180-4 vectors).
 */
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/opensslv.h>
#include <openssl/sha.h>

#include "medsafety/common.h"
#include "core/error.h"
#include "core/sha256.h"

#if OPENSSL_VERSION_MAJOR == 3 && !defined(OPENSSL_NO_DEPRECATED_3_0) && !defined(MSB_SHA256_EVP)
#  define MSB__SHA256_DIRECT 1
#else
#  define MSB__SHA256_DIRECT 0
#endif

#if MSB__SHA256_DIRECT

/* The state is a SHA256_CTX from malloc (as EVP_MD_CTX_new's came from OPENSSL_malloc). */
void msb_sha256_init(msb_sha256 *s)
{
	SHA256_CTX *c = malloc(sizeof *c);

	s->ctx = c;
	s->failed = !c || SHA256_Init(c) != 1;
}

void msb_sha256_update(msb_sha256 *s, const void *data, size_t len)
{
	if (!s->failed && len && SHA256_Update(s->ctx, data, len) != 1)
		s->failed = 1;
}

void msb_sha256_final(msb_sha256 *s, unsigned char digest[32])
{
	if (s->failed || SHA256_Final(digest, s->ctx) != 1) {
		memset(digest, 0, 32);
		msb__error_set(MSB_ENOMEM, "SHA-256: libcrypto failed (out of memory)");
	}
	free(s->ctx);
	s->ctx = NULL;
}

void msb_sha256_copy(msb_sha256 *dst, const msb_sha256 *src)
{
	SHA256_CTX *c = malloc(sizeof *c);

	dst->ctx = c;
	dst->failed = src->failed || !c || !src->ctx;
	if (!dst->failed)
		memcpy(c, src->ctx, sizeof *c);
}

void msb_sha256_discard(msb_sha256 *s)
{
	free(s->ctx);
	s->ctx = NULL;
}

void msb_sha256_hex(const void *data, size_t len, char hex[65])
{
	unsigned char d[32];
	SHA256_CTX c;

	if (SHA256_Init(&c) != 1 || SHA256_Update(&c, data, len) != 1 || SHA256_Final(d, &c) != 1) {
		memset(d, 0, sizeof d);
		msb__error_set(MSB_ENOMEM, "SHA-256: libcrypto failed");
	}
	msb_sha256_tohex(d, hex);
}

#else /* EVP */

static pthread_once_t md_once = PTHREAD_ONCE_INIT;
static EVP_MD *md_fetched;

/* Fetch the algorithm once: an implicit fetch on every digest costs a lookup each time. */
static void md_init(void)
{
	md_fetched = EVP_MD_fetch(NULL, "SHA256", NULL);
}

static const EVP_MD *sha256_md(void)
{
	pthread_once(&md_once, md_init);
	return md_fetched ? md_fetched : EVP_sha256();
}

void msb_sha256_init(msb_sha256 *s)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();

	s->ctx = c;
	s->failed = !c || EVP_DigestInit_ex(c, sha256_md(), NULL) != 1;
}

void msb_sha256_update(msb_sha256 *s, const void *data, size_t len)
{
	if (!s->failed && len && EVP_DigestUpdate(s->ctx, data, len) != 1)
		s->failed = 1;
}

void msb_sha256_final(msb_sha256 *s, unsigned char digest[32])
{
	unsigned int n = 0;

	if (s->failed || EVP_DigestFinal_ex(s->ctx, digest, &n) != 1 || n != 32) {
		memset(digest, 0, 32);
		msb__error_set(MSB_ENOMEM, "SHA-256: libcrypto failed (out of memory)");
	}
	EVP_MD_CTX_free(s->ctx);
	s->ctx = NULL;
}

void msb_sha256_copy(msb_sha256 *dst, const msb_sha256 *src)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();

	dst->ctx = c;
	dst->failed = src->failed || !c || !src->ctx || EVP_MD_CTX_copy_ex(c, src->ctx) != 1;
}

void msb_sha256_discard(msb_sha256 *s)
{
	EVP_MD_CTX_free(s->ctx);
	s->ctx = NULL;
}

void msb_sha256_hex(const void *data, size_t len, char hex[65])
{
	unsigned char d[32];
	unsigned int n = 0;

	if (EVP_Digest(data, len, d, &n, sha256_md(), NULL) != 1 || n != 32) {
		memset(d, 0, sizeof d);
		msb__error_set(MSB_ENOMEM, "SHA-256: libcrypto failed (out of memory)");
	}
	msb_sha256_tohex(d, hex);
}

#endif

void msb_sha256_tohex(const unsigned char digest[32], char hex[65])
{
	static const char digits[] = "0123456789abcdef";
	int i;

	for (i = 0; i < 32; i++) {
		hex[2 * i] = digits[digest[i] >> 4];
		hex[2 * i + 1] = digits[digest[i] & 15];
	}
	hex[64] = '\0';
}

uint64_t msb_fnv1a64(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}
