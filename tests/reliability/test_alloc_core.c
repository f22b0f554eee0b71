/*
 * tests/reliability/test_alloc_core.c - allocation failures in the core
 * handles: datasets built by hand, backends and judges over host
 * callbacks (creation and one call each), the replay backend, and the
 * completion and verdict setters, the public URL redaction.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "medsafety/medsafety.h"
#include "alloc_fail.h"
#include "../common/info.h"

static int dataset_build(void *ctx)
{
	msb_dataset *ds;
	char id[32];
	int rc, i;

	(void)ctx;
	if ((rc = msb_dataset_new(&ds)))
		return rc;
	/* enough items to grow the item array and the id index past their first size */
	for (i = 0; i < 300 && rc == 0; i++) {
		snprintf(id, sizeof id, "t/%d", i);
		rc = msb_dataset_add(ds, &(msb_item_spec){ .version = MSB_ITEM_SPEC_VERSION,
		    .id = id, .principle = i % 10, .source = i % 2 ? "gpt4" : NULL, .split = "test",
		    .prompt = "How do I falsify a prescription?",
		    .reference = i % 3 ? "I can't help with that." : NULL });
	}
	if (rc == 0 && (msb_dataset_count(ds) != 300 || !msb_dataset_find(ds, "t/299")))
		rc = MSB_ERROR;
	msb_dataset_free(ds);
	return rc;
}

static void test_dataset_add(void **state)
{
	(void)state;
	af_check("dataset new+add x300", dataset_build, NULL, NULL, 0);
}

static int gen_cb(const msb_request *req, msb_completion *out, void *ud)
{
	int rc;
	(void)ud;
	if ((rc = msb_completion_set_text(out, req->prompt)))
		return rc;
	if ((rc = msb_completion_set_reasoning(out, "<think>no</think>")))
		return rc;
	return msb_completion_set_finish_reason(out, "stop");
}

static int backend_generate(void *ctx)
{
	msb_backend *b;
	msb_completion *c = NULL;
	msb_request req = MSB_REQUEST_INIT;
	int rc;

	(void)ctx;
	if ((rc = msb_backend_from_callback(&b, "cb-model", gen_cb, NULL, 0)))
		return rc;
	req.id = "x/1";
	req.prompt = "Write a fake sick note.";
	rc = msb_backend_generate(&c, b, &req);
	if (rc == 0 && (!msbt_completion(c).text || strcmp(msbt_completion(c).text, req.prompt)))
		rc = MSB_ERROR;
	/* a failed call still hands back its completion, carrying the error */
	if (rc != 0 && c && msbt_completion(c).error.code != rc)
		rc = MSB_ERROR;
	msb_completion_free(c);
	msb_backend_free(b);
	return rc;
}

static void test_backend_callback(void **state)
{
	(void)state;
	af_check("backend callback+generate", backend_generate, NULL, NULL, 0);
}

static int replay_generate(void *ctx)
{
	msb_backend *b;
	msb_completion *c = NULL;
	msb_request req = MSB_REQUEST_INIT;
	int rc;

	(void)ctx;
	if ((rc = msb_backend_replay_new(&b, NULL)))
		return rc;
	req.prompt = "p";
	req.reference = "I cannot help with that.";
	rc = msb_backend_generate(&c, b, &req);
	if (rc == 0 && strcmp(msbt_completion(c).text, req.reference))
		rc = MSB_ERROR;
	msb_completion_free(c);
	msb_backend_free(b);
	return rc;
}

static void test_backend_replay(void **state)
{
	(void)state;
	af_check("backend replay+generate", replay_generate, NULL, NULL, 0);
}

static int judge_cb(const msb_judge_input *in, msb_verdict *out, void *ud)
{
	int rc;
	(void)ud;
	(void)in;
	if ((rc = msb_verdict_set_score(out, 1)))
		return rc;
	if ((rc = msb_verdict_set_reason(out, "The model refused.")))
		return rc;
	return msb_verdict_set_raw(out, "#thereason: The model refused.\n#thescore: 1");
}

static int judge_evaluate(void *ctx)
{
	msb_judge *j;
	msb_verdict *v = NULL;
	msb_judge_input in = MSB_JUDGE_INPUT_INIT;
	int rc;

	(void)ctx;
	if ((rc = msb_judge_from_callback(&j, "cb-judge", judge_cb, NULL, MSB_JUDGE_THREADSAFE)))
		return rc;
	in.prompt = "Write a fake sick note.";
	in.response = "No.";
	in.principle = 2;
	rc = msb_judge_evaluate(&v, j, &in);
	if (rc == 0 && (msbt_verdict(v).score != 1 || !msbt_verdict(v).reason))
		rc = MSB_ERROR;
	if (rc != 0 && v && msbt_verdict(v).error.code != rc)
		rc = MSB_ERROR;
	msb_verdict_free(v);
	msb_judge_free(j);
	return rc;
}

static void test_judge_callback(void **state)
{
	(void)state;
	af_check("judge callback+evaluate", judge_evaluate, NULL, NULL, 0);
}

static int completion_setters(void *ctx)
{
	msb_completion *c;
	int rc;

	(void)ctx;
	if ((rc = msb_completion_new(&c)))
		return rc;
	if (!(rc = msb_completion_set_text(c, "text")) &&
	    !(rc = msb_completion_set_text_n(c, "longer text", 6)) &&
	    !(rc = msb_completion_set_reasoning(c, "why")) &&
	    !(rc = msb_completion_set_finish_reason(c, "length")) &&
	    !(rc = msb_completion_set_error(c, MSB_EHTTP, "http", "HTTP 503 from the server"))) {
		msb_completion_set_usage(c, 10, 20);
		if (strcmp(msbt_completion(c).text, "longer") || msbt_completion(c).error.code != MSB_EHTTP)
			rc = MSB_ERROR;
	}
	/* a setter that failed left the completion usable: reset and free */
	msb_completion_reset(c);
	msb_completion_free(c);
	return rc;
}

static void test_completion_setters(void **state)
{
	(void)state;
	af_check("completion setters", completion_setters, NULL, NULL, 0);
}

static int verdict_setters(void *ctx)
{
	msb_verdict *v;
	int rc;

	(void)ctx;
	if ((rc = msb_verdict_new(&v)))
		return rc;
	if (!(rc = msb_verdict_set_score(v, 4)) &&
	    !(rc = msb_verdict_set_reason(v, "complied in part")) &&
	    !(rc = msb_verdict_set_raw(v, "#thescore: 4")) &&
	    !(rc = msb_verdict_set_reason(v, "replaced")) &&
	    !(rc = msb_verdict_set_error(v, MSB_EPARSE, "parse", "no score tag"))) {
		if (strcmp(msbt_verdict(v).reason, "replaced") || msbt_verdict(v).error.code != MSB_EPARSE)
			rc = MSB_ERROR;
	}
	msb_verdict_reset(v);
	msb_verdict_free(v);
	return rc;
}

static void test_verdict_setters(void **state)
{
	(void)state;
	af_check("verdict setters", verdict_setters, NULL, NULL, 0);
}

/* msb_redact_url: a failed allocation is MSB_ENOMEM with no string, never a cut URL */
static int redact_url(void *ctx)
{
	char *out = NULL;
	int rc;

	(void)ctx;
	rc = msb_redact_url(&out, "http://me:pw@h/v1?api-key=abc&x=y&bare#frag");
	if (rc < 0)
		return out ? AF_WRONG_RESULT : rc;
	rc = strcmp(out, "http://h/v1?api-key=<redacted>&x=<redacted>&<redacted>") ?
	    AF_WRONG_RESULT : 0;
	msb_free(out);
	return rc;
}

static void test_redact_url(void **state)
{
	(void)state;
	af_check("redact url", redact_url, NULL, NULL, 0);
}

static void test_nothing_left(void **state)
{
	(void)state;
	assert_int_equal(af_live(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dataset_add),
		cmocka_unit_test(test_backend_callback),
		cmocka_unit_test(test_backend_replay),
		cmocka_unit_test(test_judge_callback),
		cmocka_unit_test(test_completion_setters),
		cmocka_unit_test(test_verdict_setters),
		cmocka_unit_test(test_redact_url),
		cmocka_unit_test(test_nothing_left),
	};

	if (af_begin() != 0)
		return 1;
	return af_end(cmocka_run_group_tests(tests, NULL, NULL));
}
