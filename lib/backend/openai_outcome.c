/*
 * lib/backend/openai_outcome.c - what became of one attempt of the HTTP
 * backend: an answer, or an error with its kind, whether to try again,
 * whether the server is overloaded (the adaptive window shrinks) and how
 * long it asks to wait. Kept apart from the event loop (openai.c) so that
 * every response shape can be unit tested without a socket.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/error.h"
#include "backend/completion.h"
#include "backend/openai_outcome.h"

static void set(msb__oa_outcome *o, int code, const char *kind, int retry, int overload)
{
	o->code = code;
	o->kind = kind;
	o->retry = retry;
	o->overload = overload;
}

/* Errors that no retry can clear although their status says "try later". */
static int is_billing(const msb__oa_error_info *err)
{
	static const char *const codes[] = { "insufficient_quota", "billing_hard_limit_reached",
		"billing_not_active", "insufficient_balance" };
	size_t i;

	for (i = 0; i < sizeof codes / sizeof *codes; i++)
		if (!strcasecmp(err->code_str, codes[i]))
			return 1;
	return 0;
}

void msb__oa_status_outcome(long status, const msb__oa_error_info *err, msb__oa_outcome *o)
{
	if (status == 429 && is_billing(err)) {
		/* OpenAI's "You exceeded your current quota": billing, not load */
		set(o, MSB_EHTTP, "quota", 0, 0);
	} else if (status == 429) {
		set(o, MSB_EHTTP, "rate_limit", 1, 1);
	} else if (status == 498) {
		/* Groq's capacity_exceeded: "try again later" */
		set(o, MSB_EHTTP, "rate_limit", 1, 1);
	} else if (status == 503 || status == 529) {
		/* unavailable, overloaded (529: Anthropic's compatible API) */
		set(o, MSB_EHTTP, "http", 1, 1);
	} else if (status >= 500 || status == 408) {
		set(o, MSB_EHTTP, "http", 1, 0);
	} else {
		set(o, MSB_EHTTP, "http", 0, 0);
	}
}

static int starts_with_ci(const char *s, const char *prefix)
{
	return s && !strncasecmp(s, prefix, strlen(prefix));
}

/* The server's requested wait in ms (retry-after-ms wins over Retry-After), -1 when none. */
static double server_wait_ms(const msb__oa_reply *r)
{
	double ms = -1;

	if (r->retry_after_ms) {
		char *end;
		ms = strtod(r->retry_after_ms, &end);
		if (end == r->retry_after_ms || ms < 0)
			ms = -1;
	}
	if (ms < 0 && r->retry_after)
		ms = msb__retry_after_ms(r->retry_after, r->now_epoch_s);
	return ms;
}

/*
 * Azure OpenAI's content filter withheld the answer (finish_reason
 * content_filter) or refused the prompt (HTTP 400, code content_filter):
 * the deployment said no, so it is recorded as a refusal (the record's
 * "refusal": true, the server's words in refusal_text) and judged, with
 * a fixed note in our own words as the text. Returns 1 when c now holds it.
 */
#define FILTER_NOTE "[no answer: the provider's content filter withheld it (content_filter)]"

static int azure_filtered(msb_completion *c, const char *server_msg, msb__oa_outcome *o)
{
	long long pt = c->prompt_tokens, ct = c->completion_tokens;

	msb_completion_reset(c);
	msb_completion_set_usage(c, pt, ct);
	if (msb_completion_set_finish_reason(c, "content_filter") ||
	    msb__completion_set_refusal(c, server_msg ? server_msg : "") ||
	    msb_completion_set_text(c, FILTER_NOTE)) {
		msb_completion_reset(c);
		set(o, MSB_ENOMEM, "error", 0, 0);
		return 1;
	}
	set(o, 0, NULL, 0, 0);
	o->msg[0] = '\0';
	return 1;
}

void msb__oa_classify_reply(msb_completion *c, const msb__oa_reply *r, msb__oa_outcome *o)
{
	msb__oa_error_info err;
	int no_key;
	size_t n;

	memset(o, 0, sizeof *o);
	o->wait_ms = -1;
	o->status = r->status;
	memset(&err, 0, sizeof err);
	if (r->status >= 200 && r->status < 300) {
		if (starts_with_ci(r->content_type, "text/event-stream")) {
			set(o, MSB_EPARSE, "stream", 0, 0);
			snprintf(o->msg, sizeof o->msg, "POST %s: HTTP %ld: the server sent an event stream "
			    "(text/event-stream) although the request asked for \"stream\": false",
			    r->display_url, r->status);
			msb_completion_reset(c);
			return;
		}
		if ((r->dialect == MSB_OPENAI_DIALECT_ANTHROPIC ?
		        msb__anthropic_parse(c, r->body, r->len, o, &err) :
		        msb__openai_parse(c, r->body, r->len, r->endpoint, o, &err)) == 0)
			return;
		if (o->code == MSB_ENOMEM) {
			snprintf(o->msg, sizeof o->msg, "out of memory reading the response");
			msb_completion_reset(c);
			return;
		}
		if (r->dialect == MSB_OPENAI_DIALECT_AZURE && o->kind && !strcmp(o->kind, "empty") &&
		    c->finish_reason && !strcmp(c->finish_reason, "content_filter") &&
		    azure_filtered(c, NULL, o))
			return;
		if (o->code != MSB_EHTTP || o->kind) {
			/* keep the empty answer's finish reason and reasoning for the record */
			char msg[sizeof o->msg];
			int n0;
			memcpy(msg, o->msg, sizeof msg);
			n0 = snprintf(o->msg, sizeof o->msg, "POST %s: HTTP %ld: ", r->display_url, r->status);
			if (n0 > 0 && (size_t)n0 < sizeof o->msg) {
				size_t room = sizeof o->msg - (size_t)n0 - 1, k = strnlen(msg, room);
				memcpy(o->msg + n0, msg, k);
				o->msg[(size_t)n0 + k] = '\0';
			}
			if (strcmp(o->kind, "empty"))
				msb_completion_reset(c);
			return;
		}
		/* an error object in a 2xx body: its integer code is the real status */
		msb_completion_reset(c);
		if (err.code >= 400)
			msb__oa_status_outcome(err.code, &err, o);
		else if (is_billing(&err))
			set(o, MSB_EHTTP, "quota", 0, 0);
		else
			set(o, MSB_EHTTP, "http", 1, 0);
		if (err.code >= 400)
			snprintf(o->msg, sizeof o->msg, "POST %s: HTTP %ld (error %ld in the body): %s",
			    r->display_url, r->status, err.code, err.message);
		else
			snprintf(o->msg, sizeof o->msg, "POST %s: HTTP %ld (an error in the body): %s",
			    r->display_url, r->status, err.message);
	} else {
		char smsg[512];
		msb_completion_reset(c);
		if (msb__openai_error_info(r->body, r->len, &err))
			snprintf(smsg, sizeof smsg, "%s", err.message);
		else
			msb__openai_error_message(r->body, r->len, smsg, sizeof smsg);
		if (r->dialect == MSB_OPENAI_DIALECT_AZURE && r->status == 400 &&
		    !strcmp(err.code_str, "content_filter") && azure_filtered(c, err.message, o))
			return;
		msb__oa_status_outcome(r->status, &err, o);
		no_key = (r->status == 401 || r->status == 403) && r->missing_key_env;
		snprintf(o->msg, sizeof o->msg, "POST %s: HTTP %ld: %s%s%s%s", r->display_url, r->status,
		    smsg, no_key ? " (no API key: $" : "", no_key ? r->missing_key_env : "",
		    no_key ? " is not set)" : "");
	}
	if (!o->retry)
		return;
	o->wait_ms = server_wait_ms(r);
	if (o->wait_ms > (double)r->max_retry_after_ms) {
		/* waiting that long per request (and per retry) would stall the run: fail now */
		o->retry = 0;
		n = strlen(o->msg);
		snprintf(o->msg + n, sizeof o->msg - n,
		    " (the server asks to wait %.0f s, more than max_retry_after_ms %.0f s: not retried)",
		    o->wait_ms / 1000.0, (double)r->max_retry_after_ms / 1000.0);
	}
}

void msb__oa_classify_transport(const oa *be, const oa_req *r, CURLcode res, msb__oa_outcome *o)
{
	const char *what = msb__curl_easy_strerror(res);

	memset(o, 0, sizeof *o);
	o->wait_ms = -1;
	set(o, MSB_EHTTP, "connect", 1, 0);
	switch (res) {
	case CURLE_WRITE_ERROR:
	case CURLE_FILESIZE_EXCEEDED:
		if (r->nomem) {
			set(o, MSB_ENOMEM, "error", 0, 0);
			snprintf(o->msg, sizeof o->msg, "out of memory reading the response");
			return;
		}
		set(o, MSB_ELIMIT, "too_large", 0, 0);
		snprintf(o->msg, sizeof o->msg,
		    "POST %s: the response is larger than max_response_bytes (%zu)", be->display_url,
		    be->o.max_response_bytes);
		return;
	case CURLE_OPERATION_TIMEDOUT:
		set(o, MSB_ETIMEOUT, "timeout", 1, 0);
		snprintf(o->msg, sizeof o->msg, "POST %s: %s (connect timeout %ld ms, total %ld ms)",
		    be->display_url, what, be->o.connect_timeout_ms, be->o.timeout_ms);
		return;
	case CURLE_PARTIAL_FILE:
		set(o, MSB_EPARSE, "parse", 1, 0);
		snprintf(o->msg, sizeof o->msg,
		    "POST %s: truncated response body (connection closed after %zu bytes)",
		    be->display_url, r->resp.len);
		return;
	case CURLE_GOT_NOTHING:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
		/* a connection reset or closed unanswered: a server shedding load */
		o->overload = 1;
		break;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_CONNECT:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		break;
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_USE_SSL_FAILED:
		/* a handshake may fail by chance; a rejected certificate fails every time */
		set(o, MSB_EHTTP, "tls", res == CURLE_SSL_CONNECT_ERROR, 0);
		snprintf(o->msg, sizeof o->msg, "POST %s: TLS: %s%s", be->display_url,
		    r->errbuf[0] ? r->errbuf : what, res == CURLE_PEER_FAILED_VERIFICATION ?
		    " (the server's certificate is not trusted: give its CA with ca_file or ca_path)" :
		    "");
		return;
	default:
		set(o, MSB_EHTTP, "http", 0, 0);
		break;
	}
	snprintf(o->msg, sizeof o->msg, "POST %s: %s", be->display_url, what);
}
