/* tests/config/test_config_api.c - the YAML run configuration (cli/config/config.h): the CLI's code. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "config/config.h"

static cli_config *parse(const char *text)
{
	cli_config *cfg = NULL;
	int rc = cli_config_parse(&cfg, text, strlen(text), "t.yaml");

	if (rc < 0)
		fail_msg("parse failed: %s", cli_config_message());
	return cfg;
}

/* Parsing fails with `code` and exactly `message`. */
static void expect_error(const char *text, int code, const char *message)
{
	cli_config *cfg = (cli_config *)1;
	int rc = cli_config_parse(&cfg, text, strlen(text), "t.yaml");

	assert_int_equal(rc, code);
	assert_null(cfg);
	assert_string_equal(cli_config_message(), message);
}

static char *fixture(const char *name)
{
	static char path[4096];
	const char *root = getenv("MSB_SOURCE_ROOT");

	snprintf(path, sizeof path, "%s/tests/fixtures/config/%s", root ? root : ".", name);
	return path;
}

static void test_load_full(void **state)
{
	cli_config *cfg;
	const char *s, *origin;
	long long i;
	double d;
	int b;
	char **list;
	size_t n, line, col;
	(void)state;

	assert_int_equal(cli_config_load(&cfg, fixture("full.yaml")), 0);
	assert_int_equal(cli_config_get_string(&s, cfg, "model.spec"), 0);
	assert_string_equal(s, "openai/gpt-4o-mini");
	assert_int_equal(cli_config_get_int(&i, cfg, "run.concurrency"), 0);
	assert_int_equal(i, 8);
	assert_int_equal(cli_config_get_double(&d, cfg, "model.temperature"), 0);
	assert_true(d == 0.5);
	/* an integer reads as a number too */
	assert_int_equal(cli_config_get_double(&d, cfg, "model.timeout"), 0);
	assert_true(d == 30.0);
	assert_int_equal(cli_config_get_bool(&b, cfg, "run.resume"), 0);
	assert_int_equal(b, 0);

	/* a comma list and a YAML list read the same way */
	assert_int_equal(cli_config_get_strings(&list, &n, cfg, "dataset.principles"), 0);
	assert_int_equal(n, 3);
	assert_string_equal(list[0], "1");
	assert_string_equal(list[2], "9");
	assert_null(list[3]);
	free(list);
	assert_int_equal(cli_config_get_strings(&list, &n, cfg, "dataset.sources"), 0);
	assert_int_equal(n, 2);
	assert_string_equal(list[1], "llama2");
	free(list);

	/* a jury: list of judges, addressed by index */
	assert_int_equal(cli_config_kind(cfg, "judge"), CLI_CONFIG_LIST);
	assert_int_equal(cli_config_count(&n, cfg, "judge"), 0);
	assert_int_equal(n, 2);
	assert_int_equal(cli_config_get_string(&s, cfg, "judge.1.api_key_env"), 0);
	assert_string_equal(s, "JUDGE_KEY");

	/* headers as a mapping, keys in document order */
	assert_int_equal(cli_config_get_keys(&list, &n, cfg, "model.headers"), 0);
	assert_int_equal(n, 2);
	assert_string_equal(list[0], "X-Team");
	assert_string_equal(list[1], "Authorization");
	free(list);

	/* positions are 1-based line and column of the value */
	assert_int_equal(cli_config_position(&origin, &line, &col, cfg, "run.concurrency"), 0);
	assert_string_equal(origin, fixture("full.yaml"));
	assert_int_equal(line, 35);
	assert_int_equal(col, 16);

	/* absent values: ENOTFOUND, out-parameter untouched */
	i = 42;
	assert_int_equal(cli_config_get_int(&i, cfg, "run.max_requests"), MSB_ENOTFOUND);
	assert_int_equal(i, 42);
	assert_int_equal(cli_config_kind(cfg, "nothing.here"), CLI_CONFIG_NONE);
	/* wrong type through a getter */
	assert_int_equal(cli_config_get_int(&i, cfg, "model.spec"), MSB_EINVAL);
	assert_non_null(strstr(cli_config_message(), "full.yaml:16:9: model.spec: expected an integer"));
	cli_config_free(cfg);
}

static void test_single_judge_mapping(void **state)
{
	cli_config *cfg = parse("judge:\n  spec: refusal\n");
	const char *s;
	(void)state;

	assert_int_equal(cli_config_kind(cfg, "judge"), CLI_CONFIG_MAP);
	/* index 0 of a mapping is the mapping itself */
	assert_int_equal(cli_config_get_string(&s, cfg, "judge.0.spec"), 0);
	assert_string_equal(s, "refusal");
	assert_int_equal(cli_config_kind(cfg, "judge.1"), CLI_CONFIG_NONE);
	cli_config_free(cfg);
}

static void test_empty_and_null(void **state)
{
	cli_config *cfg = parse("");
	long long i = 5;
	(void)state;

	assert_int_equal(cli_config_validate(cfg), 0);
	cli_config_free(cfg);
	/* null values are defaults, in any section */
	cfg = parse("model:\nrun:\n  concurrency: ~\n");
	assert_int_equal(cli_config_get_int(&i, cfg, "run.concurrency"), MSB_ENOTFOUND);
	assert_int_equal(i, 5);
	cli_config_free(cfg);
}

static void test_errors_have_positions(void **state)
{
	(void)state;
	expect_error("run:\n  concurrency: lots\n", MSB_EINVAL,
	    "t.yaml:2:16: run.concurrency: expected an integer, found 'lots'");
	expect_error("run:\n  concurrency: 0\n", MSB_EINVAL,
	    "t.yaml:2:16: run.concurrency: must be between 1 and 4096, found 0");
	expect_error("dataset:\n  source: sample\nmodle:\n  spec: replay\n", MSB_EINVAL,
	    "t.yaml:3:1: unknown key 'modle' (did you mean 'model'?)");
	expect_error("model:\n  temprature: 0\n", MSB_EINVAL,
	    "t.yaml:2:3: unknown key 'temprature' in model (did you mean 'temperature'?)");
	expect_error("run:\n  concurrency: 4\n   epochs: 2\n", MSB_EPARSE,
	    "t.yaml:3:10: mapping values are not allowed in this context");
	expect_error("run:\n  resume: maybe\n", MSB_EINVAL,
	    "t.yaml:2:11: run.resume: expected true or false, found 'maybe'");
	expect_error("run:\n  concurrency: \"8\"\n", MSB_EINVAL,
	    "t.yaml:2:16: run.concurrency: expected an integer, found '8'");
	expect_error("model:\n  spec: gpt-4o\n", MSB_EINVAL,
	    "t.yaml:2:9: model.spec: expected a model SPEC: replay, openai/MODEL, anthropic/MODEL or azure/DEPLOYMENT, found 'gpt-4o'");
	expect_error("judge:\n  - spec: refusal\n  - spec: replay\n", MSB_EINVAL,
	    "t.yaml:3:11: judge.1.spec: expected a judge SPEC: refusal, openai/MODEL, anthropic/MODEL or azure/DEPLOYMENT, found 'replay'");
	expect_error("dataset:\n  principles: [1, 12]\n", MSB_EINVAL,
	    "t.yaml:2:19: dataset.principles: expected whole numbers between 0 and 9, found '12'");
	expect_error("dataset:\n  shard: 4/4\n", MSB_EINVAL,
	    "t.yaml:2:10: dataset.shard: shard 4/4: the index counts from 0 and must be below the count");
	expect_error("report:\n  formats: md,pdf\n", MSB_EINVAL,
	    "t.yaml:2:12: report.formats: expected one of md|json|csv|html, found 'pdf'");
	expect_error("run: [1, 2]\n", MSB_EINVAL,
	    "t.yaml:1:6: run: expected a mapping of keys, found a list");
	expect_error("- a\n- b\n", MSB_EINVAL,
	    "t.yaml:1:1: a configuration is a mapping of sections (dataset, model, judge, run, report)");
	expect_error("run:\n  epochs: 1\n  epochs: 2\n", MSB_EPARSE,
	    "t.yaml:3:3: duplicate key 'epochs' (first at line 2)");
	expect_error("run: {}\n---\nrun: {}\n", MSB_EPARSE,
	    "t.yaml:2:1: only one YAML document is allowed in a configuration");
	expect_error("a: &x [*x]\n", MSB_EPARSE,
	    "t.yaml:1:4: nested too deeply (a recursive alias?)");
}

/* Every problem of a file, up to 20, one per line in document order; the first one's code. */
static void test_errors_collected(void **state)
{
	cli_config *cfg = NULL;
	char text[4096], want[64];
	const char *m;
	size_t used = 0, lines;
	int i, rc;
	(void)state;

	expect_error("run:\n  concurrency: lots\n  epochs: 0\nmodle:\n  spec: x\n", MSB_EINVAL,
	    "t.yaml:2:16: run.concurrency: expected an integer, found 'lots'\n"
	    "t.yaml:3:11: run.epochs: must be between 1 and 1000, found 0\n"
	    "t.yaml:4:1: unknown key 'modle' (did you mean 'model'?)");

	/* judges of a jury are checked one by one, each with its own position */
	expect_error("judge:\n  - spec: gpt4\n  - temperature: hot\n  - 7\n", MSB_EINVAL,
	    "t.yaml:2:11: judge.0.spec: expected a judge SPEC: refusal, openai/MODEL, anthropic/MODEL or azure/DEPLOYMENT, found 'gpt4'\n"
	    "t.yaml:3:18: judge.1.temperature: expected a number, found 'hot'\n"
	    "t.yaml:4:5: judge.2: expected a judge mapping (spec: ...), found '7'");

	/* 30 bad values: the first 20, then a line that says there are more */
	used += (size_t)snprintf(text + used, sizeof text - used, "dataset:\n  columns:\n");
	for (i = 0; i < 30; i++)
		used += (size_t)snprintf(text + used, sizeof text - used, "    k%d: 1\n", i);
	rc = cli_config_parse(&cfg, text, used, "t.yaml");
	assert_int_equal(rc, MSB_EINVAL);
	m = cli_config_message();
	for (lines = 1; *m; m++)
		lines += *m == '\n';
	assert_int_equal(lines, 21);
	m = cli_config_message();
	assert_non_null(strstr(m, "t.yaml:3:5: unknown key 'k0' in dataset.columns"));
	assert_non_null(strstr(m, "t.yaml:22:5: unknown key 'k19'"));
	assert_null(strstr(m, "'k20'"));
	snprintf(want, sizeof want, "\nmore than %d errors; the first %d are shown", 20, 20);
	assert_non_null(strstr(m, want));
}

/* "~/" in values naming files and folders means $HOME; elsewhere it stays. */
static void test_home_in_paths(void **state)
{
	const char *text =
	    "dataset:\n  source: ~/data/x.csv\n  source_name: ~/not-a-path\n"
	    "judge:\n  - spec: refusal\n    template: ~/t.txt\n    policy: \"~/p.txt\"\n"
	    "  - spec: refusal\n    rubric: ~other/r.txt\n"
	    "run:\n  out: ~/runs/a\n  cache: ~\n";
	char *old = getenv("HOME") ? strdup(getenv("HOME")) : NULL;
	cli_config *cfg;
	const char *s;
	(void)state;

	setenv("HOME", "/home/tester/", 1);
	cfg = parse(text);
	assert_int_equal(cli_config_get_string(&s, cfg, "dataset.source"), 0);
	assert_string_equal(s, "/home/tester/data/x.csv");
	assert_int_equal(cli_config_get_string(&s, cfg, "dataset.source_name"), 0);
	assert_string_equal(s, "~/not-a-path");
	assert_int_equal(cli_config_get_string(&s, cfg, "judge.0.template"), 0);
	assert_string_equal(s, "/home/tester/t.txt");
	assert_int_equal(cli_config_get_string(&s, cfg, "judge.0.policy"), 0);
	assert_string_equal(s, "/home/tester/p.txt");
	assert_int_equal(cli_config_get_string(&s, cfg, "judge.1.rubric"), 0);
	assert_string_equal(s, "~other/r.txt"); /* another user's home: not ours to guess */
	assert_int_equal(cli_config_get_string(&s, cfg, "run.out"), 0);
	assert_string_equal(s, "/home/tester/runs/a");
	assert_int_equal(cli_config_kind(cfg, "run.cache"), CLI_CONFIG_NONE); /* "~" is YAML's null */
	/* cli_config_set expands the same keys */
	assert_int_equal(cli_config_set(cfg, "run.cache", "~/cache", "--cache"), 0);
	assert_int_equal(cli_config_get_string(&s, cfg, "run.cache"), 0);
	assert_string_equal(s, "/home/tester/cache");
	assert_int_equal(cli_config_set(cfg, "judge.1.rubric", "~/r.txt", "--judge-rubric"), 0);
	assert_int_equal(cli_config_get_string(&s, cfg, "judge.1.rubric"), 0);
	assert_string_equal(s, "/home/tester/r.txt");
	assert_int_equal(cli_config_set(cfg, "model.system_prompt", "~/x", "--system-prompt"), 0);
	assert_int_equal(cli_config_get_string(&s, cfg, "model.system_prompt"), 0);
	assert_string_equal(s, "~/x");
	cli_config_free(cfg);

	/* no HOME: the text stays as written */
	unsetenv("HOME");
	cfg = parse(text);
	assert_int_equal(cli_config_get_string(&s, cfg, "run.out"), 0);
	assert_string_equal(s, "~/runs/a");
	cli_config_free(cfg);
	setenv("HOME", "", 1);
	cfg = parse(text);
	assert_int_equal(cli_config_get_string(&s, cfg, "dataset.source"), 0);
	assert_string_equal(s, "~/data/x.csv");
	cli_config_free(cfg);
	if (old)
		setenv("HOME", old, 1);
	else
		unsetenv("HOME");
	free(old);
}

static void test_secrets_refused(void **state)
{
	(void)state;
	expect_error("model:\n  spec: openai/gpt-4o\n  api_key: sk-do-not-do-this\n", MSB_EINVAL,
	    "t.yaml:3:3: model.api_key: secrets do not belong in a configuration file; put the API "
	    "key in an environment variable and give its name with api_key_env");
	/* the key pasted into api_key_env is never echoed */
	expect_error("judge:\n  api_key_env: sk-abc123-xyz\n", MSB_EINVAL,
	    "t.yaml:2:16: judge.api_key_env: expected the NAME of an environment variable "
	    "(letters, digits, _), such as OPENAI_API_KEY, not the key itself");
}

static void test_load_errors(void **state)
{
	cli_config *cfg;
	char want[4200];
	(void)state;

	assert_int_equal(cli_config_load(&cfg, fixture("no-such-file.yaml")), MSB_ENOTFOUND);
	assert_int_equal(cli_config_load(&cfg, fixture("invalid-type.yaml")), MSB_EINVAL);
	snprintf(want, sizeof want, "%s:4:16: run.concurrency: expected an integer, found 'lots'",
	    fixture("invalid-type.yaml"));
	assert_string_equal(cli_config_message(), want);
	assert_int_equal(cli_config_load(&cfg, fixture("syntax.yaml")), MSB_EPARSE);
	snprintf(want, sizeof want, "%s:3:10: mapping values are not allowed in this context",
	    fixture("syntax.yaml"));
	assert_string_equal(cli_config_message(), want);
}

static void test_flags_override(void **state)
{
	cli_config *cfg;
	const char *s, *origin;
	long long i;
	size_t line, n;
	char **list;
	(void)state;

	assert_int_equal(cli_config_load(&cfg, fixture("full.yaml")), 0);
	assert_int_equal(cli_config_set(cfg, "run.concurrency", "32", "--concurrency"), 0);
	assert_int_equal(cli_config_get_int(&i, cfg, "run.concurrency"), 0);
	assert_int_equal(i, 32);
	assert_int_equal(cli_config_position(&origin, &line, NULL, cfg, "run.concurrency"), 0);
	assert_string_equal(origin, "--concurrency");
	assert_int_equal(line, 0);
	/* other values keep their file position */
	assert_int_equal(cli_config_position(&origin, &line, NULL, cfg, "run.epochs"), 0);
	assert_int_equal(line, 37);

	/* a bad flag value fails with the flag's name and leaves the value */
	assert_int_equal(cli_config_set(cfg, "run.concurrency", "many", "--concurrency"), MSB_EINVAL);
	assert_string_equal(cli_config_message(),
	    "--concurrency: run.concurrency: expected an integer, found 'many'");
	assert_int_equal(cli_config_get_int(&i, cfg, "run.concurrency"), 0);
	assert_int_equal(i, 32);
	assert_int_equal(cli_config_set(cfg, "run.concurency", "1", "--x"), MSB_EINVAL);
	assert_string_equal(cli_config_message(), "--x: unknown configuration key 'run.concurency'");

	/* sections are created on the way */
	assert_int_equal(cli_config_set(cfg, "dataset.columns.id", "key", "--id-column"), 0);
	assert_int_equal(cli_config_get_string(&s, cfg, "dataset.columns.id"), 0);
	assert_string_equal(s, "key");
	assert_int_equal(cli_config_set(cfg, "model.headers.X-Extra", "1", "--header"), 0);

	/* judges: replace the jury by flags */
	assert_int_equal(cli_config_unset(cfg, "judge"), 0);
	assert_int_equal(cli_config_kind(cfg, "judge"), CLI_CONFIG_NONE);
	assert_int_equal(cli_config_set(cfg, "judge.0.spec", "openai/a", "--judge"), 0);
	assert_int_equal(cli_config_set(cfg, "judge.1.spec", "refusal", "--judge"), 0);
	assert_int_equal(cli_config_set(cfg, "judge.3.spec", "refusal", "--judge"), MSB_EINVAL);
	assert_int_equal(cli_config_count(&n, cfg, "judge"), 0);
	assert_int_equal(n, 2);
	assert_int_equal(cli_config_get_string(&s, cfg, "judge.1.spec"), 0);
	assert_string_equal(s, "refusal");

	/* append to a list */
	assert_int_equal(cli_config_append(cfg, "report.formats", "csv", "--format"), 0);
	assert_int_equal(cli_config_append(cfg, "report.formats", "pdf", "--format"), MSB_EINVAL);
	assert_int_equal(cli_config_get_strings(&list, &n, cfg, "report.formats"), 0);
	assert_int_equal(n, 3);
	assert_string_equal(list[2], "csv");
	free(list);
	/* a comma list appends each item */
	assert_int_equal(cli_config_append(cfg, "report.formats", "json, md", "--format"), 0);
	assert_int_equal(cli_config_get_strings(&list, &n, cfg, "report.formats"), 0);
	assert_int_equal(n, 5);
	assert_string_equal(list[3], "json");
	assert_string_equal(list[4], "md");
	free(list);
	assert_int_equal(cli_config_validate(cfg), 0);
	cli_config_free(cfg);

	/* a flag on an empty configuration, and a single-judge mapping */
	assert_int_equal(cli_config_new(&cfg), 0);
	assert_int_equal(cli_config_set(cfg, "judge.0.spec", "refusal", "--judge"), 0);
	assert_int_equal(cli_config_set(cfg, "judge.0.temperature", "0.2", "--judge-temperature"), 0);
	assert_int_equal(cli_config_kind(cfg, "judge"), CLI_CONFIG_LIST);
	assert_int_equal(cli_config_validate(cfg), 0);
	cli_config_free(cfg);
	cfg = parse("judge:\n  spec: refusal\n");
	assert_int_equal(cli_config_set(cfg, "judge.0.spec", "openai/x", "--judge"), 0);
	assert_int_equal(cli_config_kind(cfg, "judge"), CLI_CONFIG_MAP);
	assert_int_equal(cli_config_set(cfg, "judge.1.spec", "refusal", "--judge"), MSB_EINVAL);
	cli_config_free(cfg);
}

static void test_json_export(void **state)
{
	cli_config *cfg;
	char *json;
	(void)state;

	assert_int_equal(cli_config_load(&cfg, fixture("full.yaml")), 0);
	assert_int_equal(cli_config_set(cfg, "run.out", "runs/x", "--out"), 0);
	assert_int_equal(cli_config_to_json(&json, cfg), 0);
	/* typed values, normalised lists */
	assert_non_null(strstr(json, "\"concurrency\": 8"));
	assert_non_null(strstr(json, "\"resume\": false"));
	assert_non_null(strstr(json, "\"temperature\": 0.5"));
	assert_non_null(strstr(json, "\"principles\": [\n      1,\n      4,\n      9\n    ]"));
	assert_non_null(strstr(json, "\"api_key_env\": \"MY_KEY\""));
	assert_non_null(strstr(json, "\"out\": \"runs/x\""));
	/* every header value is redacted (X-Team is not on the harmless list) */
	assert_null(strstr(json, "sk-not-a-real-key"));
	assert_non_null(strstr(json, "\"Authorization\": \"<redacted>\""));
	assert_non_null(strstr(json, "\"X-Team\": \"<redacted>\""));
	free(json);
	cli_config_free(cfg);
}

static void test_bad_arguments(void **state)
{
	cli_config *cfg = NULL;
	const char *s;
	(void)state;

	assert_int_equal(cli_config_parse(NULL, "", 0, NULL), MSB_EINVAL);
	assert_int_equal(cli_config_load(&cfg, NULL), MSB_EINVAL);
	assert_int_equal(cli_config_validate(NULL), MSB_EINVAL);
	assert_int_equal(cli_config_get_string(&s, NULL, "a"), MSB_EINVAL);
	assert_int_equal(cli_config_kind(NULL, "a"), CLI_CONFIG_NONE);
	cli_config_free(NULL);
	assert_int_equal(cli_config_new(&cfg), 0);
	assert_int_equal(cli_config_set(cfg, "", "x", NULL), MSB_EINVAL);
	assert_int_equal(cli_config_set(cfg, "run..x", "x", NULL), MSB_EINVAL);
	cli_config_free(cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_full),
		cmocka_unit_test(test_single_judge_mapping),
		cmocka_unit_test(test_empty_and_null),
		cmocka_unit_test(test_errors_have_positions),
		cmocka_unit_test(test_errors_collected),
		cmocka_unit_test(test_home_in_paths),
		cmocka_unit_test(test_secrets_refused),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_flags_override),
		cmocka_unit_test(test_json_export),
		cmocka_unit_test(test_bad_arguments),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
