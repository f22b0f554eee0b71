/*
 * tests/server/provider_shape.h - msb_test_server's other providers: the
 * Anthropic Messages shape (POST .../v1/messages) made from the OpenAI
 * answer the server would give, and the checks the real API makes on a
 * request. Shapes: Anthropic's API reference, "Messages" and "Errors".
 */
#ifndef MSB_TEST_SERVER_PROVIDER_SHAPE_H
#define MSB_TEST_SERVER_PROVIDER_SHAPE_H

#include <jansson.h>

/* 1 when path is the Messages endpoint (ends in "/messages"). */
int anth_is_messages(const char *path);
/*
 * What the Messages API would refuse in req (static message), or NULL:
 * no max_tokens, a "system" role inside messages, a "seed".
 */
const char *anth_request_problem(const json_t *req);
/* The text of the last user message (content a string or text blocks), borrowed; or NULL. */
const char *anth_user_text(const json_t *req);
/*
 * The Anthropic form of an OpenAI-shaped body (takes the reference, returns
 * a new one): an error object becomes {"type":"error","error":{type,message}}
 * with the type of the status (529 overloaded_error, 429 rate_limit_error,
 * ...), a chat completion a message with content blocks (reasoning_content
 * as a thinking block), stop_reason (length: max_tokens, a refusal:
 * "refusal" with no text) and usage (input/output and cache tokens).
 */
json_t *anth_shape(json_t *openai, int status);

#endif
