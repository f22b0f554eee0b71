/* tests/server/fixed_body.h - msb_test_server's --body: a fixed, recorded response. */
#ifndef MSB_TEST_SERVER_FIXED_BODY_H
#define MSB_TEST_SERVER_FIXED_BODY_H

#include <stddef.h>

/* A --body* flag and its value: 1 when taken, 0 when not such a flag, -1 on a bad value. */
int fixed_body_option(const char *flag, const char *value);
/*
 * The whole HTTP response for the next completion request into a new
 * buffer (*out, *len; free()), or 0 when no body is set or it is used up.
 */
int fixed_body_next(int close_after, char **out, size_t *len);

#endif
