/* tests/backend/test_server.h - start msb_test_server as a child process. */
#ifndef MSB_TESTS_TEST_SERVER_H
#define MSB_TESTS_TEST_SERVER_H

#include <sys/types.h>

typedef struct test_server {
	pid_t pid;
	int port;
	int stdin_fd;   /* closing it stops the server (--exit-on-stdin-eof) */
	char url[64];   /* http://127.0.0.1:PORT/v1 */
} test_server;

/*
 * Start the server at `path` with extra arguments (NULL-terminated list),
 * wait for its port. Returns 0 or -1.
 */
int test_server_start(test_server *s, const char *path, const char *const *args);
void test_server_stop(test_server *s);
/* GET /_stats into a malloc'd string (free()), or NULL. */
char *test_server_stats(const test_server *s);
/* FNV-1a 64 of a prompt, as the server echoes it: "echo:%016llx". */
void test_server_expected(const char *prompt, char out[32]);

#endif
