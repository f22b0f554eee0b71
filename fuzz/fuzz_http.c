/*
 * fuzz/fuzz_http.c - the HTTP response parser of the OpenAI-compatible
 * backend: a 2xx body of either endpoint, the message of an error body,
 * a Retry-After value, and a body of the Anthropic Messages dialect. The input is used as it arrives from the
 * network (not NUL-terminated) for the bodies.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "medsafety/backend.h"
#include "backend/openai.h"
#include "fuzz.h"
#include "../tests/common/info.h"

static void fail(const char *what)
{
	fprintf(stderr, "fuzz_http: %s\n", what);
	abort();
}

static void parse(const uint8_t *data, size_t size, int endpoint)
{
	msb_completion *c;
	char msg[256];
	/* exact size, no NUL: a read past the body is an overflow for ASan */
	char *body = malloc(size ? size : 1);
	int rc;

	if (!body)
		abort();
	if (size)
		memcpy(body, data, size);
	if (msb_completion_new(&c) != 0)
		fail("cannot allocate a completion");
	memset(msg, 'x', sizeof msg);
	rc = msb__openai_parse_response(c, body, size, endpoint, msg, sizeof msg);
	if (rc > 0)
		fail("the parser returned a positive value");
	if (rc < 0 && !memchr(msg, '\0', sizeof msg))
		fail("the error message is not NUL-terminated within its buffer");
	if (rc == 0 && !msbt_completion(c).text && !msbt_completion(c).error.code)
		fail("success without text or error");
	msb_completion_free(c);
	memset(msg, 'x', sizeof msg);
	msb__openai_error_message(body, size, msg, sizeof msg);
	if (!memchr(msg, '\0', sizeof msg))
		fail("msb__openai_error_message: message not NUL-terminated");
	free(body);
}

/* The Anthropic Messages dialect's reader (lib/backend/anthropic.c). */
static void parse_anthropic(const uint8_t *data, size_t size)
{
	msb_completion *c;
	msb__oa_outcome o;
	msb__oa_error_info err;
	char *body = malloc(size ? size : 1);
	int rc;

	if (!body)
		abort();
	if (size)
		memcpy(body, data, size);
	if (msb_completion_new(&c) != 0)
		fail("cannot allocate a completion");
	rc = msb__anthropic_parse(c, body, size, &o, &err);
	if (rc > 0)
		fail("msb__anthropic_parse returned a positive value");
	if (rc == 0 && !msbt_completion(c).text)
		fail("msb__anthropic_parse: success without text");
	if (!memchr(o.msg, '\0', sizeof o.msg) || !memchr(err.message, '\0', sizeof err.message))
		fail("msb__anthropic_parse: a message not NUL-terminated");
	msb_completion_free(c);
	free(body);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *value;

	msb_fuzz_setup();
	parse(data, size, 0 /* MSB_OPENAI_CHAT */);
	parse(data, size, 1 /* MSB_OPENAI_COMPLETIONS */);
	parse_anthropic(data, size);
	if (size < 256) {
		value = msb_fuzz_copy(data, size);
		(void)msb__retry_after_ms(value, 1.7e9);
		free(value);
	}
	msb_fuzz_check_leaks("fuzz_http");
	return 0;
}
