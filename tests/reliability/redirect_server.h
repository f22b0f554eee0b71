/*
 * tests/reliability/redirect_server.h - a minimal HTTP server on
 * 127.0.0.1 (a thread) that answers every request with a fixed response
 * and keeps the request heads it received, for the secrets test.
 */
#ifndef MSB_TEST_REDIRECT_SERVER_H
#define MSB_TEST_REDIRECT_SERVER_H

#include <pthread.h>
#include <stddef.h>

typedef struct rserver {
	int fd;
	int port;
	int stop;
	pthread_t thread;
	pthread_mutex_t lock;
	char response[1024]; /* the whole response, sent as is */
	char *heads;         /* every request head received, concatenated */
	size_t heads_len;
	int requests;
} rserver;

/* Listen on 127.0.0.1, port 0; the response is set afterwards with rserver_respond. 0 or -1. */
int rserver_start(rserver *s);
void rserver_respond(rserver *s, const char *response);
void rserver_stop(rserver *s);
/* Requests received so far, and whether `needle` occurs in any request head (1/0). */
int rserver_requests(rserver *s);
int rserver_saw(rserver *s, const char *needle);

#endif
