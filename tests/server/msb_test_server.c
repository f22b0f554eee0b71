/*
 * tests/server/msb_test_server.c - an OpenAI-compatible HTTP/1.1 server on
 * 127.0.0.1 for tests and benchmarks: one thread, epoll, keep-alive,
 * fixed latency, fault injection by rate or by a marker in the prompt.
 * Flags and markers: docs/backends.md ("The test server").
 *
 * It prints its port on stdout (one line) once it accepts connections.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "fixed_body.h"
#include "provider_shape.h"

enum action { ACT_RESPOND, ACT_DROP, ACT_TRUNCATE, ACT_HANG };

typedef struct conn {
	int fd;
	unsigned int gen;
	char *in;
	size_t in_len, in_cap;
	char *out;
	size_t out_len, out_off, out_cap;
	char *pend;          /* the response waiting for its latency */
	size_t pend_len;
	enum action act;
	int busy;            /* a request is being answered: later ones wait */
	int close_after;
	int sent_continue;
	int anth;            /* answering POST .../v1/messages: Anthropic shapes */
} conn;

typedef struct timer {
	double due;
	int fd;
	unsigned int gen;
} timer;

static struct {
	int port;
	double latency_ms;
	double latency_jitter_ms; /* uniform extra latency 0..J (scripts/soak) */
	double fault_rate;
	const char *fault;
	int retry_after;
	size_t huge_bytes;
	unsigned int seed;
	double max_seconds;
	int stdin_eof;
	FILE *log;            /* --log FILE: one line per completion request (arrival, CLOCK_MONOTONIC s) */
} opt = { 0, 0, 0, 0, "500", 1, 16u << 20, 1, 0, 0, NULL };

/*
 * --fault mix: each injected fault is one of the transient kinds, which a
 * client retries until it gets the normal answer (scripts/soak).
 */
static const char *const mix_kinds[] = {
	"429", "429ra", "500", "503", "drop", "truncate", "badjson", "error200", "hang"
};

/* --fault-mix K1,K2,...: the kinds of --fault mix instead of mix_kinds */
static char *mix_custom[16];
static unsigned int n_mix_custom;

static void set_mix(char *list)
{
	char *save = NULL, *k;
	for (k = strtok_r(list, ",", &save); k && n_mix_custom < 16; k = strtok_r(NULL, ",", &save))
		mix_custom[n_mix_custom++] = k;
}

static const char *mix_pick(void);

static struct {
	unsigned long long requests, completions, faults, accepted, auth_requests;
	int open, max_open;
	char auth[512];
	char anthropic_version[64]; /* the last anthropic-version header */
	char last_path[512];        /* the last POST's path with its query */
} stats;

static conn **conns;
static int n_conns;
static timer *heap;
static size_t heap_len, heap_cap;
static int epfd;
static unsigned int gen_counter;
static volatile sig_atomic_t stop;

/* prompt hash -> times seen, for "fail the first K times" markers */
static struct seen { uint64_t key; unsigned int count; } *seen;
static size_t seen_cap, seen_len;

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p) {
		fprintf(stderr, "msb_test_server: out of memory\n");
		exit(2);
	}
	return p;
}

static uint64_t fnv1a64(const char *s, size_t n)
{
	uint64_t h = 14695981039346656037ull;
	size_t i;
	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ull;
	}
	return h;
}

static unsigned int seen_bump(uint64_t key)
{
	size_t i;

	if (seen_len * 2 >= seen_cap) {
		size_t old = seen_cap, j;
		struct seen *o = seen;
		seen_cap = seen_cap ? seen_cap * 2 : 1024;
		seen = calloc(seen_cap, sizeof *seen);
		if (!seen)
			exit(2);
		seen_len = 0;
		for (j = 0; j < old; j++) {
			if (o[j].count) {
				for (i = o[j].key & (seen_cap - 1); seen[i].count; i = (i + 1) & (seen_cap - 1))
					;
				seen[i] = o[j];
				seen_len++;
			}
		}
		free(o);
	}
	for (i = key & (seen_cap - 1); seen[i].count; i = (i + 1) & (seen_cap - 1))
		if (seen[i].key == key)
			return ++seen[i].count;
	seen[i].key = key;
	seen[i].count = 1;
	seen_len++;
	return 1;
}

static const char *mix_pick(void)
{
	unsigned int r = (unsigned int)rand_r(&opt.seed);
	if (n_mix_custom)
		return mix_custom[r % n_mix_custom];
	return mix_kinds[r % (sizeof mix_kinds / sizeof *mix_kinds)];
}

/* ---- timers (binary min-heap) ---- */

static void heap_push(timer t)
{
	size_t i;
	if (heap_len == heap_cap) {
		heap_cap = heap_cap ? heap_cap * 2 : 256;
		heap = xrealloc(heap, heap_cap * sizeof *heap);
	}
	i = heap_len++;
	while (i > 0 && heap[(i - 1) / 2].due > t.due) {
		heap[i] = heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	heap[i] = t;
}

static timer heap_pop(void)
{
	timer top = heap[0], last = heap[--heap_len];
	size_t i = 0;
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= heap_len)
			break;
		if (c + 1 < heap_len && heap[c + 1].due < heap[c].due)
			c++;
		if (heap[c].due >= last.due)
			break;
		heap[i] = heap[c];
		i = c;
	}
	if (heap_len)
		heap[i] = last;
	return top;
}

/* ---- connections ---- */

static void conn_close(conn *c)
{
	epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	conns[c->fd] = NULL;
	free(c->in);
	free(c->out);
	free(c->pend);
	free(c);
	stats.open--;
}

static void out_append(conn *c, const char *data, size_t n)
{
	if (c->out_len + n > c->out_cap) {
		c->out_cap = (c->out_len + n) * 2;
		c->out = xrealloc(c->out, c->out_cap);
	}
	memcpy(c->out + c->out_len, data, n);
	c->out_len += n;
}

static void process(conn *c);

/* Write what is pending; 0 when all is written, 1 when waiting, -1 when closed. */
static int flush_out(conn *c)
{
	struct epoll_event ev;

	while (c->out_off < c->out_len) {
		ssize_t w = write(c->fd, c->out + c->out_off, c->out_len - c->out_off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			ev.events = EPOLLIN | EPOLLOUT;
			ev.data.fd = c->fd;
			epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev);
			return 1;
		}
		if (w <= 0) {
			conn_close(c);
			return -1;
		}
		c->out_off += (size_t)w;
	}
	c->out_off = c->out_len = 0;
	if (c->close_after) {
		conn_close(c);
		return -1;
	}
	return 0;
}

static void deliver(conn *c)
{
	switch (c->act) {
	case ACT_HANG:
		return; /* never answers; the client times out */
	case ACT_DROP:
		conn_close(c);
		return;
	case ACT_TRUNCATE:
		out_append(c, c->pend, c->pend_len / 2 + 1);
		c->close_after = 1;
		break;
	case ACT_RESPOND:
		out_append(c, c->pend, c->pend_len);
		break;
	}
	free(c->pend);
	c->pend = NULL;
	c->pend_len = 0;
	c->busy = 0;
	if (flush_out(c) == 0)
		process(c); /* a pipelined request may wait in the buffer */
}

/* ---- responses ---- */

static void set_response(conn *c, int status, const char *extra_headers, const char *body,
    size_t body_len)
{
	const char *reason = status == 200 ? "OK" : status == 400 ? "Bad Request" :
	    status == 401 ? "Unauthorized" : status == 404 ? "Not Found" :
	    status == 429 ? "Too Many Requests" : status == 500 ? "Internal Server Error" :
	    status == 503 ? "Service Unavailable" : "Error";
	char head[512];
	int n = snprintf(head, sizeof head,
	    "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n%s%s\r\n",
	    status, reason, body_len, extra_headers ? extra_headers : "",
	    c->close_after ? "Connection: close\r\n" : "");
	c->pend = xrealloc(NULL, (size_t)n + body_len);
	memcpy(c->pend, head, (size_t)n);
	memcpy(c->pend + n, body, body_len);
	c->pend_len = (size_t)n + body_len;
}

static void set_json(conn *c, int status, const char *extra, json_t *root)
{
	char *s;

	if (c->anth)
		root = anth_shape(root, status);
	s = json_dumps(root, JSON_COMPACT);
	set_response(c, status, extra, s, strlen(s));
	free(s);
	json_decref(root);
}

static void set_error(conn *c, int status, const char *extra, const char *msg, const char *type)
{
	set_json(c, status, extra,
	    json_pack("{s:{s:s,s:s,s:n}}", "error", "message", msg, "type", type, "code"));
}

/* "[[fault:NAME]]" or "[[fault:NAME*K]]" in text: NAME into name[32], K (0: always). */
static int find_fault(const char *text, char name[32], unsigned int *k)
{
	const char *p = strstr(text, "[[fault:"), *e;
	size_t n;

	*k = 0;
	if (!p)
		return 0;
	p += 8;
	e = strstr(p, "]]");
	if (!e)
		return 0;
	n = (size_t)(e - p);
	if (n >= 32)
		n = 31;
	memcpy(name, p, n);
	name[n] = '\0';
	if ((p = strchr(name, '*')) != NULL) {
		*k = (unsigned int)strtoul(p + 1, NULL, 10);
		name[p - name] = '\0';
	}
	return 1;
}

/* Answer with the fixed body (--body, fixed_body.c) when one is set and not used up. */
static int serve_fixed(conn *c)
{
	if (!fixed_body_next(c->close_after, &c->pend, &c->pend_len))
		return 0;
	stats.completions++;
	if (opt.log) {
		fprintf(opt.log, "%.6f\n", now_ms() / 1000.0);
		fflush(opt.log);
	}
	c->act = ACT_RESPOND;
	if (opt.latency_ms > 0) {
		timer t = { now_ms() + opt.latency_ms, c->fd, c->gen };
		heap_push(t);
	} else {
		deliver(c);
	}
	return 1;
}

static void completion(conn *c, const char *path, const char *body, size_t body_len)
{
	size_t plen = strlen(path);
	int chat = (plen >= 17 && !strcmp(path + plen - 17, "/chat/completions")) || c->anth;
	json_t *req, *resp, *choice, *msg;
	const char *text = NULL, *model = "test-model", *mark;
	char fault[32], content[96], extra[128];
	unsigned int k, seen_n;
	uint64_t h;
	double latency = opt.latency_ms;

	c->act = ACT_RESPOND;
	if (serve_fixed(c))
		return; /* the request is not even parsed: a cheap server for benchmarks (bench/engine_cli.py) */
	req = json_loadb(body, body_len, 0, NULL);
	if (!json_is_object(req)) {
		json_decref(req);
		set_error(c, 400, NULL, "invalid JSON body", "invalid_request_error");
		return;
	}
	if (json_is_string(json_object_get(req, "model")))
		model = json_string_value(json_object_get(req, "model"));
	if (c->anth) {
		const char *bad = anth_request_problem(req);
		if (bad) {
			set_error(c, 400, NULL, bad, "invalid_request_error");
			json_decref(req);
			deliver(c);
			return;
		}
		text = anth_user_text(req);
	} else if (chat) {
		json_t *msgs = json_object_get(req, "messages"), *m;
		size_t i;
		json_array_foreach(msgs, i, m) {
			const char *role = json_string_value(json_object_get(m, "role"));
			if (role && !strcmp(role, "user"))
				text = json_string_value(json_object_get(m, "content"));
		}
	} else {
		text = json_string_value(json_object_get(req, "prompt"));
	}
	if (!text) {
		json_decref(req);
		set_error(c, 400, NULL, chat ? "no user message" : "no prompt", "invalid_request_error");
		return;
	}
	stats.completions++;
	if (opt.log) {
		fprintf(opt.log, "%.6f\n", now_ms() / 1000.0);
		fflush(opt.log);
	}
	h = fnv1a64(text, strlen(text));
	seen_n = seen_bump(h);
	if ((mark = strstr(text, "[[latency:")) != NULL)
		latency = strtod(mark + 10, NULL);
	else if (opt.latency_jitter_ms > 0)
		latency += opt.latency_jitter_ms * ((double)rand_r(&opt.seed) / RAND_MAX);
	if (!find_fault(text, fault, &k)) {
		fault[0] = '\0';
		if (opt.fault_rate > 0 && (double)rand_r(&opt.seed) / RAND_MAX < opt.fault_rate)
			snprintf(fault, sizeof fault, "%s", strcmp(opt.fault, "mix") ? opt.fault
			    : mix_pick());
	} else if (k && seen_n > k) {
		fault[0] = '\0';
	}

	snprintf(content, sizeof content, "echo:%016llx", (unsigned long long)h);
	msg = json_pack("{s:s,s:s}", "role", "assistant", "content", content);
	choice = json_pack("{s:i,s:s}", "index", 0, "finish_reason", "stop");
	if (fault[0])
		stats.faults++;
	if (!strcmp(fault, "429")) {
		set_error(c, 429, NULL, "Rate limit reached (test)", "rate_limit_exceeded");
	} else if (!strcmp(fault, "429ra")) {
		snprintf(extra, sizeof extra, "Retry-After: %d\r\n", opt.retry_after);
		set_error(c, 429, extra, "Rate limit reached (test)", "rate_limit_exceeded");
	} else if (!strcmp(fault, "529ra")) {
		snprintf(extra, sizeof extra, "Retry-After: %d\r\n", opt.retry_after);
		set_error(c, 529, extra, "Overloaded (test)", "overloaded_error");
	} else if (!strcmp(fault, "filter400")) {
		/* Azure OpenAI: the prompt was filtered (error code content_filter) */
		set_json(c, 400, NULL, json_pack("{s:{s:s,s:n,s:s,s:s,s:i}}", "error", "message",
		    "The response was filtered due to the prompt triggering the content management "
		    "policy (test)", "type", "param", "prompt", "code", "content_filter", "status", 400));
	} else if (!strcmp(fault, "500") || !strcmp(fault, "503") || !strcmp(fault, "400") ||
	    !strcmp(fault, "404") || !strcmp(fault, "529")) {
		set_error(c, atoi(fault), NULL, "injected failure (test)", "server_error");
	} else if (!strcmp(fault, "401echo")) {
		char m[700];
		snprintf(m, sizeof m, "Incorrect API key provided: %s", stats.auth);
		set_error(c, 401, NULL, m, "invalid_request_error");
	} else if (!strcmp(fault, "drop")) {
		c->act = ACT_DROP;
	} else if (!strcmp(fault, "hang")) {
		c->act = ACT_HANG;
	} else if (!strcmp(fault, "badjson")) {
		set_response(c, 200, NULL, "{\"choices\": [{\"message\": ", 26);
	} else if (!strcmp(fault, "error200")) {
		set_error(c, 200, NULL, "model overloaded (in a 200 body)", "server_error");
	} else {
		if (!strcmp(fault, "truncate"))
			c->act = ACT_TRUNCATE;
		if (!strcmp(fault, "huge")) {
			char *big = malloc(opt.huge_bytes + 1);
			if (!big)
				exit(2);
			memset(big, 'x', opt.huge_bytes);
			big[opt.huge_bytes] = '\0';
			json_object_set_new(msg, "content", json_string(big));
			free(big);
		} else if (strstr(text, "[[echo]]")) {
			json_object_set_new(msg, "content", json_string(text));
		} else if (strstr(text, "[[say:") && strstr(strstr(text, "[[say:"), "]]")) {
			/* [[say:TEXT]]: answer TEXT (tests of answer parsing, e.g. mcq) */
			const char *say = strstr(text, "[[say:") + 6;
			json_object_set_new(msg, "content",
			    json_stringn(say, (size_t)(strstr(say, "]]") - say)));
		} else if (!strcmp(fault, "refusal")) {
			json_object_set_new(msg, "content", json_null());
			json_object_set_new(msg, "refusal", json_string("I can't help with that."));
		} else if (!strcmp(fault, "filter")) {
			json_object_set_new(msg, "content", json_null());
			json_object_set_new(choice, "finish_reason", json_string("content_filter"));
		} else if (!strcmp(fault, "length")) {
			json_object_set_new(choice, "finish_reason", json_string("length"));
		} else if (!strcmp(fault, "reasoning")) {
			json_object_set_new(msg, "reasoning_content", json_string("thinking it over"));
		}
		if (chat) {
			json_object_set_new(choice, "message", msg);
			msg = NULL;
		} else {
			json_object_set(choice, "text", json_object_get(msg, "content"));
		}
		resp = json_pack("{s:s,s:s,s:i,s:s,s:[o],s:{s:i,s:i,s:i}}", "id", "cmpl-test",
		    "object", chat ? "chat.completion" : "text_completion", "created", 0, "model", model,
		    "choices", choice, "usage", "prompt_tokens", (int)(strlen(text) / 4 + 1),
		    "completion_tokens", 3, "total_tokens", (int)(strlen(text) / 4 + 4));
		choice = NULL;
		set_json(c, 200, NULL, resp);
	}
	json_decref(msg);
	json_decref(choice);
	json_decref(req);
	if (c->act == ACT_HANG)
		return;
	if (latency > 0) {
		timer t = { now_ms() + latency, c->fd, c->gen };
		heap_push(t);
		return;
	}
	deliver(c);
}

static void get_stats(conn *c)
{
	json_t *root = json_pack("{s:I,s:I,s:I,s:I,s:I,s:i,s:i,s:s?,s:s?,s:s?}", "requests",
	    (json_int_t)stats.requests, "completions", (json_int_t)stats.completions, "faults",
	    (json_int_t)stats.faults, "accepted", (json_int_t)stats.accepted, "auth_requests",
	    (json_int_t)stats.auth_requests, "open_connections", stats.open, "max_open_connections",
	    stats.max_open, "authorization", stats.auth[0] ? stats.auth : NULL, "anthropic_version",
	    stats.anthropic_version[0] ? stats.anthropic_version : NULL, "last_path",
	    stats.last_path[0] ? stats.last_path : NULL);
	set_json(c, 200, NULL, root);
	deliver(c);
}

/* Parse one complete request off the buffer and answer it; 0 when none is complete. */
static int handle_one(conn *c)
{
	char *end, *line, *p, method[16], path[256], *body;
	size_t head_len, content_length = 0, total, plen;
	int keep_alive, expect = 0, minor = 1;

	end = memmem(c->in, c->in_len, "\r\n\r\n", 4);
	if (!end) {
		if (c->in_len > 65536)
			conn_close(c);
		return 0;
	}
	head_len = (size_t)(end - c->in) + 4;
	*end = '\0';
	if (sscanf(c->in, "%15s %255s HTTP/1.%d", method, path, &minor) < 2) {
		conn_close(c);
		return 0;
	}
	keep_alive = minor != 0;
	for (line = strstr(c->in, "\r\n"); line; line = strstr(line, "\r\n")) {
		line += 2;
		if (!strncasecmp(line, "content-length:", 15)) {
			content_length = strtoul(line + 15, NULL, 10);
		} else if (!strncasecmp(line, "anthropic-version:", 18)) {
			const char *v = line + 18 + strspn(line + 18, " ");
			snprintf(stats.anthropic_version, sizeof stats.anthropic_version, "%.*s",
			    (int)strcspn(v, "\r"), v);
		} else if (!strncasecmp(line, "authorization:", 14) || !strncasecmp(line, "x-api-key:", 10) ||
		    !strncasecmp(line, "api-key:", 8)) {
			/* Bearer KEY as it came; Anthropic's and Azure's keys as "x-api-key: KEY", "api-key: KEY" */
			int bearer = !strncasecmp(line, "authorization:", 14);
			const char *v = strchr(line, ':') + 1;
			size_t n, at = 0;
			while (*v == ' ')
				v++;
			if (!bearer)
				at = (size_t)snprintf(stats.auth, sizeof stats.auth, "%.*s: ",
				    (int)strcspn(line, ":"), line);
			n = strcspn(v, "\r");
			if (at + n >= sizeof stats.auth)
				n = sizeof stats.auth - 1 - at;
			memcpy(stats.auth + at, v, n);
			stats.auth[at + n] = '\0';
			stats.auth_requests++;
		} else if (!strncasecmp(line, "connection:", 11)) {
			p = line + 11;
			while (*p == ' ')
				p++;
			if (!strncasecmp(p, "close", 5))
				keep_alive = 0;
			else if (!strncasecmp(p, "keep-alive", 10))
				keep_alive = 1;
		} else if (!strncasecmp(line, "expect:", 7) && strcasestr(line, "100-continue")) {
			expect = 1;
		}
	}
	*end = '\r';
	total = head_len + content_length;
	if (c->in_len < total) {
		if (expect && !c->sent_continue) {
			c->sent_continue = 1;
			out_append(c, "HTTP/1.1 100 Continue\r\n\r\n", 25);
			flush_out(c);
		}
		return 0;
	}
	/* take the request off the buffer first: answering may recurse into the next one */
	body = xrealloc(NULL, content_length + 1);
	memcpy(body, c->in + head_len, content_length);
	body[content_length] = '\0';
	memmove(c->in, c->in + total, c->in_len - total);
	c->in_len -= total;
	stats.requests++;
	c->busy = 1;
	c->sent_continue = 0;
	c->close_after = !keep_alive;
	c->act = ACT_RESPOND;
	if (!strcmp(method, "POST"))
		snprintf(stats.last_path, sizeof stats.last_path, "%s", path);
	path[strcspn(path, "?")] = '\0'; /* the query string does not choose the endpoint */
	plen = strlen(path);
	c->anth = !strcmp(method, "POST") && anth_is_messages(path);
	if (!strcmp(method, "GET") && !strcmp(path, "/_stats")) {
		get_stats(c);
	} else if (!strcmp(method, "POST") && ((plen >= 12 && !strcmp(path + plen - 12, "/completions")) ||
	    c->anth)) {
		completion(c, path, body, content_length);
	} else {
		set_error(c, 404, NULL, "no such endpoint", "invalid_request_error");
		deliver(c);
	}
	free(body);
	return 1;
}

/* Answer every complete request in the buffer, one at a time (pipelining). */
static void process(conn *c)
{
	int fd = c->fd;
	unsigned int gen = c->gen;

	while (conns[fd] == c && c->gen == gen && !c->busy && c->in_len)
		if (!handle_one(c))
			break;
}

static void on_readable(conn *c)
{
	for (;;) {
		ssize_t r;
		if (c->in_cap - c->in_len < 16384) {
			c->in_cap = c->in_cap ? c->in_cap * 2 : 32768;
			c->in = xrealloc(c->in, c->in_cap);
		}
		r = read(c->fd, c->in + c->in_len, c->in_cap - c->in_len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (r <= 0) {
			conn_close(c);
			return;
		}
		c->in_len += (size_t)r;
	}
	process(c);
}

static void on_accept(int lfd)
{
	for (;;) {
		struct epoll_event ev;
		int one = 1, fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		conn *c;
		if (fd < 0)
			return;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		if (fd >= n_conns) {
			int n = fd * 2 + 16;
			conns = xrealloc(conns, (size_t)n * sizeof *conns);
			memset(conns + n_conns, 0, (size_t)(n - n_conns) * sizeof *conns);
			n_conns = n;
		}
		c = calloc(1, sizeof *c);
		if (!c)
			exit(2);
		c->fd = fd;
		c->gen = ++gen_counter;
		conns[fd] = c;
		ev.events = EPOLLIN;
		ev.data.fd = fd;
		epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
		stats.accepted++;
		if (++stats.open > stats.max_open)
			stats.max_open = stats.open;
	}
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void usage(void)
{
	fprintf(stderr,
	    "usage: msb_test_server [--port N] [--latency-ms MS] [--latency-jitter-ms MS]\n"
	    "         [--fault-rate R] [--fault KIND|mix]\n"
	    "         [--retry-after S] [--huge-bytes N] [--seed N] [--max-seconds S]\n"
	    "         [--exit-on-stdin-eof] [--log FILE]\n"
	    "         [--body FILE [--body-status N] [--body-header 'Name: value']\n"
	    "          [--body-content-type TYPE] [--body-times K]] [--fault-mix K1,K2,...]\n"
	    "KIND: 429 429ra 500 503 529 529ra 400 401echo drop truncate badjson error200 hang\n"
	    "      huge refusal length reasoning filter filter400; mix: one of 429 429ra 500 503 drop truncate badjson\n"
	    "      error200 hang at random (markers in a prompt: [[fault:KIND]], [[fault:KIND*N]],\n"
	    "      [[latency:MS]], [[echo]])\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct sockaddr_in addr;
	socklen_t alen = sizeof addr;
	struct epoll_event ev, evs[256];
	int lfd, one = 1, i;
	double started;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--exit-on-stdin-eof")) {
			opt.stdin_eof = 1;
			continue;
		}
		if (!v)
			usage();
		i++;
		if (!strcmp(a, "--port"))
			opt.port = atoi(v);
		else if (!strcmp(a, "--latency-ms"))
			opt.latency_ms = atof(v);
		else if (!strcmp(a, "--latency-jitter-ms"))
			opt.latency_jitter_ms = atof(v);
		else if (!strcmp(a, "--fault-rate"))
			opt.fault_rate = atof(v);
		else if (!strcmp(a, "--fault"))
			opt.fault = v;
		else if (!strcmp(a, "--retry-after"))
			opt.retry_after = atoi(v);
		else if (!strcmp(a, "--huge-bytes"))
			opt.huge_bytes = strtoul(v, NULL, 10);
		else if (!strcmp(a, "--seed"))
			opt.seed = (unsigned int)strtoul(v, NULL, 10);
		else if (!strcmp(a, "--max-seconds"))
			opt.max_seconds = atof(v);
		else if (!strcmp(a, "--fault-mix"))
			set_mix(argv[i]);
		else if (fixed_body_option(a, v) == 1)
			continue;
		else if (!strcmp(a, "--log")) {
			if (!(opt.log = fopen(v, "a")))
				usage();
		} else
			usage();
	}
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);

	lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	memset(&addr, 0, sizeof addr);
	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	addr.sin_port = htons((uint16_t)opt.port);
	if (bind(lfd, (struct sockaddr *)&addr, sizeof addr) || listen(lfd, 4096) ||
	    getsockname(lfd, (struct sockaddr *)&addr, &alen)) {
		perror("msb_test_server: bind/listen");
		return 1;
	}
	epfd = epoll_create1(EPOLL_CLOEXEC);
	ev.events = EPOLLIN;
	ev.data.fd = lfd;
	epoll_ctl(epfd, EPOLL_CTL_ADD, lfd, &ev);
	if (opt.stdin_eof) {
		ev.events = EPOLLIN;
		ev.data.fd = 0;
		epoll_ctl(epfd, EPOLL_CTL_ADD, 0, &ev);
	}
	printf("%d\n", ntohs(addr.sin_port));
	fflush(stdout);
	started = now_ms();

	while (!stop) {
		double now = now_ms(), wait = -1;
		struct timespec ts;
		int n;
		while (heap_len && heap[0].due <= now) {
			timer t = heap_pop();
			conn *c = t.fd < n_conns ? conns[t.fd] : NULL;
			if (c && c->gen == t.gen && c->busy)
				deliver(c);
		}
		if (heap_len)
			wait = heap[0].due - now;
		if (opt.max_seconds > 0) {
			double left = started + opt.max_seconds * 1000.0 - now;
			if (left <= 0)
				break;
			if (wait < 0 || left < wait)
				wait = left;
		}
		/* nanosecond timeouts: a millisecond's rounding would be 2% of a 50 ms latency */
		ts.tv_sec = (time_t)(wait / 1000);
		ts.tv_nsec = (long)((wait - (double)ts.tv_sec * 1000) * 1e6);
		n = epoll_pwait2(epfd, evs, 256, wait < 0 ? NULL : &ts, NULL);
		for (i = 0; i < n; i++) {
			int fd = evs[i].data.fd;
			conn *c;
			if (fd == lfd) {
				on_accept(lfd);
				continue;
			}
			if (fd == 0) {
				char buf[256];
				if (read(0, buf, sizeof buf) <= 0)
					stop = 1;
				continue;
			}
			c = fd < n_conns ? conns[fd] : NULL;
			if (!c)
				continue;
			if (evs[i].events & EPOLLOUT) {
				ev.events = EPOLLIN;
				ev.data.fd = fd;
				epoll_ctl(epfd, EPOLL_CTL_MOD, fd, &ev);
				if (flush_out(c) != 0)
					continue;
				process(c);
				if (!conns[fd])
					continue;
			}
			if (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))
				on_readable(c);
		}
	}
	return 0;
}
