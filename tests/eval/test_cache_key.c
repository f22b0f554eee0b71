/*
 * tests/eval/test_cache_key.c - the response cache's model key (the "key"
 * of answers.jsonl, which a resumed run matches) is the SHA-256 of the
 * field list written with snprintf("%.17g") for every number, whatever
 * shortcut the code takes for whole numbers: answers written by earlier
 * versions keep matching. The expected key is built here from that
 * definition (lib/eval/cache.c's header comment) and hashed.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "medsafety/medsafety.h"
#include "core/sha256.h"
#include "eval/eval_state.h"
#include "eval/eval_cache.h"

static void expected_key(const msb_request *r, char key[65])
{
	char text[8192], num[64];
	const double nums[6] = { (double)r->max_tokens, r->temperature, r->top_p, (double)r->has_seed,
		r->has_seed ? (double)r->seed : 0, (double)r->sample_index };
	const char *const tags[6] = { "max_tokens", "temperature", "top_p", "has_seed", "seed", "sample" };
	unsigned char d[32];
	msb_sha256 s;
	int i;

	/* no backend, no system prompt: their "-;" forms */
	snprintf(text, sizeof text, "kind:12:generation/1backend:-;system:-;prompt:%zu:%s",
	    strlen(r->prompt), r->prompt);
	if (r->reference)
		snprintf(text + strlen(text), sizeof text - strlen(text), "reference:%zu:%s",
		    strlen(r->reference), r->reference);
	else
		strcat(text, "reference:-;");
	for (i = 0; i < 6; i++) {
		snprintf(num, sizeof num, "%s=%.17g;", tags[i], nums[i]);
		strcat(text, num);
	}
	for (i = 0; i < (int)r->n_stop; i++)
		snprintf(text + strlen(text), sizeof text - strlen(text), "stop:%zu:%s",
		    strlen(r->stop[i]), r->stop[i]);
	msb_sha256_init(&s);
	msb_sha256_update(&s, text, strlen(text));
	msb_sha256_final(&s, d);
	msb_sha256_tohex(d, key);
}

static void test_model_key_numbers(void **state)
{
	static const double temps[] = { 0.0, -0.0, 1.0, 0.7, 2.0, -1.0, 1e15, 1e16, 123456789.0, 0.5,
		-3.0, 1e-9, 999999999999999.0, -999999999999999.0 };
	static const int ints[] = { 0, 1, -1, 9, 10, 512, 4096, 2147483647, -2147483647 };
	msb_eval *ev = calloc(1, sizeof *ev); /* no backend: the key's generic form */
	size_t i, j;
	(void)state;

	assert_non_null(ev);
	for (i = 0; i < sizeof temps / sizeof *temps; i++)
		for (j = 0; j < sizeof ints / sizeof *ints; j++) {
			msb_request r = MSB_REQUEST_INIT;
			char got[65], want[65];
			r.prompt = "What is the dose?";
			r.max_tokens = ints[j];
			r.temperature = temps[i];
			r.top_p = temps[(i + j) % (sizeof temps / sizeof *temps)];
			r.has_seed = (int)(j % 2);
			r.seed = (long long)ints[(j + 3) % (sizeof ints / sizeof *ints)] * 1000003LL;
			r.sample_index = ints[j] < 0 ? 0 : ints[j];
			msb__cache_model_key(ev, &r, got);
			expected_key(&r, want);
			assert_string_equal(got, want);
		}
	free(ev);
}

/*
 * The key's fields are hashed in buffer-fulls of 512 bytes: prompts,
 * references and stop strings of every length from 0 to 1,100 bytes
 * (fields that fit the buffer, fill it exactly, and overflow it) give the
 * key of the definition.
 */
static void test_model_key_lengths(void **state)
{
	static char text[1101];
	msb_eval *ev = calloc(1, sizeof *ev);
	size_t n;
	(void)state;

	assert_non_null(ev);
	for (n = 0; n < sizeof text - 1; n++)
		text[n] = (char)('a' + n % 26);
	for (n = 0; n <= 1100; n++) {
		const char *stops[2];
		msb_request r = MSB_REQUEST_INIT;
		char got[65], want[65];
		r.prompt = text + 1100 - n;
		r.reference = n % 3 ? text + 1100 - (n * 7) % 1100 : NULL;
		stops[0] = text + 1100 - (n * 13) % 700;
		stops[1] = "";
		r.stop = stops;
		r.n_stop = n % 3;
		r.sample_index = (int)n;
		msb__cache_model_key(ev, &r, got);
		expected_key(&r, want);
		assert_string_equal(got, want);
	}
	free(ev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model_key_numbers),
		cmocka_unit_test(test_model_key_lengths),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
