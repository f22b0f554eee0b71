/* tests/backend/test_server.c - start msb_test_server as a child process. */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <curl/curl.h>

#include "test_server.h"

int test_server_start(test_server *s, const char *path, const char *const *args)
{
	int in[2], out[2];
	char line[32];
	ssize_t n, got = 0;

	memset(s, 0, sizeof *s);
	if (pipe(in) || pipe(out))
		return -1;
	s->pid = fork();
	if (s->pid < 0)
		return -1;
	if (s->pid == 0) {
		const char *argv[32];
		int i = 0;
		argv[i++] = path;
		argv[i++] = "--exit-on-stdin-eof";
		argv[i++] = "--max-seconds";
		argv[i++] = "120";
		while (args && *args && i < 31)
			argv[i++] = *args++;
		argv[i] = NULL;
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[0]);
		close(in[1]);
		close(out[0]);
		close(out[1]);
		execv(path, (char *const *)argv);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	s->stdin_fd = in[1];
	while (got < (ssize_t)sizeof line - 1 && (n = read(out[0], line + got, 1)) == 1) {
		if (line[got] == '\n')
			break;
		got++;
	}
	line[got] = '\0';
	close(out[0]);
	s->port = atoi(line);
	if (s->port <= 0) {
		test_server_stop(s);
		return -1;
	}
	snprintf(s->url, sizeof s->url, "http://127.0.0.1:%d/v1", s->port);
	return 0;
}

void test_server_stop(test_server *s)
{
	if (s->pid > 0) {
		close(s->stdin_fd);
		kill(s->pid, SIGTERM);
		waitpid(s->pid, NULL, 0);
		s->pid = 0;
	}
}

static size_t collect(char *p, size_t size, size_t n, void *ud)
{
	char **buf = ud;
	size_t old = *buf ? strlen(*buf) : 0;
	char *nb = realloc(*buf, old + size * n + 1);
	if (!nb)
		return 0;
	memcpy(nb + old, p, size * n);
	nb[old + size * n] = '\0';
	*buf = nb;
	return size * n;
}

char *test_server_stats(const test_server *s)
{
	char url[96], *body = NULL;
	CURL *e = curl_easy_init();

	snprintf(url, sizeof url, "http://127.0.0.1:%d/_stats", s->port);
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, &body);
	if (curl_easy_perform(e) != CURLE_OK) {
		free(body);
		body = NULL;
	}
	curl_easy_cleanup(e);
	return body;
}

void test_server_expected(const char *prompt, char out[32])
{
	uint64_t h = 14695981039346656037ull;
	for (; *prompt; prompt++) {
		h ^= (unsigned char)*prompt;
		h *= 1099511628211ull;
	}
	snprintf(out, 32, "echo:%016llx", (unsigned long long)h);
}
