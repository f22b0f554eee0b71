/*
 * tests/backend/tls_proxy.h - nginx as a TLS + HTTP/2 reverse proxy in
 * front of msb_test_server, with a throwaway CA made by the openssl
 * command, all in a temporary folder (nothing under /etc or /var).
 */
#ifndef MSB_TESTS_TLS_PROXY_H
#define MSB_TESTS_TLS_PROXY_H

#include <sys/types.h>

typedef struct tls_proxy {
	pid_t pid;
	char dir[64];         /* the temporary folder */
	char ca_file[128];    /* dir/ca.pem: the throwaway CA */
	char ca_path[128];    /* dir/certs: the CA under its hash name, for ca_path */
	char access_log[128]; /* "PORT PROTOCOL CONNECTION STATUS URI" per request */
	int h2_port;          /* TLS, HTTP/2 offered by ALPN */
	int h1_port;          /* TLS, HTTP/1.1 only */
	int clear_port;       /* cleartext HTTP/1.1 */
} tls_proxy;

/*
 * Make the CA and a server certificate for 127.0.0.1 and localhost, write
 * nginx.conf, start nginx proxying to 127.0.0.1:upstream_port and wait
 * until it answers. Returns 0; 77 with a reason on stderr when nginx or
 * openssl is missing; -1 on failure (reason on stderr).
 */
int tls_proxy_start(tls_proxy *p, int upstream_port);
/* Stop nginx and remove the temporary folder. */
void tls_proxy_stop(tls_proxy *p);

/* What the access log says about the requests whose URI contains `tag`. */
typedef struct tls_log_count {
	int requests;
	int http2;        /* $server_protocol HTTP/2.0 */
	int http11;       /* $server_protocol HTTP/1.1 */
	int connections;  /* distinct $connection */
	int status_200;
	int port;         /* $server_port of the last one */
} tls_log_count;

/*
 * Count the log lines of `tag`, waiting (up to about 10 s) until there are
 * at least `want` of them: nginx writes a line after it sent the answer.
 */
void tls_proxy_count(const tls_proxy *p, const char *tag, int want, tls_log_count *out);

#endif
