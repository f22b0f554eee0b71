/*
 * tests/backend/test_oa_sockets.c - the HTTP backend's epoll set
 * (openai_engine.c, msb__oa_sock_*) on a backend struct built by hand and
 * a socket pair: a socket curl stops watching stays in the set while idle
 * (no epoll_ctl per request), a reused one costs nothing, an idle one that
 * turns readable is taken out once (no busy wake-ups), and a closed one
 * leaves nothing behind for the next socket of the same number.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/alloc.h"
#include "backend/backend.h"
#include "backend/openai_backend.h"

/* Is fd in the set? (a MOD succeeds only for a member) */
static int in_set(int epfd, int fd)
{
	struct epoll_event ev;
	memset(&ev, 0, sizeof ev);
	ev.events = EPOLLIN;
	ev.data.fd = fd;
	if (epoll_ctl(epfd, EPOLL_CTL_MOD, fd, &ev) == 0)
		return 1;
	assert_int_equal(errno, ENOENT);
	return 0;
}

static int ready(int epfd, int fd)
{
	struct epoll_event evs[8];
	int n = epoll_wait(epfd, evs, 8, 0), i;
	for (i = 0; i < n; i++)
		if (evs[i].data.fd == fd)
			return 1;
	return 0;
}

static void test_idle_socket_stays_then_leaves(void **state)
{
	oa be;
	int sv[2];
	char c = 'x';
	(void)state;

	memset(&be, 0, sizeof be);
	be.epfd = epoll_create1(EPOLL_CLOEXEC);
	assert_true(be.epfd >= 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);

	/* a request on a new connection: in the set */
	msb__oa_sock_want(&be, sv[0], CURL_POLL_IN);
	assert_true(in_set(be.epfd, sv[0]));
	/* the request ends: curl says REMOVE; the socket stays (idle), nothing is ready */
	msb__oa_sock_want(&be, sv[0], CURL_POLL_REMOVE);
	assert_true(in_set(be.epfd, sv[0]));
	assert_false(ready(be.epfd, sv[0]));
	assert_int_equal(msb__oa_sock_idle_event(&be, sv[0]), 1); /* idle: an event would not be curl's */
	assert_false(in_set(be.epfd, sv[0]));                      /* ... and takes it out */

	/* reused: back in the set; an answer arriving makes it ready for curl */
	msb__oa_sock_want(&be, sv[0], CURL_POLL_IN);
	assert_true(in_set(be.epfd, sv[0]));
	assert_int_equal(msb__oa_sock_idle_event(&be, sv[0]), 0);
	assert_int_equal(write(sv[1], &c, 1), 1);
	assert_true(ready(be.epfd, sv[0]));
	assert_int_equal(read(sv[0], &c, 1), 1);

	/* write interest is never left behind: it would be ready at once */
	msb__oa_sock_want(&be, sv[0], CURL_POLL_INOUT);
	msb__oa_sock_want(&be, sv[0], CURL_POLL_REMOVE);
	assert_false(in_set(be.epfd, sv[0]));
	assert_int_equal(msb__oa_sock_idle_event(&be, sv[0]), 0);

	/* idle again; the peer closes it: readable, taken out once, then quiet */
	msb__oa_sock_want(&be, sv[0], CURL_POLL_IN);
	msb__oa_sock_want(&be, sv[0], CURL_POLL_REMOVE);
	close(sv[1]);
	assert_true(ready(be.epfd, sv[0]));
	assert_int_equal(msb__oa_sock_idle_event(&be, sv[0]), 1);
	assert_false(ready(be.epfd, sv[0]));

	/* curl closes it through the backend: out of the set, state gone */
	msb__oa_sock_want(&be, sv[0], CURL_POLL_IN);
	assert_int_equal(msb__oa_sock_close(&be, sv[0]), 0);
	assert_int_equal(be.sock[sv[0]], 0);
	close(be.epfd);
	msb__free(be.sock);
}

/* A new socket with the number of a closed one starts from nothing: asking for IN adds it. */
static void test_reused_number(void **state)
{
	oa be;
	int sv[2], again[2];
	(void)state;

	memset(&be, 0, sizeof be);
	be.epfd = epoll_create1(EPOLL_CLOEXEC);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	msb__oa_sock_want(&be, sv[0], CURL_POLL_IN);
	msb__oa_sock_want(&be, sv[0], CURL_POLL_REMOVE);
	assert_int_equal(msb__oa_sock_close(&be, sv[0]), 0);
	close(sv[1]);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, again), 0);
	assert_int_equal(again[0], sv[0]); /* the lowest free numbers again */
	msb__oa_sock_want(&be, again[0], CURL_POLL_IN);
	assert_true(in_set(be.epfd, again[0]));
	close(again[0]);
	close(again[1]);
	close(be.epfd);
	msb__free(be.sock);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_idle_socket_stays_then_leaves),
		cmocka_unit_test(test_reused_number),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
