/*
 * bench/http_throughput.c - throughput of the OpenAI-compatible backend
 * with N requests in flight against msb_test_server answering after a
 * fixed latency (default 50 ms): ideal = N / latency. Prints the client's
 * CPU time per request, the server's CPU use (to show it is not the
 * limit), and the same load from a Python asyncio + aiohttp client.
 *
 *   build/bench/http_throughput [--server PATH] [--latency-ms 50]
 *       [--seconds 3] [--no-python] [N ...]        (default N: 64 256)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "medsafety/medsafety.h"
#include "medsafety/sys/backend.h"
#include "../tests/common/info.h"

#ifndef MSB_BENCH_SERVER
#define MSB_BENCH_SERVER "tests/server/msb_test_server"
#endif
#ifndef MSB_BENCH_PY
#define MSB_BENCH_PY "bench/http_throughput_aiohttp.py"
#endif

typedef struct {
	pid_t pid;
	int port;
	int stdin_fd;
} server;

typedef struct slot {
	msb_completion *c;
	struct slot *next_free;
	char prompt[48];
} slot;

typedef struct {
	slot *free_list;
	int in_flight;
	long done, errors;
	double latency_sum;
} run_state;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double self_cpu_s(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/* utime + stime of a process, from /proc/PID/stat */
static double proc_cpu_s(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long ut = 0, st = 0;
	FILE *f;
	int i;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if (!(f = fopen(path, "r")))
		return 0;
	if (!fgets(buf, sizeof buf, f)) {
		fclose(f);
		return 0;
	}
	fclose(f);
	p = strrchr(buf, ')');
	for (i = 0; p && i < 12; i++)
		p = strchr(p + 1, ' ');
	if (p)
		sscanf(p + 1, "%lu %lu", &ut, &st);
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static int server_start(server *s, const char *path, int latency_ms)
{
	int in[2], out[2];
	char lat[32], line[32];
	ssize_t got = 0;

	snprintf(lat, sizeof lat, "%d", latency_ms);
	if (pipe(in) || pipe(out))
		return -1;
	if ((s->pid = fork()) == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[1]);
		close(out[0]);
		execl(path, path, "--latency-ms", lat, "--exit-on-stdin-eof", "--max-seconds", "300",
		    (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	s->stdin_fd = in[1];
	while (got < (ssize_t)sizeof line - 1 && read(out[0], line + got, 1) == 1 && line[got] != '\n')
		got++;
	line[got] = '\0';
	close(out[0]);
	s->port = atoi(line);
	return s->port > 0 ? 0 : -1;
}

static void server_stop(server *s)
{
	close(s->stdin_fd);
	kill(s->pid, SIGTERM);
	waitpid(s->pid, NULL, 0);
}

static run_state *g_state;

static void on_done_global(msb_completion *c, int status, void *ctx)
{
	slot *sl = ctx;
	if (status || !msbt_completion(c).text)
		g_state->errors++;
	g_state->done++;
	g_state->latency_sum += msbt_completion(c).usage.latency_ms;
	g_state->in_flight--;
	sl->next_free = g_state->free_list;
	g_state->free_list = sl;
}

/* Keep n requests in flight until `total` have completed. */
static double g_mean_latency;

static int drive(msb_backend *be, slot *slots, int n, long total, long first_id)
{
	run_state st;
	long submitted = 0;
	int i;

	memset(&st, 0, sizeof st);
	for (i = n - 1; i >= 0; i--) {
		slots[i].next_free = st.free_list;
		st.free_list = &slots[i];
	}
	g_state = &st;
	while (st.done < total) {
		while (st.free_list && submitted < total) {
			msb_request req = MSB_REQUEST_INIT;
			slot *sl = st.free_list;
			st.free_list = sl->next_free;
			snprintf(sl->prompt, sizeof sl->prompt, "bench request %ld", first_id + submitted);
			req.prompt = sl->prompt;
			req.max_tokens = 16;
			if (msb_backend_submit(sl->c, be, &req, on_done_global, sl)) {
				fprintf(stderr, "submit: %s\n", msb_error_last()->message);
				return -1;
			}
			st.in_flight++;
			submitted++;
		}
		if (msb_backend_poll(be, 1000) < 0) {
			fprintf(stderr, "poll: %s\n", msb_error_last()->message);
			return -1;
		}
	}
	if (st.errors)
		fprintf(stderr, "  %ld requests failed\n", st.errors);
	g_mean_latency = st.latency_sum / (double)(st.done ? st.done : 1);
	return (int)st.errors;
}

static int run_python(const char *url, int n, long total, double *tput, double *cpu_us)
{
	char cmd[1024], line[1024];
	FILE *p;
	int ok = 0;

	snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s --url %s --n %d --requests %ld", MSB_BENCH_PY,
	    url, n, total);
	if (!(p = popen(cmd, "r")))
		return -1;
	while (fgets(line, sizeof line, p)) {
		char *a = strstr(line, "\"throughput\": "), *b = strstr(line, "\"cpu_us_per_request\": ");
		if (a && b) {
			*tput = atof(a + 14);
			*cpu_us = atof(b + 22);
			ok = 1;
		}
	}
	return pclose(p) == 0 && ok ? 0 : -1;
}

int main(int argc, char **argv)
{
	const char *server_path = MSB_BENCH_SERVER;
	int latency = 50, python = 1, ns[8], n_ns = 0, i;
	double seconds = 3;
	server srv;
	char url[64], chat_url[96];

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--server") && i + 1 < argc)
			server_path = argv[++i];
		else if (!strcmp(argv[i], "--latency-ms") && i + 1 < argc)
			latency = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--seconds") && i + 1 < argc)
			seconds = atof(argv[++i]);
		else if (!strcmp(argv[i], "--no-python"))
			python = 0;
		else if (n_ns < 8 && atoi(argv[i]) > 0)
			ns[n_ns++] = atoi(argv[i]);
		else {
			fprintf(stderr, "usage: %s [--server PATH] [--latency-ms MS] [--seconds S] "
			                "[--no-python] [N ...]\n", argv[0]);
			return 2;
		}
	}
	if (!n_ns) {
		ns[n_ns++] = 64;
		ns[n_ns++] = 256;
	}
	if (msb_init() < 0)
		return 1;
	if (server_start(&srv, server_path, latency)) {
		fprintf(stderr, "cannot start %s\n", server_path);
		return 1;
	}
	snprintf(url, sizeof url, "http://127.0.0.1:%d/v1", srv.port);
	snprintf(chat_url, sizeof chat_url, "%s/chat/completions", url);
	printf("HTTP backend throughput: msb_test_server, fixed latency %d ms, %d CPUs\n", latency,
	    (int)sysconf(_SC_NPROCESSORS_ONLN));
	printf("%-8s %5s %8s %10s %10s %7s %12s %12s %10s\n", "client", "N", "requests", "req/s",
	    "ideal", "%ideal", "cpu us/req", "server us/req", "server %cpu");
	/* latency: mean time from a request's start on the wire to its completion */

	for (i = 0; i < n_ns; i++) {
		int n = ns[i], j;
		long total = (long)(seconds * n * 1000.0 / latency);
		msb_openai_options o = MSB_OPENAI_OPTIONS_INIT;
		msb_backend *be;
		slot *slots = calloc((size_t)n, sizeof *slots);
		double t0, c0, s0, wall, cpu, scpu, ideal = n * 1000.0 / latency;
		double py_tput = 0, py_cpu = 0, c_tput, c_cpu_us, ftotal;

		o.base_url = url;
		o.model = "bench";
		o.max_in_flight = n;
		o.max_retries = 0;
		o.api_key_env = "MSB_BENCH_NO_KEY";
		if (msb_backend_openai_new(&be, &o)) {
			fprintf(stderr, "%s\n", msb_error_last()->message);
			return 1;
		}
		for (j = 0; j < n; j++)
			msb_completion_new(&slots[j].c);
		/* warm up: open the keep-alive connections */
		drive(be, slots, n, n, 1000000000L);
		t0 = now_s();
		c0 = self_cpu_s();
		s0 = proc_cpu_s(srv.pid);
		drive(be, slots, n, total, 0);
		wall = now_s() - t0;
		cpu = self_cpu_s() - c0;
		scpu = proc_cpu_s(srv.pid) - s0;
		ftotal = (double)total;
		c_tput = ftotal / wall;
		c_cpu_us = cpu * 1e6 / ftotal;
		printf("%-8s %5d %8ld %10.0f %10.0f %6.1f%% %12.1f %12.1f %9.0f%%   latency %.1f ms\n",
		    "C", n, total, ftotal / wall, ideal, 100.0 * ftotal / wall / ideal, cpu * 1e6 / ftotal,
		    scpu * 1e6 / ftotal, 100.0 * scpu / wall, g_mean_latency);
		printf("%-8s %5d server: %.0f%% of one core busy; at %.1f us/request one core serves "
		       "~%.0f req/s, %.1fx this load\n", "server", n, 100.0 * scpu / wall,
		    scpu * 1e6 / ftotal, ftotal / scpu, (ftotal / scpu) / (ftotal / wall));
		fflush(stdout);
		for (j = 0; j < n; j++)
			msb_completion_free(slots[j].c);
		free(slots);
		msb_backend_free(be);

		if (python) {
			if (run_python(chat_url, n, total, &py_tput, &py_cpu) == 0) {
				printf("%-8s %5d %8ld %10.0f %10.0f %6.1f%% %12.1f %12s %10s\n", "aiohttp", n,
				    total, py_tput, ideal, 100.0 * py_tput / ideal, py_cpu, "-", "-");
				printf("%-8s %5d throughput C / aiohttp = %.2f, CPU per request aiohttp / C = %.1f\n",
				    "ratio", n, c_tput / py_tput, py_cpu / c_cpu_us);
			} else {
				printf("%-8s %5d  (failed: is python3-aiohttp installed?)\n", "aiohttp", n);
			}
			fflush(stdout);
		}
	}
	server_stop(&srv);
	msb_shutdown();
	return 0;
}
