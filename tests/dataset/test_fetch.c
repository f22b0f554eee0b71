/*
 * tests/dataset/test_fetch.c - msb_dataset_fetch against a local HTTP
 * server (tests/dataset/http_server.py on 127.0.0.1) serving a temporary
 * copy of the MedSafetyBench data: download, cache, resume, a corrupted
 * file rejected by its checksum, a missing file. Skips (77) without the
 * data.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "medsafety/medsafety.h"
#include "core/fileio.h"
#include "core/sha256.h"
#include "helpers.h"

static const char *server_script;
static char *tmp;
static char base_url[64];
static pid_t server_pid;
static int n_cached, n_downloaded;

static void on_file(const char *path, unsigned long long bytes, int cached, void *ud)
{
	(void)path;
	(void)bytes;
	(void)ud;
	if (cached)
		n_cached++;
	else
		n_downloaded++;
}

/* mkdir ROOT && cp -r DATA/datasets ROOT/ */
static int run(const char *fmt, const char *root, const char *data)
{
	char cmd[2048];
	(void)fmt;
	snprintf(cmd, sizeof cmd, "mkdir -p '%s' && cp -r '%s/datasets' '%s/'", root, data, root);
	return system(cmd);
}

static int start_server(void **state)
{
	const char *data = getenv("MEDSAFETY_DATA");
	char root[600], log[600], line[32];
	int fds[2];
	FILE *f;
	(void)state;

	tmp = make_tmpdir();
	snprintf(root, sizeof root, "%s/srv", tmp);
	snprintf(log, sizeof log, "%s/requests.log", tmp);
	if (run("mkdir -p '%s' && cp -r '%s/datasets' \"$0\"", root, data) != 0)
		return -1;
	if (pipe(fds) < 0)
		return -1;
	server_pid = fork();
	if (server_pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execlp("python3", "python3", server_script, root, log, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	f = fdopen(fds[0], "r");
	if (!f || !fgets(line, sizeof line, f))
		return -1;
	fclose(f);
	snprintf(base_url, sizeof base_url, "http://127.0.0.1:%d", atoi(line));
	return msb_init() >= 1 ? 0 : -1;
}

static int stop_server(void **state)
{
	(void)state;
	if (server_pid > 0) {
		kill(server_pid, SIGTERM);
		waitpid(server_pid, NULL, 0);
	}
	msb_shutdown();
	rm_tree(tmp);
	return 0;
}

static int fetch(const char *dir, char **out)
{
	msb_dataset_fetch_options o = MSB_DATASET_FETCH_OPTIONS_INIT;
	o.base_url = base_url;
	o.dir = dir;
	o.timeout_ms = 20000;
	o.progress = on_file;
	n_cached = n_downloaded = 0;
	return msb_dataset_fetch(out, &o);
}

static int exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

static void test_manifest(void **state)
{
	const char *path, *sha;
	unsigned long long size, total = 0;
	size_t i;
	(void)state;

	assert_true(msb_dataset_manifest_count() >= 52);
	for (i = 0; i < msb_dataset_manifest_count(); i++) {
		assert_int_equal(msb_dataset_manifest_entry(&path, &size, &sha, i), 0);
		assert_int_equal(strncmp(path, "datasets/", 9), 0);
		assert_int_equal(strlen(sha), 64);
		total += size;
	}
	assert_true(total > 12000000);
	assert_int_equal(msb_dataset_manifest_entry(&path, NULL, NULL, i), MSB_EINVAL);
}

static void test_fetch_all_then_cached(void **state)
{
	char dir[600], *out = NULL;
	msb_dataset *ds;
	(void)state;

	snprintf(dir, sizeof dir, "%s/cache", tmp);
	if (fetch(dir, &out))
		fail_msg("fetch: %s", msb_error_last()->message);
	assert_int_equal(n_downloaded, (int)msb_dataset_manifest_count());
	assert_int_equal(n_cached, 0);
	assert_non_null(strstr(out, "/cache/datasets"));
	assert_int_equal(msb_dataset_load(&ds, out, NULL), 0);
	assert_int_equal(msb_dataset_count(ds), 76174);
	msb_dataset_free(ds);
	msb_free(out);
	/* a second run verifies and keeps everything */
	assert_int_equal(fetch(dir, NULL), 0);
	assert_int_equal(n_cached, (int)msb_dataset_manifest_count());
	assert_int_equal(n_downloaded, 0);
}

static void test_resume(void **state)
{
	char dir[600], target[800], part[900], log[600], *data, *whole;
	size_t len, wlen;
	const char *rel = "datasets/med_harm_llama3/category_4.txt";
	(void)state;

	snprintf(dir, sizeof dir, "%s/cache", tmp);
	snprintf(target, sizeof target, "%s/%s", dir, rel);
	snprintf(part, sizeof part, "%s.part", target);
	snprintf(log, sizeof log, "%s/requests.log", tmp);
	assert_int_equal(msb__file_read(&whole, &wlen, target), 0);
	/* an interrupted download: half the file in .part, no file under its name */
	assert_int_equal(rename(target, part), 0);
	assert_int_equal(truncate(part, (off_t)(wlen / 2)), 0);
	assert_int_equal(fetch(dir, NULL), 0);
	assert_int_equal(n_downloaded, 1);
	assert_false(exists(part));
	assert_int_equal(msb__file_read(&data, &len, target), 0);
	assert_int_equal(len, wlen);
	assert_memory_equal(data, whole, len);
	msb_free(data);
	msb_free(whole);
	/* the server saw a range request for the second half */
	assert_int_equal(msb__file_read(&data, &len, log), 0);
	{
		char want[200];
		snprintf(want, sizeof want, "/%s bytes=%zu-", rel, wlen / 2);
		assert_non_null(strstr(data, want));
	}
	msb_free(data);
}

static void test_corrupted_rejected(void **state)
{
	char dir[600], srv[800], target[800], part[900], *out = (char *)1;
	const char *rel = "datasets/test/gpt4/med_safety_demonstrations_category_3.csv";
	FILE *f;
	(void)state;

	snprintf(dir, sizeof dir, "%s/cache", tmp);
	snprintf(srv, sizeof srv, "%s/srv/%s", tmp, rel);
	snprintf(target, sizeof target, "%s/%s", dir, rel);
	snprintf(part, sizeof part, "%s.part", target);
	/* one byte changed on the server, same size */
	f = fopen(srv, "r+b");
	assert_non_null(f);
	fseek(f, 100, SEEK_SET);
	fputc('#', f);
	fclose(f);
	assert_int_equal(unlink(target), 0);
	assert_int_equal(fetch(dir, &out), MSB_ECHECKSUM);
	assert_null(out);
	assert_non_null(strstr(msb_error_last()->message, "SHA-256 mismatch"));
	assert_non_null(strstr(msb_error_last()->message, "med_safety_demonstrations_category_3.csv"));
	assert_false(exists(target));
	assert_false(exists(part));
	/* a truncated file: wrong size */
	assert_int_equal(truncate(srv, 1000), 0);
	assert_int_equal(fetch(dir, NULL), MSB_ECHECKSUM);
	assert_non_null(strstr(msb_error_last()->message, "wrong size"));
	assert_false(exists(target));
	/* missing on the server */
	assert_int_equal(unlink(srv), 0);
	assert_int_equal(fetch(dir, NULL), MSB_EHTTP);
	assert_non_null(strstr(msb_error_last()->message, "HTTP 404"));
	assert_false(exists(target));
	assert_false(exists(part));
}

static void test_bad_options(void **state)
{
	msb_dataset_fetch_options o = MSB_DATASET_FETCH_OPTIONS_INIT;
	(void)state;
	o.base_url = "ftp://example.org";
	o.dir = tmp;
	assert_int_equal(msb_dataset_fetch(NULL, &o), MSB_EINVAL);
	o.version = 42;
	assert_int_equal(msb_dataset_fetch(NULL, &o), MSB_EVERSION);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_manifest),
		cmocka_unit_test(test_fetch_all_then_cached),
		cmocka_unit_test(test_resume),
		cmocka_unit_test(test_corrupted_rejected),
		cmocka_unit_test(test_bad_options),
	};
	const char *data = getenv("MEDSAFETY_DATA");
	char probe[600];

	snprintf(probe, sizeof probe, "%s/datasets/test", data ? data : "");
	if (!data || !msb__is_dir(probe)) {
		printf("SKIP: MEDSAFETY_DATA does not point to the MedSafetyBench data (needed to serve it)\n");
		return 77;
	}
	if (argc < 2) {
		fprintf(stderr, "usage: test_fetch http_server.py\n");
		return 1;
	}
	server_script = argv[1];
	return cmocka_run_group_tests(tests, start_server, stop_server);
}
