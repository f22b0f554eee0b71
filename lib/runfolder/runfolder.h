/*
 * lib/runfolder/runfolder.h - the run folder's file formats, in one place:
 * results.jsonl (one record a line), answers.jsonl (one paid-for model
 * answer a line) and run.json (provenance). Every writer and reader of
 * those files goes through these functions (docs/run-folder.md), so a
 * format has one definition: the runner's journal, resume, merge, the
 * results reader, the CLI and the Python binding agree by construction.
 */
#ifndef MSB_RUNFOLDER_RUNFOLDER_H
#define MSB_RUNFOLDER_RUNFOLDER_H

#include <stddef.h>
#include <sys/types.h>

#include "core/buf.h"

struct json_t;

/* A JSON string of any text: bytes that are not valid UTF-8 become U+FFFD. New reference. */
struct json_t *msb__json_text(const char *s);

/* ---- results.jsonl: one record ---- */

/*
 * What one line of results.jsonl says, as plain values. Strings are
 * borrowed; NULL writes JSON null (or, for the additions marked
 * "omitted", leaves the member out). The member order is the contract's
 * (DESIGN.md), then the additions, as 0.1.0 wrote them.
 */
typedef struct msb__rf_record {
	const char *id;
	int principle, category;
	const char *source, *split, *prompt;
	const char *response;          /* NULL: the model failed */
	int score;                     /* 1..5; 0 writes null */
	const char *judge_name, *judge_reason, *judge_raw;
	/* "error": an object when error_stage is set, else null */
	const char *error_stage, *error_kind, *error_message;
	int error_code;
	int attempts;
	double latency_ms;
	long long prompt_tokens, completion_tokens;             /* < 0 writes null */
	long long judge_prompt_tokens, judge_completion_tokens; /* < 0 writes null */
	/* beyond the contract, inside "usage" (issue #21 item 5): < 0 writes null */
	long long reasoning_tokens, cached_tokens, judge_reasoning_tokens, judge_cached_tokens;
	const char *config_hash;
	/* additions beyond the contract */
	int sample;
	const char *reasoning, *finish_reason; /* omitted when NULL */
	const char *refusal_text;      /* the server's own refusal: "refusal": true + text; omitted when NULL */
	int text_repaired;             /* "text_repaired": true; omitted when 0 */
	int judge_attempts;
	double judge_latency_ms;
	int cached;
	const char *kind;              /* "harmful" / "benign" */
	int judge_cached;              /* "judge_cached": true (a verdict from --cache); omitted when 0 */
} msb__rf_record;

/* Append the record's line (with its '\n') to out. 0 or MSB_ENOMEM (message set). */
int msb__rf_record_line(msb_buf *out, const msb__rf_record *rec);

/*
 * The lines' values written directly (record.c), the bytes json_dumps
 * writes: a string of any text (msb__json_text's repair), a member with
 * an integer, a real (-1 when not finite, which jansson refuses). A bare
 * integer is core/buf.h's msb_buf_put_int.
 */
void msb__rf_json_text(msb_buf *b, const char *s);
/* ,"k": (the key of a member after the first) */
void msb__rf_json_key(msb_buf *b, const char *k);
/* ,"k":v */
void msb__rf_json_int_member(msb_buf *b, const char *k, long long v);
int msb__rf_json_real(msb_buf *b, double v);

/*
 * Read a parsed, valid line (msb__rf_record_invalid(o) == NULL) into *r:
 * strings borrowed from o; absent members read as the writer's "null"
 * (NULL, 0, -1 for tokens), "kind" absent as "harmful", an "error"
 * without a stage as "model" (0.1.0 journals).
 */
void msb__rf_record_parse(struct json_t *o, msb__rf_record *r);

/*
 * Whether a parsed line is a record every reader accepts: an object with a
 * string "id" and principle, category, sample and score (when present) in
 * range. NULL when it is; else why not (a static string).
 */
const char *msb__rf_record_invalid(struct json_t *o);

/* ---- answers.jsonl: one paid-for model answer ---- */
typedef struct msb__rf_answer {
	const char *id;
	int sample;
	const char *key;               /* the response cache's key of the request */
	const char *response;
	const char *reasoning, *finish_reason; /* omitted when NULL */
	long long prompt_tokens, completion_tokens; /* omitted when < 0 */
	long long reasoning_tokens, cached_tokens;  /* omitted when < 0 */
	double latency_ms;
	int attempts;
	const char *refusal_text;      /* the server's refusal (NULL: none): "refusal": true + text */
} msb__rf_answer;

int msb__rf_answer_line(msb_buf *out, const msb__rf_answer *a);
/*
 * Read a parsed answers.jsonl line into *a (strings borrowed from o).
 * 0, or -1 when the line is not a usable answer (no id, key or response,
 * a negative sample): such a unit is asked again.
 */
int msb__rf_answer_parse(struct json_t *o, msb__rf_answer *a);

/* ---- the streaming reader of a JSON-lines file ---- */
typedef struct msb__rf_line {
	const char *text;              /* the line, without its '\n' (not NUL-terminated) */
	size_t len, off;               /* length; offset of its first byte in the file */
	size_t no;                     /* its line number (1-based; empty lines count) */
	struct json_t *obj;            /* the parsed object (borrowed for the call); NULL when bad */
	const char *bad;               /* NULL, or why the line cannot be used */
} msb__rf_line;

enum {
	MSB__RF_OBJECT = 0,            /* any JSON object is a good line */
	MSB__RF_RECORD = 1             /* a results.jsonl record (msb__rf_record_invalid) */
};

typedef int (*msb__rf_fn)(const msb__rf_line *l, void *ud);

/*
 * Call fn for every complete line of fd (from its current position),
 * streamed: the file may be larger than memory. Bad lines are passed on
 * too, with obj NULL and `bad` set, so that each reader decides (skip,
 * count, refuse) with the line number at hand. A torn last line (no '\n':
 * a crash in the middle of a write) is never passed on: *good_end (may be
 * NULL) gets the offset just past the last complete line, for a writer
 * that repairs the file by cutting there. A line jansson cannot hold in
 * memory is MSB_ENOMEM, not a bad line. Stops at fn's first non-zero
 * return and returns it.
 */
int msb__rf_each(int fd, const char *path, int kind, off_t *good_end, msb__rf_fn fn, void *ud);
/* The same for a file by name: MSB_ENOTFOUND when it does not exist. */
int msb__rf_each_path(const char *path, int kind, msb__rf_fn fn, void *ud);

/* ---- run.json ---- */
/*
 * Read DIR/run.json (or the file DIR itself when it names a file). New
 * reference in *out. MSB_ENOTFOUND, MSB_EIO, MSB_EPARSE (not a JSON
 * object; the message names the file and line), MSB_ENOMEM.
 */
int msb__rf_runinfo_read(struct json_t **out, const char *dir);
/* Write o as DIR/run.json, atomically, in its one layout (2-space indent, member order kept). */
int msb__rf_runinfo_write(const char *dir, struct json_t *o);

/* path/NAME when path is a folder, else path itself. New: msb__free. */
char *msb__rf_path(const char *path, const char *name);

#endif
