/*
 * lib/eval/batch.h - the batch stages' internals: the provider interface
 * (batch_openai.c), the batch journal (batch_journal.c) and the stage
 * driver (batch.c). docs/batch.md has the design.
 */
#ifndef MSB_EVAL_BATCH_H
#define MSB_EVAL_BATCH_H

#include <stddef.h>

#include "medsafety/batch.h"
#include "core/buf.h"
#include "core/strmap.h"

struct msb_backend;
struct json_t;

/* A batch as the provider reports it (one poll). */
typedef struct msb__batch_state {
	char status[32];         /* the provider's word: "in_progress", "completed", "ended", ... */
	int ended;               /* the status is a final one: results can be read */
	/*
	 * What download() reads ("" when none): the output and error file ids
	 * (OpenAI); Anthropic has one results file per batch, named by the
	 * batch id in output_file.
	 */
	char output_file[128];
	char error_file[128];
	size_t total, completed, failed;
} msb__batch_state;

/*
 * A provider's batch API. OpenAI (and Azure) upload an input file and
 * create a batch of its id; Anthropic's Message Batches take the requests
 * inline (upload is NULL: create reads the input file itself). Result
 * lines carry a custom id and a response body in the provider's dialect.
 */
typedef struct msb__batch_api msb__batch_api;
struct msb__batch_api {
	const char *name;        /* "openai", "azure", "anthropic": the journal's "provider" */
	/* Append one input line (with '\n') for a request body. */
	int (*line)(msb__batch_api *api, msb_buf *out, const char *custom_id, const char *body,
	    size_t body_len);
	/* Upload an input file; its id into file_id. NULL: the provider takes requests inline. */
	int (*upload)(msb__batch_api *api, const char *path, char file_id[128]);
	/*
	 * Create a batch: of the uploaded file_id, or (upload NULL) of the input
	 * file at path, its lines sent inline. Its id into batch_id.
	 */
	int (*create)(msb__batch_api *api, const char *file_id, const char *path, char batch_id[128]);
	/* Poll a batch. */
	int (*get)(msb__batch_api *api, const char *batch_id, msb__batch_state *st);
	/* Download an output_file / error_file of a state to path. */
	int (*download)(msb__batch_api *api, const char *file_id, const char *path);
	/*
	 * One output line: its custom_id (borrowed from *root) and, on success
	 * (*ok 1), the response body (a normal answer of the dialect) as new
	 * text in *body (msb__free); otherwise a reason in msg. 0, or
	 * MSB_EPARSE for a line that is not one.
	 */
	int (*result)(msb__batch_api *api, const char *line, size_t len, struct json_t **root,
	    const char **custom_id, int *ok, char **body, char *msg, size_t msg_size);
	void (*free)(msb__batch_api *api);
	int endpoint;            /* MSB_OPENAI_CHAT or MSB_OPENAI_COMPLETIONS: how bodies parse */
	int dialect;             /* MSB_OPENAI_DIALECT_*: how bodies parse */
	size_t max_lines, max_bytes; /* the provider's limits per batch (the options' cap) */
};

/*
 * The batch API of an HTTP backend (openai/, azure/, anthropic/), over its
 * URL, key, headers and TLS settings (never written anywhere).
 * MSB_EINVAL for another backend. New: api->free.
 */
int msb__batch_api_new(msb__batch_api **out, struct msb_backend *b);
/* OpenAI's Batch API (and Azure's, the same under the resource): batch_openai.c. */
int msb__batch_openai_new(msb__batch_api **out, struct msb_backend *b);
/* Anthropic's Message Batches: batch_anthropic.c. */
int msb__batch_anthropic_new(msb__batch_api **out, struct msb_backend *b);
/* The exact request body that backend would send online for req (any dialect). New text (msb__free). */
int msb__batch_openai_body(struct msb_backend *b, const void *req, char **body, size_t *len);
/* Parse a result body (api's dialect) into c as the online backend does: 0 or a negative code. */
int msb__batch_parse(const msb__batch_api *api, msb_completion *c, const char *body, size_t len);

/* ---- the journal, OUT/batch/batches.jsonl (batch_journal.c) ---- */
typedef struct msb__batch_entry {
	char stage[8];           /* "model" or "judge" */
	char provider[16];       /* "openai", "azure", "anthropic" ("" in journals written before) */
	char batch_id[128];
	char input_file[128];
	size_t requests;
	int ended;               /* an "ended" line follows */
	char status[32];
	size_t succeeded, failed;
	long long prompt_tokens, completion_tokens; /* of the answers stored from it */
} msb__batch_entry;

typedef struct msb__batch_journal {
	int fd;
	char *path;
	msb__batch_entry *e;
	size_t n, cap;
	msb_strmap subs;         /* custom_id -> times submitted */
} msb__batch_journal;

/* Open (creating; truncating unless resume) DIR/batches.jsonl and read it. */
int msb__batch_journal_open(msb__batch_journal *j, const char *dir, int resume);
/* Journal a submitted batch (fsync'd before it returns). */
int msb__batch_journal_submitted(msb__batch_journal *j, const char *stage, const char *provider,
    const char *batch_id, const char *input_file, const char *const *custom_ids, size_t n);
/* Journal an ended batch (its answers are stored before). */
int msb__batch_journal_ended(msb__batch_journal *j, size_t entry, const msb__batch_state *st,
    size_t succeeded, size_t failed, long long prompt_tokens, long long completion_tokens);
void msb__batch_journal_close(msb__batch_journal *j);
/* How often custom_id was submitted (0: never). */
size_t msb__batch_journal_subs(const msb__batch_journal *j, const char *custom_id);

/* run.json's "batch" block from OUT/batch/batches.jsonl; NULL when there is none. New reference. */
struct json_t *msb__batch_runinfo(const char *out_dir);

#endif
