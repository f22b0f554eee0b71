/* tests/reliability/redirect_server.c - see redirect_server.h. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "redirect_server.h"

static void serve(rserver *s, int c)
{
	char buf[16384], response[1024];
	size_t len = 0;
	ssize_t n;
	char *end;
	struct pollfd p = { c, POLLIN, 0 };

	/* the head is enough: the response does not depend on the body */
	while (len < sizeof buf - 1 && poll(&p, 1, 2000) == 1 &&
	    (n = read(c, buf + len, sizeof buf - 1 - len)) > 0) {
		len += (size_t)n;
		buf[len] = '\0';
		if ((end = strstr(buf, "\r\n\r\n")) != NULL)
			break;
	}
	pthread_mutex_lock(&s->lock);
	memcpy(response, s->response, sizeof response);
	s->requests++;
	{
		char *nh = realloc(s->heads, s->heads_len + len + 1);
		if (nh) {
			memcpy(nh + s->heads_len, buf, len);
			s->heads_len += len;
			nh[s->heads_len] = '\0';
			s->heads = nh;
		}
	}
	pthread_mutex_unlock(&s->lock);
	if (write(c, response, strlen(response)) < 0)
		perror("rserver: write");
	shutdown(c, SHUT_WR);
	while (poll(&p, 1, 200) == 1 && read(c, buf, sizeof buf) > 0)
		;
	close(c);
}

static void *loop(void *ud)
{
	rserver *s = ud;
	struct pollfd p = { s->fd, POLLIN, 0 };

	while (!__atomic_load_n(&s->stop, __ATOMIC_SEQ_CST)) {
		if (poll(&p, 1, 50) == 1) {
			int c = accept(s->fd, NULL, NULL);
			if (c >= 0)
				serve(s, c);
		}
	}
	return NULL;
}

int rserver_start(rserver *s)
{
	struct sockaddr_in a;
	socklen_t alen = sizeof a;
	int one = 1;

	memset(s, 0, sizeof *s);
	pthread_mutex_init(&s->lock, NULL);
	s->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s->fd < 0)
		return -1;
	setsockopt(s->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(s->fd, (struct sockaddr *)&a, sizeof a) || listen(s->fd, 16) ||
	    getsockname(s->fd, (struct sockaddr *)&a, &alen)) {
		close(s->fd);
		return -1;
	}
	s->port = ntohs(a.sin_port);
	snprintf(s->response, sizeof s->response,
	    "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
	return pthread_create(&s->thread, NULL, loop, s) ? -1 : 0;
}

void rserver_respond(rserver *s, const char *response)
{
	pthread_mutex_lock(&s->lock);
	snprintf(s->response, sizeof s->response, "%s", response);
	pthread_mutex_unlock(&s->lock);
}

void rserver_stop(rserver *s)
{
	__atomic_store_n(&s->stop, 1, __ATOMIC_SEQ_CST);
	pthread_join(s->thread, NULL);
	close(s->fd);
	free(s->heads);
	pthread_mutex_destroy(&s->lock);
}

int rserver_requests(rserver *s)
{
	int n;
	pthread_mutex_lock(&s->lock);
	n = s->requests;
	pthread_mutex_unlock(&s->lock);
	return n;
}

int rserver_saw(rserver *s, const char *needle)
{
	int found;
	pthread_mutex_lock(&s->lock);
	found = s->heads && strstr(s->heads, needle) != NULL;
	pthread_mutex_unlock(&s->lock);
	return found;
}
