/* tests/server/provider_shape.c - see provider_shape.h. */
#include <string.h>

#include "provider_shape.h"

int anth_is_messages(const char *path)
{
	size_t n = strlen(path);
	return n >= 9 && !strcmp(path + n - 9, "/messages");
}

const char *anth_request_problem(const json_t *req)
{
	const json_t *msgs = json_object_get(req, "messages"), *m;
	size_t i;

	if (!json_is_integer(json_object_get(req, "max_tokens")))
		return "max_tokens: Field required";
	if (json_object_get(req, "seed"))
		return "seed: Extra inputs are not permitted";
	json_array_foreach(msgs, i, m) {
		const char *role = json_string_value(json_object_get(m, "role"));
		if (role && strcmp(role, "user") && strcmp(role, "assistant"))
			return "messages: roles must be user or assistant (the system prompt is top-level)";
	}
	return NULL;
}

const char *anth_user_text(const json_t *req)
{
	const json_t *msgs = json_object_get(req, "messages"), *m, *content;
	const char *text = NULL;
	size_t i, k;

	json_array_foreach(msgs, i, m) {
		const char *role = json_string_value(json_object_get(m, "role"));
		if (!role || strcmp(role, "user"))
			continue;
		content = json_object_get(m, "content");
		if (json_is_string(content)) {
			text = json_string_value(content);
		} else if (json_is_array(content)) {
			const json_t *b;
			json_array_foreach(content, k, b)
				if (json_is_string(json_object_get(b, "text")))
					text = json_string_value(json_object_get(b, "text"));
		}
	}
	return text;
}

static const char *error_type(int status)
{
	switch (status) {
	case 400: return "invalid_request_error";
	case 401: return "authentication_error";
	case 403: return "permission_error";
	case 404: return "not_found_error";
	case 413: return "request_too_large";
	case 429: return "rate_limit_error";
	case 529: return "overloaded_error";
	default: return "api_error";
	}
}

static json_t *shape_error(const json_t *err, int status)
{
	const char *msg = json_string_value(json_object_get(err, "message"));
	return json_pack("{s:s,s:{s:s,s:s}}", "type", "error", "error", "type",
	    status == 200 ? "api_error" : error_type(status), "message", msg ? msg : "error");
}

static json_t *shape_message(const json_t *root)
{
	const json_t *choice = json_array_get(json_object_get(root, "choices"), 0);
	const json_t *msg = json_object_get(choice, "message"), *usage = json_object_get(root, "usage");
	const char *fr = json_string_value(json_object_get(choice, "finish_reason"));
	const char *text = json_string_value(json_object_get(msg, "content"));
	const char *thinking = json_string_value(json_object_get(msg, "reasoning_content"));
	const char *stop = "end_turn";
	json_t *content = json_array();

	if (thinking)
		json_array_append_new(content, json_pack("{s:s,s:s,s:s}", "type", "thinking",
		    "thinking", thinking, "signature", "c2lnbmF0dXJl"));
	if (json_is_string(json_object_get(msg, "refusal")))
		stop = "refusal"; /* the classifier stopped it: no text */
	else if (text)
		json_array_append_new(content, json_pack("{s:s,s:s}", "type", "text", "text", text));
	if (fr && !strcmp(fr, "length"))
		stop = "max_tokens";
	return json_pack("{s:s,s:s,s:s,s:O,s:o,s:s,s:n,s:{s:O,s:O,s:i,s:i}}", "id", "msg_test",
	    "type", "message", "role", "assistant", "model", json_object_get(root, "model"),
	    "content", content, "stop_reason", stop, "stop_sequence", "usage", "input_tokens",
	    json_object_get(usage, "prompt_tokens"), "output_tokens",
	    json_object_get(usage, "completion_tokens"), "cache_creation_input_tokens", 0,
	    "cache_read_input_tokens", 0);
}

json_t *anth_shape(json_t *openai, int status)
{
	const json_t *err = json_object_get(openai, "error");
	json_t *out = err ? shape_error(err, status) :
	    json_object_get(openai, "choices") ? shape_message(openai) : NULL;

	if (!out)
		return openai; /* not a completion or an error (stats): as it is */
	json_decref(openai);
	return out;
}
