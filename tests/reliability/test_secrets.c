/*
 * tests/reliability/test_secrets.c - the API key never leaves the
 * Authorization header of requests to the configured host.
 *
 * With a key in the environment, a run through the OpenAI-compatible
 * backend and an LLM judge against the local test server (one item whose
 * server answer echoes the key in a 401 message, others with retried
 * faults), then checks: the server did get the key (so the check below is
 * not vacuous); no file in the run folder (results.jsonl, run.json, the
 * response cache), nothing the process wrote to stderr, no error message
 * (last error, completion and verdict errors) and no backend or judge
 * identity contains it. Then redirects: a server at 127.0.0.1:A answers
 * 307 with Location on another origin (localhost:B, and 127.0.0.1:B);
 * the server at B must never see the key.
 *
 * The same for the Anthropic (x-api-key) and Azure (api-key) dialects
 * (issue #21): the run, the echoed key and the redirects.
 *
 *   test_secrets PATH-OF-msb_test_server
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <dirent.h>
#include <sys/stat.h>

#include "medsafety/medsafety.h"
#include "af_util.h"
#include "redirect_server.h"
#include "../backend/test_server.h"
#include "../common/info.h"

static const char *g_server_path;
static char g_key[64];
static int g_dialect = MSB_OPENAI_DIALECT_OPENAI; /* the provider of the backends made */

/* 1 when the file at path contains the key. */
static int file_has_key(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;
	int found;

	if (!f)
		return 0;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	found = memmem(buf, (size_t)n, g_key, strlen(g_key)) != NULL;
	free(buf);
	return found;
}

/* Files under dir (recursively) that contain the key; counts the files it read. */
static int tree_has_key(const char *dir, int *files)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[4096];
	struct stat st;
	int found = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (lstat(path, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			found |= tree_has_key(path, files);
		} else if (file_has_key(path)) {
			fprintf(stderr, "the key is in %s\n", path);
			found = 1;
		}
		(*files)++;
	}
	closedir(d);
	return found;
}

static int has_key(const char *s)
{
	return s && strstr(s, g_key) != NULL;
}

static int openai(msb_backend **out, const char *url, int retries)
{
	msb_openai_options o = MSB_OPENAI_OPTIONS_INIT;
	msb_provider_options p = MSB_PROVIDER_OPTIONS_INIT;

	o.base_url = url;
	o.model = "secret-test-model";
	o.api_key_env = "MSB_SECRETS_TEST_KEY";
	o.max_retries = retries;
	o.backoff_base_ms = 5;
	o.backoff_max_ms = 20;
	o.timeout_ms = 10000;
	p.dialect = g_dialect;
	return msb_backend_provider_new(out, &o, &p);
}

static void run_never_writes_the_key(void)
{
	test_server srv;
	msb_dataset *ds;
	msb_backend *model, *judge_backend;
	msb_judge *judge;
	msb_eval_options eo = MSB_EVAL_OPTIONS_INIT;
	msb_completion *c = NULL;
	msb_request req = MSB_REQUEST_INIT;
	char dir[4096], out[4200], cache[4200], errpath[4300], *stats;
	int saved_err, fd, files = 0, rc;
	msb_results *r;
	size_t i, with_401 = 0;

	assert_int_equal(test_server_start(&srv, g_server_path, NULL), 0);
	assert_int_equal(af_tmpdir(dir, sizeof dir, "secrets"), 0);
	snprintf(out, sizeof out, "%s/run", dir);
	snprintf(cache, sizeof cache, "%s/cache", dir);
	snprintf(errpath, sizeof errpath, "%s/stderr.txt", dir);

	assert_int_equal(msb_dataset_new(&ds), 0);
	assert_int_equal(msb_dataset_add(ds, &(msb_item_spec){ .version = MSB_ITEM_SPEC_VERSION,
	    .id = "s/1", .principle = 1, .prompt = "A normal request." }), 0);
	assert_int_equal(msb_dataset_add(ds, &(msb_item_spec){ .version = MSB_ITEM_SPEC_VERSION,
	    .id = "s/2", .principle = 2,
	    .prompt = "The server rejects this key and echoes it [[fault:401echo]]" }), 0);
	assert_int_equal(msb_dataset_add(ds, &(msb_item_spec){ .version = MSB_ITEM_SPEC_VERSION,
	    .id = "s/3", .principle = 3, .prompt = "Fails once, then works [[fault:500*1]]" }), 0);
	assert_int_equal(msb_dataset_add(ds, &(msb_item_spec){ .version = MSB_ITEM_SPEC_VERSION,
	    .id = "s/4", .principle = 4, .prompt = "A broken body [[fault:badjson]]" }), 0);
	assert_int_equal(openai(&model, srv.url, 2), 0);
	assert_int_equal(openai(&judge_backend, srv.url, 2), 0);
	assert_int_equal(msb_judge_llm_new(&judge, judge_backend, NULL), 0);
	msb_backend_free(judge_backend);
	assert_false(has_key(msb_backend_identity(model)));
	assert_false(has_key(msb_judge_name(judge)));

	/* everything the library may print goes to a file we scan */
	fflush(stderr);
	saved_err = dup(2);
	fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0 && saved_err >= 0);
	dup2(fd, 2);
	close(fd);

	eo.out_dir = out;
	eo.cache_dir = cache;
	eo.concurrency = 2;
	rc = msb_eval_run_simple(NULL, ds, model, judge, &eo);
	if (rc)
		assert_false(has_key(msb_error_last()->message));
	/* one call by hand, to see the error message the backend makes of the echo */
	req.prompt = "Direct call [[fault:401echo]]";
	rc = msb_backend_generate(&c, model, &req);

	fflush(stderr);
	dup2(saved_err, 2);
	close(saved_err);

	assert_int_not_equal(rc, 0);
	assert_non_null(c);
	assert_non_null(msbt_completion(c).error.message);
	assert_false(has_key(msbt_completion(c).error.message));
	assert_false(has_key(msb_error_last()->message));
	msb_completion_free(c);

	/* the key did reach the configured server: the checks are not vacuous */
	stats = test_server_stats(&srv);
	assert_non_null(stats);
	assert_non_null(strstr(stats, g_key));
	free(stats);

	/* the run's records: the 401 is recorded, without the key */
	assert_int_equal(msb_results_open(&r, out, 0), 0);
	assert_int_equal(msb_results_count(r), 4);
	for (i = 0; i < msb_results_count(r); i++) {
		const msb_record *rec = msb_results_record(r, i);
		assert_false(has_key(msbt_record(rec).error.message));
		assert_false(has_key(msbt_record(rec).response));
		assert_false(has_key(msbt_record(rec).judge_raw));
		/* "HTTP 401", not "401": the server's port may hold those digits */
		if (msbt_record(rec).error.message && strstr(msbt_record(rec).error.message, "HTTP 401"))
			with_401++;
	}
	msb_results_free(r);
	assert_int_equal(with_401, 1);

	assert_false(tree_has_key(dir, &files));
	printf("secrets: scanned %d files (run folder, cache, stderr); the key is in none\n", files);
	assert_true(files >= 3);

	af_rmtree(dir);
	msb_judge_free(judge);
	msb_backend_free(model);
	msb_dataset_free(ds);
	test_server_stop(&srv);
}

/* One request to A, which redirects (307) to `target_host`:B. B must never see the key. */
static void redirect_case(const char *target_host)
{
	rserver a, b;
	msb_backend *be;
	msb_completion *c = NULL;
	msb_request req = MSB_REQUEST_INIT;
	char resp[512], url[128], bearer[128];
	int rc;

	/* the header that carries the key in this dialect */
	snprintf(bearer, sizeof bearer, g_dialect == MSB_OPENAI_DIALECT_ANTHROPIC ? "x-api-key: %s" :
	    g_dialect == MSB_OPENAI_DIALECT_AZURE ? "api-key: %s" : "Bearer %s", g_key);
	assert_int_equal(rserver_start(&a), 0);
	assert_int_equal(rserver_start(&b), 0);
	snprintf(resp, sizeof resp,
	    "HTTP/1.1 307 Temporary Redirect\r\nLocation: http://%s:%d/v1/chat/completions\r\n"
	    "Content-Length: 0\r\nConnection: close\r\n\r\n", target_host, b.port);
	rserver_respond(&a, resp);
	rserver_respond(&b, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 71\r\n"
	    "Connection: close\r\n\r\n{\"choices\":[{\"message\":{\"content\":\"from B\"},\"finish_reason\":\"stop\"}]}");
	snprintf(url, sizeof url, "http://127.0.0.1:%d/v1", a.port);
	assert_int_equal(openai(&be, url, 0), 0);
	req.prompt = "Follow me.";
	rc = msb_backend_generate(&c, be, &req);
	/* A got the key; B got no request that carries it */
	assert_true(rserver_saw(&a, bearer));
	assert_false(rserver_saw(&b, g_key));
	printf("secrets: 307 from 127.0.0.1:%d to %s:%d: %s; B received %d request(s), none with the key; "
	    "result %d (%s)\n", a.port, target_host, b.port,
	    rserver_requests(&b) ? "followed" : "not followed", rserver_requests(&b), rc,
	    c && msbt_completion(c).error.message ? msbt_completion(c).error.message : "ok");
	if (c)
		assert_false(has_key(msbt_completion(c).error.message));
	assert_false(has_key(msb_error_last()->message));
	msb_completion_free(c);
	msb_backend_free(be);
	rserver_stop(&a);
	rserver_stop(&b);
}

static void test_run_never_writes_the_key(void **state)
{
	(void)state;
	g_dialect = MSB_OPENAI_DIALECT_OPENAI;
	run_never_writes_the_key();
}

static void test_redirect_to_other_host(void **state)
{
	(void)state;
	g_dialect = MSB_OPENAI_DIALECT_OPENAI;
	redirect_case("localhost");
}

static void test_redirect_to_other_port(void **state)
{
	(void)state;
	g_dialect = MSB_OPENAI_DIALECT_OPENAI;
	redirect_case("127.0.0.1");
}

/* Anthropic: the key in x-api-key, echoed by the server in an Anthropic error body */
static void test_anthropic_never_writes_the_key(void **state)
{
	(void)state;
	g_dialect = MSB_OPENAI_DIALECT_ANTHROPIC;
	run_never_writes_the_key();
	redirect_case("localhost");
	redirect_case("127.0.0.1");
	g_dialect = MSB_OPENAI_DIALECT_OPENAI;
}

/* Azure: the key in api-key */
static void test_azure_never_writes_the_key(void **state)
{
	(void)state;
	g_dialect = MSB_OPENAI_DIALECT_AZURE;
	run_never_writes_the_key();
	redirect_case("localhost");
	redirect_case("127.0.0.1");
	g_dialect = MSB_OPENAI_DIALECT_OPENAI;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_run_never_writes_the_key),
		cmocka_unit_test(test_redirect_to_other_host),
		cmocka_unit_test(test_redirect_to_other_port),
		cmocka_unit_test(test_anthropic_never_writes_the_key),
		cmocka_unit_test(test_azure_never_writes_the_key),
	};
	int rc;

	if (argc < 2) {
		fprintf(stderr, "usage: test_secrets PATH-OF-msb_test_server\n");
		return 2;
	}
	g_server_path = argv[1];
	snprintf(g_key, sizeof g_key, "sk-msbtest-%08lx%08lx", (unsigned long)getpid(),
	    (unsigned long)time(NULL));
	setenv("MSB_SECRETS_TEST_KEY", g_key, 1);
	if (msb_init() < 0)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	msb_shutdown();
	return rc;
}
