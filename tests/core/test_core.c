/* tests/unit/test_core.c - core internals: errors, allocator, buffers, hashing, files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <curl/curl.h>

#include "medsafety/medsafety.h"
#include "core/abi.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/fileio.h"
#include "core/init.h"
#include "core/sha256.h"
#include "failalloc.h"

static void test_error_last_never_null(void **state)
{
	(void)state;
	msb_error_clear();
	assert_non_null(msb_error_last());
	assert_int_equal(msb_error_last()->code, 0);
	assert_string_equal(msb_error_last()->message, "no error");
	assert_int_equal(msb__error_set(MSB_EPARSE, "%s:%d: bad", "f.csv", 17), MSB_EPARSE);
	assert_int_equal(msb_error_last()->code, MSB_EPARSE);
	assert_string_equal(msb_error_last()->message, "f.csv:17: bad");
	msb__error_prefix("loading %s", "x");
	assert_string_equal(msb_error_last()->message, "loading x: f.csv:17: bad");
	msb_error_clear();
	assert_int_equal(msb_error_last()->code, 0);
}

static void test_error_message_truncated(void **state)
{
	char big[10000];
	(void)state;
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	msb__error_set(MSB_EIO, "%s", big);
	assert_int_equal(strlen(msb_error_last()->message), 8191);
}

static void test_strerror(void **state)
{
	int c;
	(void)state;
	for (c = 0; c >= MSB_EMISMATCH; c--) {
		assert_non_null(msb_strerror(c));
		assert_string_not_equal(msb_strerror(c), "unknown error");
	}
	assert_string_equal(msb_strerror(-9999), "unknown error");
	assert_string_equal(msb_strerror(MSB_ENOMEM), "out of memory");
}

static void test_allocator_hook(void **state)
{
	const msb_allocator a = *failalloc_allocator();
	msb_allocator bad = a;
	char *s;
	(void)state;

	bad.free = NULL;
	assert_int_equal(msb_set_allocator(&bad), MSB_EINVAL);
	bad = a;
	bad.version = 99;
	assert_int_equal(msb_set_allocator(&bad), MSB_EVERSION);

	assert_int_equal(failalloc_install(), 0);
	s = msb__strdup("hello");
	assert_non_null(s);
	assert_int_equal(failalloc_count(), 1);
	msb_free(s);
	failalloc_arm(1); /* the next allocation */
	s = msb__strdup("again");
	assert_null(s);
	assert_int_equal(msb_error_last()->code, MSB_ENOMEM);

	/* refused while initialised */
	assert_true(msb_init() >= 1);
	assert_int_equal(msb_set_allocator(NULL), MSB_ESTATE);
	assert_int_equal(msb_shutdown(), 0);
	assert_int_equal(msb_set_allocator(NULL), 0);
	msb_free(NULL);
}

static void test_calloc_overflow(void **state)
{
	(void)state;
	assert_null(msb__calloc(SIZE_MAX / 2, 4));
	assert_int_equal(msb_error_last()->code, MSB_ENOMEM);
	assert_null(msb__reallocarray(NULL, SIZE_MAX / 2, 4));
}

static void test_init_counted(void **state)
{
	(void)state;
	assert_int_equal(msb_init(), 1);
	assert_int_equal(msb_init(), 2);
	assert_int_equal(msb_shutdown(), 1);
	assert_int_equal(msb_shutdown(), 0);
	assert_int_equal(msb_shutdown(), MSB_ESTATE);
}

/*
 * libcurl's global initialisation waits for the first HTTP use when
 * libcurl's headers know it to be thread-safe (CURL_VERSION_THREADSAFE,
 * 7.84); msb_init does it up front otherwise. The last msb_shutdown undoes
 * it either way.
 */
static void test_http_init_lazy(void **state)
{
#ifdef CURL_VERSION_THREADSAFE
	int lazy = 1;
#else
	int lazy = 0;
#endif
	(void)state;

	assert_int_equal(msb__http_init(), MSB_ESTATE); /* not initialised */
	assert_int_equal(msb_init(), 1);
	assert_int_equal(msb__http_initialised(), !lazy);
	assert_int_equal(msb__http_init(), 0);
	assert_int_equal(msb__http_initialised(), 1);
	assert_int_equal(msb__http_init(), 0); /* once */
	assert_int_equal(msb_init(), 2);
	assert_int_equal(msb_shutdown(), 1);
	assert_int_equal(msb__http_initialised(), 1);
	assert_int_equal(msb_shutdown(), 0);
	assert_int_equal(msb__http_initialised(), 0);
	/* and again after a full shutdown */
	assert_int_equal(msb_init(), 1);
	assert_int_equal(msb__http_init(), 0);
	assert_int_equal(msb__http_initialised(), 1);
	assert_int_equal(msb_shutdown(), 0);
	assert_int_equal(msb__http_initialised(), 0);
}

static void test_version(void **state)
{
	char buf[32];
	(void)state;
	snprintf(buf, sizeof buf, "%d.%d.%d", MSB_VERSION_MAJOR, MSB_VERSION_MINOR, MSB_VERSION_PATCH);
	assert_string_equal(msb_version(), buf);
	assert_string_equal(msb_version(), MSB_VERSION);
	assert_int_equal(msb_version_number(), MSB_VERSION_NUMBER);
}

static void test_buf(void **state)
{
	msb_buf b = MSB_BUF_INIT;
	char *s;
	int i;
	(void)state;

	assert_string_equal(msb_buf_cstr(&b), "");
	for (i = 0; i < 1000; i++)
		assert_int_equal(msb_buf_printf(&b, "%d,", i), 0);
	assert_int_equal(strncmp(b.ptr, "0,1,2,", 6), 0);
	msb_buf_clear(&b);
	assert_int_equal(msb_buf_puts(&b, "ab"), 0);
	assert_int_equal(msb_buf_putc(&b, 'c'), 0);
	assert_int_equal(msb_buf_put(&b, "d\0e", 3), 0);
	assert_int_equal(b.len, 6);
	s = msb_buf_detach(&b);
	assert_string_equal(s, "abcd");
	assert_null(b.ptr);
	msb__free(s);
	s = msb_buf_detach(&b);
	assert_string_equal(s, "");
	msb__free(s);
	msb_buf_dispose(&b);
}

/*
 * msb_buf_put / msb_buf_putc write in place while the bytes and the NUL
 * fit, and grow otherwise: random appends of 0-150 bytes (and single
 * characters) across many capacity boundaries give the same bytes as a
 * plain array, always NUL-terminated with len < cap; a failed buffer
 * stays failed and unchanged.
 */
static void test_buf_boundaries(void **state)
{
	static char want[3000 * 150];
	char chunk[151];
	msb_buf b = MSB_BUF_INIT;
	size_t n = 0, k, j;
	unsigned int seed = 777;
	int i;
	(void)state;

	for (i = 0; i < 3000; i++) {
		k = (size_t)rand_r(&seed) % 151u;
		for (j = 0; j < k; j++)
			chunk[j] = (char)('a' + (size_t)rand_r(&seed) % 26u);
		if (k == 1) {
			assert_int_equal(msb_buf_putc(&b, chunk[0]), 0);
		} else if (k == 2) {
			assert_int_equal(msb_buf_put(&b, NULL, 0), 0);
			k = 0;
		} else {
			assert_int_equal(msb_buf_put(&b, chunk, k), 0);
		}
		memcpy(want + n, chunk, k);
		n += k;
		assert_int_equal(b.len, n);
		assert_true(b.len < b.cap);
		assert_int_equal(b.ptr[b.len], '\0');
	}
	assert_memory_equal(b.ptr, want, n);
	b.failed = 1;
	assert_int_equal(msb_buf_putc(&b, 'x'), MSB_ENOMEM);
	assert_int_equal(msb_buf_put(&b, "yz", 2), MSB_ENOMEM);
	assert_int_equal(b.len, n);
	msb_buf_dispose(&b);
}

static void test_sha256_vectors(void **state)
{
	char hex[65];
	char million[1001];
	msb_sha256 s;
	unsigned char d[32];
	int i;
	(void)state;

	msb_sha256_hex("", 0, hex);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	msb_sha256_hex("abc", 3, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	msb_sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, hex);
	assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	/* one million 'a', fed in uneven pieces */
	memset(million, 'a', sizeof million);
	msb_sha256_init(&s);
	for (i = 0; i < 1000; i++)
		msb_sha256_update(&s, million, (size_t)(i % 2 ? 999 : 1001));
	msb_sha256_final(&s, d);
	msb_sha256_tohex(d, hex);
	assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static void test_fnv(void **state)
{
	(void)state;
	assert_true(msb_fnv1a64("", 0) == 0xcbf29ce484222325ULL);
	assert_true(msb_fnv1a64("a", 1) == 0xaf63dc4c8601ec8cULL);
}

static void test_file_roundtrip(void **state)
{
	char dir[] = "/tmp/msb-core-XXXXXX";
	char path[256], sub[256];
	char *data;
	size_t len;
	(void)state;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/a.txt", dir);
	assert_int_equal(msb__file_write_atomic(path, "one", 3), 0);
	assert_int_equal(msb__file_write_atomic(path, "two!", 4), 0);
	assert_int_equal(msb__file_read(&data, &len, path), 0);
	assert_int_equal(len, 4);
	assert_string_equal(data, "two!");
	msb__free(data);
	snprintf(sub, sizeof sub, "%s/x/y/z", dir);
	assert_int_equal(msb__mkdir_p(sub), 0);
	assert_true(msb__is_dir(sub));
	assert_int_equal(msb__mkdir_p(sub), 0);
	assert_int_equal(msb__mkdir_p(path), MSB_EIO);
	snprintf(sub, sizeof sub, "%s/missing", dir);
	assert_int_equal(msb__file_read(&data, &len, sub), MSB_ENOTFOUND);
	assert_non_null(strstr(msb_error_last()->message, "missing"));
	assert_int_equal(msb__file_read(&data, &len, dir), MSB_EIO);
	unlink(path);
	snprintf(sub, sizeof sub, "rm -rf '%s'", dir);
	assert_int_equal(system(sub), 0);
}

typedef struct { unsigned int version; int a; int b; } opts_v2;
typedef struct { unsigned int version; unsigned int struct_size; void (*f1)(void); void (*f2)(void); } vt_v2;
typedef struct { unsigned int version; unsigned int struct_size; void (*f1)(void); } vt_v1;
static void dummy(void) {}

static void test_abi_helpers(void **state)
{
	opts_v2 o, defs = { 2, 7, 9 };
	vt_v1 old = { 1, sizeof(vt_v1), dummy };
	vt_v2 cur;
	(void)state;

	assert_int_equal(msb__options_init(&o, sizeof o, &defs, 1, 2, "opts"), 0);
	assert_int_equal(o.version, 1);
	assert_int_equal(o.a, 7);
	assert_int_equal(msb__options_init(&o, sizeof o, &defs, 3, 2, "opts"), MSB_EVERSION);
	assert_int_equal(msb__check_version(NULL, 2, "opts"), 0);
	o.version = 0;
	assert_int_equal(msb__check_version(&o, 2, "opts"), MSB_EVERSION);

	memset(&cur, 0xff, sizeof cur);
	assert_int_equal(msb__vtable_copy(&cur, sizeof cur, &old, 2, "vt"), 0);
	assert_ptr_equal(cur.f1, dummy);
	assert_null(cur.f2);
	old.struct_size = 2;
	assert_int_equal(msb__vtable_copy(&cur, sizeof cur, &old, 2, "vt"), MSB_EINVAL);
	assert_int_equal(msb__vtable_copy(&cur, sizeof cur, NULL, 2, "vt"), MSB_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_error_last_never_null),
		cmocka_unit_test(test_error_message_truncated),
		cmocka_unit_test(test_strerror),
		cmocka_unit_test(test_allocator_hook),
		cmocka_unit_test(test_calloc_overflow),
		cmocka_unit_test(test_init_counted),
		cmocka_unit_test(test_http_init_lazy),
		cmocka_unit_test(test_version),
		cmocka_unit_test(test_buf),
		cmocka_unit_test(test_buf_boundaries),
		cmocka_unit_test(test_sha256_vectors),
		cmocka_unit_test(test_fnv),
		cmocka_unit_test(test_file_roundtrip),
		cmocka_unit_test(test_abi_helpers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
