/*
 * fuzz/fuzz_batch.c - what the batch stage reads from outside: one line of
 * a batch output or error file (the provider's result parser, then the
 * completion parser on its body, as lib/eval/batch.c does; OpenAI's and
 * Anthropic's), and the batch
 * journal OUT/batch/batches.jsonl (a damaged or torn file must load or
 * fail cleanly, never crash).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "medsafety/openai.h"
#include "backend/openai.h"
#include "core/alloc.h"
#include "eval/batch.h"
#include "fuzz.h"

static void fail(const char *what)
{
	fprintf(stderr, "fuzz_batch: %s\n", what);
	abort();
}

static void result_line(msb__batch_api *api, const uint8_t *data, size_t size)
{
	/* exact size, no NUL: a read past the line is an overflow for ASan */
	char *line = malloc(size ? size : 1), *body = NULL, msg[128];
	const char *cid = NULL;
	json_t *root = NULL;
	int ok = 0, rc;

	if (!line)
		abort();
	if (size)
		memcpy(line, data, size);
	memset(msg, 'x', sizeof msg);
	rc = api->result(api, line, size, &root, &cid, &ok, &body, msg, sizeof msg);
	if (rc > 0)
		fail("the result parser returned a positive value");
	if (rc == 0 && !cid)
		fail("a result without custom_id");
	if (ok && !body)
		fail("a successful result without a body");
	if (!memchr(msg, '\0', sizeof msg))
		fail("the result message is not NUL-terminated");
	if (body) {
		msb_completion *c = NULL;
		if (msb_completion_new(&c))
			fail("cannot allocate a completion");
		(void)msb__batch_parse(api, c, body, strlen(body));
		msb_completion_free(c);
	}
	msb__free(body);
	json_decref(root);
	free(line);
}

static void journal(const uint8_t *data, size_t size)
{
	const char *path = msb_fuzz_file(data, size, "batches.jsonl");
	msb__batch_journal j;
	char dir[4096];
	size_t i;

	if (!path || strlen(path) >= sizeof dir)
		return;
	strcpy(dir, path);
	*strrchr(dir, '/') = '\0';
	if (msb__batch_journal_open(&j, dir, 1) == 0) {
		for (i = 0; i < j.n; i++)
			if (!j.e[i].batch_id[0] || strlen(j.e[i].batch_id) >= sizeof j.e[i].batch_id)
				fail("a journaled batch without an id");
	}
	msb__batch_journal_close(&j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static msb_backend *be, *abe;
	static msb__batch_api *api, *aapi;

	msb_fuzz_setup();
	if (!api) {
		/* made once, outside the leak check: no request is ever sent */
		msb_openai_options o = MSB_OPENAI_OPTIONS_INIT;
		msb_provider_options p = MSB_PROVIDER_OPTIONS_INIT;
		o.base_url = "http://127.0.0.1:9/v1";
		o.model = "m";
		if (msb_backend_openai_new(&be, &o) || msb__batch_openai_new(&api, be))
			fail("cannot make the batch API");
		p.dialect = MSB_OPENAI_DIALECT_ANTHROPIC;
		o.base_url = "http://127.0.0.1:9";
		if (msb_backend_provider_new(&abe, &o, &p) || msb__batch_anthropic_new(&aapi, abe))
			fail("cannot make the Anthropic batch API");
	}
	{
		long before = msb_fuzz_live();
		result_line(api, data, size);
		result_line(aapi, data, size);
		journal(data, size);
		if (msb_fuzz_live() != before)
			fail("library memory leaked");
	}
	return 0;
}
