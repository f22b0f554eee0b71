/* tests/backend/tls_proxy.c - nginx + openssl harness for the TLS tests. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <curl/curl.h>

#include "tls_proxy.h"

static void nap_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

/* The program's path: on PATH, else in the given fallback folders. */
static int find_program(char *out, size_t n, const char *name)
{
	static const char *const extra[] = { "/usr/sbin", "/usr/bin", "/sbin", NULL };
	const char *path = getenv("PATH");
	char dirs[4096];
	char *save = NULL, *d;
	int i;

	snprintf(dirs, sizeof dirs, "%s", path ? path : "");
	for (d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		snprintf(out, n, "%s/%s", d, name);
		if (!access(out, X_OK))
			return 0;
	}
	for (i = 0; extra[i]; i++) {
		snprintf(out, n, "%s/%s", extra[i], name);
		if (!access(out, X_OK))
			return 0;
	}
	return -1;
}

/* Start argv with stdout and stderr appended to `log`; returns the pid or -1. */
static pid_t spawn(char *const *argv, const char *log)
{
	pid_t pid = fork();

	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
		int nul = open("/dev/null", O_RDONLY);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		if (nul >= 0)
			dup2(nul, 0);
		execv(argv[0], argv);
		_exit(127);
	}
	return pid;
}

static int run(char *const *argv, const char *log)
{
	int st;
	pid_t pid = spawn(argv, log);

	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st)) {
		fprintf(stderr, "tls_proxy: %s %s failed (see %s)\n", argv[0], argv[1], log);
		return -1;
	}
	return 0;
}

static int free_port(void)
{
	struct sockaddr_in a;
	socklen_t len = sizeof a;
	int fd = socket(AF_INET, SOCK_STREAM, 0), port = -1;

	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd >= 0 && !bind(fd, (struct sockaddr *)&a, sizeof a) &&
	    !getsockname(fd, (struct sockaddr *)&a, &len))
		port = ntohs(a.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}

static int write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	int rc;

	if (!f)
		return -1;
	rc = fputs(text, f) < 0;
	return fclose(f) || rc ? -1 : 0;
}

/* ca_path: a folder with a copy of the CA under its hash name (openssl rehash). */
static int make_ca_path(const tls_proxy *p, const char *openssl, const char *log)
{
	char copy[160], *pem = NULL;
	char *rehash[] = { (char *)openssl, "rehash", (char *)p->ca_path, NULL };
	FILE *f = fopen(p->ca_file, "r");
	size_t n = 0;
	int rc = -1;

	if (f) {
		pem = calloc(1, 1 << 16);
		n = pem ? fread(pem, 1, (1 << 16) - 1, f) : 0;
		fclose(f);
	}
	snprintf(copy, sizeof copy, "%s/ca.pem", p->ca_path);
	if (n > 0 && !mkdir(p->ca_path, 0700) && !write_text(copy, pem))
		rc = run(rehash, log);
	free(pem);
	return rc;
}

/* A CA, and a server certificate it signs for 127.0.0.1 and localhost. */
static int make_certs(const tls_proxy *p, const char *openssl)
{
	char ca_key[128], srv_key[128], srv_csr[128], srv_pem[128], ext[128], log[128];
	char *ca[] = { (char *)openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt",
		"ec_paramgen_curve:prime256v1", "-nodes", "-keyout", ca_key, "-out",
		(char *)p->ca_file, "-days", "2", "-subj", "/CN=libmedsafety test CA", "-addext",
		"basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign",
		NULL };
	char *csr[] = { (char *)openssl, "req", "-new", "-newkey", "ec", "-pkeyopt",
		"ec_paramgen_curve:prime256v1", "-nodes", "-keyout", srv_key, "-out", srv_csr,
		"-subj", "/CN=localhost", NULL };
	char *sign[] = { (char *)openssl, "x509", "-req", "-in", srv_csr, "-CA",
		(char *)p->ca_file, "-CAkey", ca_key, "-CAcreateserial", "-out", srv_pem, "-days",
		"2", "-extfile", ext, NULL };

	snprintf(ca_key, sizeof ca_key, "%s/ca.key", p->dir);
	snprintf(srv_key, sizeof srv_key, "%s/server.key", p->dir);
	snprintf(srv_csr, sizeof srv_csr, "%s/server.csr", p->dir);
	snprintf(srv_pem, sizeof srv_pem, "%s/server.pem", p->dir);
	snprintf(ext, sizeof ext, "%s/server.ext", p->dir);
	snprintf(log, sizeof log, "%s/openssl.log", p->dir);
	if (write_text(ext, "subjectAltName = IP:127.0.0.1, DNS:localhost\n"
	    "basicConstraints = CA:FALSE\nextendedKeyUsage = serverAuth\n"))
		return -1;
	if (run(ca, log) || run(csr, log) || run(sign, log))
		return -1;
	return make_ca_path(p, openssl, log);
}

static int write_conf(const tls_proxy *p, int upstream_port)
{
	char conf[4096], path[128];
	const char *d = p->dir;

	/* master_process off: one process, as the user running the test, no privilege drop */
	snprintf(conf, sizeof conf,
	    "daemon off;\nmaster_process off;\nworker_processes 1;\n"
	    "pid %s/nginx.pid;\nerror_log %s/error.log warn;\n"
	    "events { worker_connections 1024; }\n"
	    "http {\n"
	    "  log_format msb '$server_port $server_protocol $connection $status $request_uri';\n"
	    "  access_log %s/access.log msb;\n"
	    "  client_body_temp_path %s/tmp/body;\n  proxy_temp_path %s/tmp/proxy;\n"
	    "  fastcgi_temp_path %s/tmp/fastcgi;\n  uwsgi_temp_path %s/tmp/uwsgi;\n"
	    "  scgi_temp_path %s/tmp/scgi;\n"
	    "  upstream msb { server 127.0.0.1:%d; keepalive 64; }\n"
	    "  server {\n"
	    "    listen 127.0.0.1:%d ssl http2;\n"
	    "    listen 127.0.0.1:%d ssl;\n"
	    "    listen 127.0.0.1:%d;\n"
	    "    ssl_certificate %s/server.pem;\n    ssl_certificate_key %s/server.key;\n"
	    "    location / {\n"
	    "      proxy_pass http://msb;\n      proxy_http_version 1.1;\n"
	    "      proxy_set_header Connection \"\";\n"
	    "    }\n  }\n}\n",
	    d, d, d, d, d, d, d, d, upstream_port, p->h2_port, p->h1_port, p->clear_port, d, d);
	snprintf(path, sizeof path, "%s/tmp", d);
	if (mkdir(path, 0700))
		return -1;
	snprintf(path, sizeof path, "%s/nginx.conf", d);
	return write_text(path, conf);
}

static size_t discard(char *ptr, size_t size, size_t n, void *ud)
{
	(void)ptr;
	(void)ud;
	return size * n;
}

/* Wait until nginx proxies a GET /_stats, or it died, or about 15 s passed. */
static int wait_ready(tls_proxy *p)
{
	char url[64];
	int i;

	snprintf(url, sizeof url, "http://127.0.0.1:%d/_stats", p->clear_port);
	for (i = 0; i < 150; i++) {
		CURL *e = curl_easy_init();
		long status = 0;
		if (!e)
			return -1;
		curl_easy_setopt(e, CURLOPT_URL, url);
		curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, discard);
		if (curl_easy_perform(e) == CURLE_OK)
			curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
		curl_easy_cleanup(e);
		if (status == 200)
			return 0;
		if (waitpid(p->pid, NULL, WNOHANG) == p->pid) {
			p->pid = 0;
			fprintf(stderr, "tls_proxy: nginx exited; see %s/error.log\n", p->dir);
			return -1;
		}
		nap_ms(100);
	}
	fprintf(stderr, "tls_proxy: nginx did not answer on port %d\n", p->clear_port);
	return -1;
}

int tls_proxy_start(tls_proxy *p, int upstream_port)
{
	char nginx[256], openssl[256], conf[128], log[128], err[128];

	memset(p, 0, sizeof *p);
	if (find_program(nginx, sizeof nginx, "nginx")) {
		fprintf(stderr, "SKIP: nginx is not installed (Debian package nginx)\n");
		return 77;
	}
	if (find_program(openssl, sizeof openssl, "openssl")) {
		fprintf(stderr, "SKIP: openssl is not installed (Debian package openssl)\n");
		return 77;
	}
	snprintf(p->dir, sizeof p->dir, "%s/msb-tls-XXXXXX",
	    getenv("TMPDIR") && strlen(getenv("TMPDIR")) < 32 ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(p->dir)) {
		fprintf(stderr, "tls_proxy: mkdtemp %s: %s\n", p->dir, strerror(errno));
		return -1;
	}
	snprintf(p->ca_file, sizeof p->ca_file, "%s/ca.pem", p->dir);
	snprintf(p->ca_path, sizeof p->ca_path, "%s/certs", p->dir);
	snprintf(p->access_log, sizeof p->access_log, "%s/access.log", p->dir);
	p->h2_port = free_port();
	p->h1_port = free_port();
	p->clear_port = free_port();
	if (p->h2_port <= 0 || p->h1_port <= 0 || p->clear_port <= 0 ||
	    p->h2_port == p->h1_port || p->h1_port == p->clear_port || p->h2_port == p->clear_port ||
	    make_certs(p, openssl) || write_conf(p, upstream_port))
		return -1;
	snprintf(conf, sizeof conf, "%s/nginx.conf", p->dir);
	snprintf(log, sizeof log, "%s/nginx.out", p->dir);
	snprintf(err, sizeof err, "%s/error.log", p->dir);
	{
		char *argv[] = { nginx, "-p", p->dir, "-c", conf, "-e", err, NULL };
		if ((p->pid = spawn(argv, log)) < 0)
			return -1;
	}
	return wait_ready(p);
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void tls_proxy_stop(tls_proxy *p)
{
	if (p->pid > 0) {
		kill(p->pid, SIGTERM);
		waitpid(p->pid, NULL, 0);
		p->pid = 0;
	}
	if (p->dir[0] && !getenv("MSB_TLS_KEEP"))
		nftw(p->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	p->dir[0] = '\0';
}

static void count_once(const tls_proxy *p, const char *tag, tls_log_count *out)
{
	enum { MAXC = 4096 };
	static long conns[MAXC];
	char line[2048], proto[32], uri[1024];
	FILE *f = fopen(p->access_log, "r");
	int port, status, i;
	long conn;

	memset(out, 0, sizeof *out);
	if (!f)
		return;
	while (fgets(line, sizeof line, f)) {
		if (sscanf(line, "%d %31s %ld %d %1023s", &port, proto, &conn, &status, uri) != 5 ||
		    !strstr(uri, tag))
			continue;
		out->requests++;
		out->port = port;
		out->http2 += !strcmp(proto, "HTTP/2.0");
		out->http11 += !strcmp(proto, "HTTP/1.1");
		out->status_200 += status == 200;
		for (i = 0; i < out->connections && conns[i] != conn; i++)
			;
		if (i == out->connections && i < MAXC)
			conns[out->connections++] = conn;
	}
	fclose(f);
}

void tls_proxy_count(const tls_proxy *p, const char *tag, int want, tls_log_count *out)
{
	int i;

	for (i = 0; i < 100; i++) {
		count_once(p, tag, out);
		if (out->requests >= want)
			return;
		nap_ms(100);
	}
}
