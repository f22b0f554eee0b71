/*
 * medsafety/openai.h - the built-in OpenAI-compatible HTTP backend and the
 * prompt formats of model families. See docs/backends.md.
 *
 * The backend is asynchronous on one libcurl multi handle: a host (or the
 * eval runner) keeps many requests in flight from one thread with
 * msb_backend_submit / msb_backend_poll (medsafety/sys/backend.h);
 * msb_backend_generate works too, one request at a time.
 */
#ifndef MEDSAFETY_OPENAI_H
#define MEDSAFETY_OPENAI_H

#include <stddef.h>

#include "common.h"
#include "backend.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Endpoints (msb_openai_options.endpoint); names "chat", "completions". */
typedef enum msb_openai_endpoint {
	MSB_OPENAI_CHAT = 0,       /**< POST {base_url}/chat/completions with messages */
	MSB_OPENAI_COMPLETIONS = 1 /**< POST {base_url}/completions with a rendered prompt */
} msb_openai_endpoint;
/** "chat", "completions"; NULL for an unknown value. Static. */
MSB_API const char *msb_openai_endpoint_name(int endpoint);
/** The endpoint named (ASCII case ignored), or MSB_EINVAL (error set). */
MSB_API int msb_openai_endpoint_from_name(const char *name);

/* Prompt formats for the /completions endpoint (msb_prompt_render). */
typedef enum msb_prompt_format {
	MSB_PROMPT_PLAIN = 0,     /**< system, blank line, user message */
	MSB_PROMPT_LLAMA2 = 1,    /**< [INST] <<SYS>> ... <</SYS>> ... [/INST] */
	MSB_PROMPT_MISTRAL = 2,   /**< [INST] system + user [/INST] */
	MSB_PROMPT_VICUNA = 3,    /**< system USER: ... ASSISTANT: */
	MSB_PROMPT_MEDALPACA = 4, /**< context / question / answer */
	MSB_PROMPT_MED42 = 5      /**< <|system|>: <|prompter|>: <|assistant|>: */
} msb_prompt_format;

/*
 * Dialects (msb_provider_options.dialect): the wire protocol spoken by the
 * one HTTP engine. See docs/providers.md.
 */
typedef enum msb_openai_dialect {
	MSB_OPENAI_DIALECT_OPENAI = 0,    /**< OpenAI chat/completions and compatible servers */
	MSB_OPENAI_DIALECT_ANTHROPIC = 1, /**< Anthropic Messages: POST {base}/v1/messages */
	MSB_OPENAI_DIALECT_AZURE = 2      /**< Azure OpenAI: {base}/openai/deployments/{model}/chat/completions?api-version= */
} msb_openai_dialect;
/** "openai", "anthropic", "azure"; NULL for an unknown value. Static. */
MSB_API const char *msb_openai_dialect_name(int dialect);
/** The dialect named (ASCII case ignored), or MSB_EINVAL (error set). */
MSB_API int msb_openai_dialect_from_name(const char *name);

/** Default anthropic-version header of the Anthropic dialect. */
#define MSB_ANTHROPIC_VERSION_DEFAULT "2023-06-01"
/** Default api-version query value of the Azure dialect. */
#define MSB_AZURE_API_VERSION_DEFAULT "2024-10-21"
/** Default base URL of the Anthropic dialect. */
#define MSB_ANTHROPIC_BASE_URL_DEFAULT "https://api.anthropic.com"

#define MSB_OPENAI_OPTIONS_VERSION 3
/**
 * Options of the OpenAI-compatible backend. Strings are copied by
 * msb_backend_openai_new. Times in milliseconds; 0 picks the default
 * where one is given. From version 3 a zeroed struct with its version set
 * means exactly the defaults (TLS verified, HTTP/2 offered, 5 retries):
 * see insecure_skip_verify, http2 and max_retries.
 */
typedef struct msb_openai_options {
	unsigned int version;         /**< MSB_OPENAI_OPTIONS_VERSION */
	const char *base_url;         /**< NULL: "https://api.openai.com/v1" */
	const char *model;            /**< required */
	/**
	 * Name of the environment variable that holds the API key. Read once,
	 * when the backend is made; unset or empty sends no Authorization
	 * header. NULL: "OPENAI_API_KEY", but only when the base URL is
	 * OpenAI's own (https://api.openai.com): a key is never sent to
	 * another server unless its variable is named here. Blanks around the
	 * key are trimmed; a key holding CR, LF or NUL is MSB_EINVAL (the
	 * message names the variable, never the value). The key never appears
	 * in the identity, in error messages or in any output.
	 */
	const char *api_key_env;
	/**
	 * Extra "Name: value" headers, n_headers of them. A name or value with
	 * CR, LF or NUL is MSB_EINVAL. Values are never written anywhere
	 * (identity, messages) except those of harmless names (Accept, ...).
	 */
	const char *const *headers;
	size_t n_headers;
	int endpoint;                 /**< MSB_OPENAI_CHAT (default) or MSB_OPENAI_COMPLETIONS */
	int prompt_format;            /**< MSB_PROMPT_* for /completions (default plain) */
	int use_max_completion_tokens;/**< send max_completion_tokens instead of max_tokens */
	int omit_temperature;         /**< never send temperature (models that reject it) */
	long connect_timeout_ms;      /**< default 10000 */
	long timeout_ms;              /**< whole attempt, default 120000 */
	/** retries after the first attempt, default 5; -1: none; 0: none up to version 2, the default from version 3 */
	int max_retries;
	long backoff_base_ms;         /**< first retry delay under overload, default 500 (doubles, with jitter; random faults: a tenth) */
	long backoff_max_ms;          /**< cap of one delay, default 30000 */
	long max_retry_after_ms;      /**< longest Retry-After honoured, default 120000; a longer one fails the request at once */
	/**
	 * Ceiling of the adaptive (AIMD) limit. Default 0: the host's
	 * concurrency (msb_backend_set_concurrency; the eval runner sets it
	 * to its concurrency), 64 until told. An explicit value lower than
	 * the host's concurrency wins.
	 */
	int max_in_flight;
	double requests_per_minute;   /**< 0: no limit */
	double tokens_per_minute;     /**< 0: no limit (estimated: prompt bytes / 4 + max_tokens) */
	/** Up to version 2: default 1; 0 turns verification off. Ignored from version 3: see insecure_skip_verify. */
	int tls_verify;
	size_t max_response_bytes;    /**< default 8 MiB; larger bodies fail with kind "too_large" */
	/**
	 * HTTP/2 (multiplexed) when the server offers it. Up to version 2:
	 * 1 (default) on, 0 off. From version 3: 0 (default) or 1 on, -1 off.
	 */
	int http2;
	/* version 2 */
	/**
	 * PEM file of the certificate authorities to trust instead of the
	 * system's (a private or self-signed server); NULL or "": the system's.
	 */
	const char *ca_file;
	/** Folder of hashed CA certificates (c_rehash), used besides ca_file; NULL or "": none. */
	const char *ca_path;
	/* version 3 */
	/**
	 * 1: do not verify the server's certificate and host name (a local test
	 * server only). Default 0: verified. Replaces tls_verify, whose zero
	 * meant "off".
	 */
	int insecure_skip_verify;
} msb_openai_options;

#define MSB_OPENAI_OPTIONS_INIT { .version = MSB_OPENAI_OPTIONS_VERSION }
MSB_API int msb_openai_options_init(msb_openai_options *opts, unsigned int version);

/**
 * Make the OpenAI-compatible backend. Errors: MSB_EINVAL (no model, bad
 * URL or option), MSB_EVERSION, MSB_ENOMEM, MSB_ESTATE (msb_init not
 * called). New: free with msb_backend_free.
 */
MSB_API int msb_backend_openai_new(msb_backend **out, const msb_openai_options *opts);

#define MSB_PROVIDER_OPTIONS_VERSION 1
/**
 * The provider of the HTTP backend: which dialect its one engine speaks.
 * A separate struct, so that msb_openai_options keeps its layout. Zeroed
 * with its version set: the OpenAI dialect.
 */
typedef struct msb_provider_options {
	unsigned int version;  /**< MSB_PROVIDER_OPTIONS_VERSION */
	/**
	 * MSB_OPENAI_DIALECT_* (default OpenAI). Anthropic: model is the model
	 * name, base_url defaults to MSB_ANTHROPIC_BASE_URL_DEFAULT, the key
	 * goes in "x-api-key" (api_key_env NULL: ANTHROPIC_API_KEY, sent only
	 * to https://api.anthropic.com), the endpoint must be chat. Azure: model
	 * is the deployment name, base_url the resource URL (required), the key
	 * goes in "api-key" (api_key_env NULL: AZURE_OPENAI_API_KEY, sent only
	 * to https hosts under .openai.azure.com or .cognitiveservices.azure.com).
	 */
	int dialect;
	/**
	 * Anthropic: the anthropic-version header (NULL or "":
	 * MSB_ANTHROPIC_VERSION_DEFAULT). Azure: the api-version query value
	 * (NULL or "": MSB_AZURE_API_VERSION_DEFAULT). Ignored by OpenAI.
	 * Copied.
	 */
	const char *api_version;
} msb_provider_options;

#define MSB_PROVIDER_OPTIONS_INIT { .version = MSB_PROVIDER_OPTIONS_VERSION }
MSB_API int msb_provider_options_init(msb_provider_options *opts, unsigned int version);

/**
 * Make the HTTP backend for a provider: as msb_backend_openai_new, speaking
 * provider's dialect (NULL: OpenAI, the same as msb_backend_openai_new).
 * Errors: those of msb_backend_openai_new; MSB_EINVAL for an unknown
 * dialect, an Azure backend without base_url, the Anthropic dialect with
 * the completions endpoint, an api_version with a blank, CR, LF, &, # or ?.
 * New: free with msb_backend_free.
 */
MSB_API int msb_backend_provider_new(msb_backend **out, const msb_openai_options *opts,
    const msb_provider_options *provider);

/**
 * Render a system and user message in a model family's prompt format
 * (MSB_PROMPT_*). system may be NULL. New string in *out: free with
 * msb_free. Errors: MSB_EINVAL, MSB_ENOMEM.
 */
MSB_API int msb_prompt_render(char **out, int format, const char *system, const char *user);

/**
 * The MSB_PROMPT_* value for a name ("plain", "llama2", "mistral", "vicuna",
 * "medalpaca", "med42"; ASCII case ignored), or MSB_EINVAL (error set).
 */
MSB_API int msb_prompt_format_from_name(const char *name);
/** The name of a MSB_PROMPT_* value (static), or NULL. */
MSB_API const char *msb_prompt_format_name(int format);

#ifdef __cplusplus
}
#endif

#endif /* MEDSAFETY_OPENAI_H */
