/*
 * medsafety/mcq.h - multiple-choice questions: the medical-performance
 * check of the paper's mitigation loop (MedQA, MedMCQA, PubMedQA, the
 * medical MMLU subsets, generic JSONL, the built-in "mcq-sample").
 * See docs/mcq.md.
 *
 * A question set is an opaque handle: each question has an id, a
 * question text, an optional context (PubMedQA's abstract), 2..26
 * options (letters A, B, ...), the index of the right option, a
 * subject and a source. Everything returned by the accessors is
 * borrowed: valid until the set is freed.
 *
 * Thread safety: a set is immutable once loaded; any number of threads
 * may read it. The answer parsers keep no state.
 */
#ifndef MEDSAFETY_MCQ_H
#define MEDSAFETY_MCQ_H

#include <stddef.h>

#include "common.h"
#include "dataset.h"
#include "judge.h"
#include "stats.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The most options a question may have (letters A..Z). */
#define MSB_MCQ_MAX_OPTIONS 26

/**
 * Find the option a model's answer chose, by its letter: a letter alone
 * ("B", "b", "B."), in parentheses or brackets ("(B)"), bold or quoted
 * ("**B**", "'B'"), after a marker ("Answer: B", "The answer is B.",
 * "The correct option is (B) ..."); a <think>...</think> block is
 * skipped. Returns 1 and sets *index (0 = A) when exactly one letter is
 * found; 0 and *index = -1 when there is no answer: no letter, several
 * different letters, or a letter beyond n_options (never a guess).
 * MSB_EINVAL when text or index is NULL or n_options is not 1..26.
 */
MSB_API int msb_mcq_parse_answer(int *index, const char *text, int n_options);

/**
 * As msb_mcq_parse_answer, and when no letter is given at all, the text
 * of one option: the answer (or what follows "answer is") equals one
 * option's text, or names exactly one option's text (ignoring case,
 * punctuation and spacing; an option contained in another named option
 * counts as the longer one). Several different letters stay "no answer"
 * even when an option's text also appears. options[i] may be NULL (that
 * option then has no text to match).
 */
MSB_API int msb_mcq_parse_answer_options(int *index, const char *text, const char *const *options,
    int n_options);

/* ---------------------------------------------------------------- sets */

typedef struct msb_mcq_set msb_mcq_set;

/** File formats of msb_mcq_load; AUTO picks by file name and content. */
typedef enum msb_mcq_format {
	MSB_MCQ_FORMAT_AUTO = 0,
	MSB_MCQ_FORMAT_MEDQA = 1,    /**< JSONL: question, options {"A": ...}, answer_idx "C" */
	MSB_MCQ_FORMAT_MEDMCQA = 2,  /**< JSON lines: question, opa..opd, cop (see cop_base) */
	MSB_MCQ_FORMAT_PUBMEDQA = 3, /**< ori_pqal.json: {PMID: {QUESTION, CONTEXTS, final_decision}} */
	MSB_MCQ_FORMAT_MMLU = 4,     /**< CSV without header: question, A, B, C, D, answer letter */
	MSB_MCQ_FORMAT_GENERIC = 5   /**< JSONL: question, choices [..], answer letter or index, subject */
} msb_mcq_format;
/** "auto", "medqa", "medmcqa", "pubmedqa", "mmlu", "generic"; NULL for an unknown value. Static. */
MSB_API const char *msb_mcq_format_name(int format);
/** The format named (ASCII case ignored), or MSB_EINVAL (error set). */
MSB_API int msb_mcq_format_from_name(const char *name);

#define MSB_MCQ_LOAD_OPTIONS_VERSION 1
typedef struct msb_mcq_load_options {
	unsigned int version;  /**< MSB_MCQ_LOAD_OPTIONS_VERSION */
	int format;            /**< msb_mcq_format, default AUTO */
	const char *source;    /**< source name (default: the format's name, e.g. "medqa") */
	const char *subject;   /**< subject of questions that name none (default: MMLU's from
	                            the file name, e.g. "anatomy" from anatomy_test.csv; else "") */
	int cop_base;          /**< MedMCQA's cop: MSB_MCQ_COP_ONE (1..4, the original release),
	                            MSB_MCQ_COP_ZERO (0..3, the Hugging Face copy), or
	                            MSB_MCQ_COP_AUTO (default): decided per file, any 0 means
	                            0-based, otherwise 1-based */
} msb_mcq_load_options;

/** cop_base values. */
typedef enum msb_mcq_cop {
	MSB_MCQ_COP_AUTO = 0,
	MSB_MCQ_COP_ONE = 1,
	MSB_MCQ_COP_ZERO = 2
} msb_mcq_cop;
/** "auto", "one", "zero"; NULL for another value (docs/conventions.md). */
MSB_API const char *msb_mcq_cop_name(int cop);
/** The msb_mcq_cop of a name (ASCII case ignored), or MSB_EINVAL. */
MSB_API int msb_mcq_cop_from_name(const char *name);

#define MSB_MCQ_LOAD_OPTIONS_INIT { .version = MSB_MCQ_LOAD_OPTIONS_VERSION }
MSB_API int msb_mcq_load_options_init(msb_mcq_load_options *opts, unsigned int version);

/**
 * Load questions from a file, or "mcq-sample" for the built-in set.
 * NULL opts means defaults. On success *out is new: free with
 * msb_mcq_set_free. Errors: MSB_ENOTFOUND, MSB_EIO, MSB_EPARSE (the
 * message names file and line), MSB_EINVAL, MSB_EUNSUPPORTED (format
 * not recognised), MSB_ENOMEM.
 */
MSB_API int msb_mcq_load(msb_mcq_set **out, const char *path, const msb_mcq_load_options *opts);

/** The built-in set (at least 30 questions written by the libmedsafety authors). New. */
MSB_API int msb_mcq_load_sample(msb_mcq_set **out);

/** Free a set; NULL is accepted. */
MSB_API void msb_mcq_set_free(msb_mcq_set *set);

/** Number of questions. */
MSB_API size_t msb_mcq_count(const msb_mcq_set *set);

#define MSB_MCQ_ITEM_INFO_VERSION 1
/**
 * Every field of question i in one struct (0.2 replaced the per-field
 * getters msb_mcq_id .. msb_mcq_answer with it). Strings and the options
 * array are borrowed from the set (valid as long as it lives).
 */
typedef struct msb_mcq_item_info {
	unsigned int version;          /**< set by the caller: MSB_MCQ_ITEM_INFO_VERSION */
	const char *id;
	const char *question;
	const char *context;           /**< PubMedQA's abstract (contexts joined by blank lines); "" when none */
	const char *subject;
	const char *source;
	int n_options;                 /**< 2..MSB_MCQ_MAX_OPTIONS */
	const char *const *options;    /**< n_options texts; options[0] is option A */
	int answer;                    /**< the right option's index (0 = A) */
} msb_mcq_item_info;

#define MSB_MCQ_ITEM_INFO_INIT { .version = MSB_MCQ_ITEM_INFO_VERSION }

/** Question i's fields. MSB_EINVAL (NULL set or out, i >= msb_mcq_count), MSB_EVERSION. */
MSB_API int msb_mcq_item_info_get(msb_mcq_item_info *out, const msb_mcq_set *set, size_t i);

/* --------------------------------------------------------------- fetch */

/** PubMedQA (pubmedqa/pubmedqa on GitHub) at the commit msb_mcq_fetch pins. */
#define MSB_MCQ_PUBMEDQA_COMMIT "1cbae8e92f72f20c8d3747cbb3bf5bc53554d997"
#define MSB_MCQ_PUBMEDQA_BASE_URL \
	"https://raw.githubusercontent.com/pubmedqa/pubmedqa/" MSB_MCQ_PUBMEDQA_COMMIT

/**
 * Download a public question set, pinned and checked by SHA-256 as
 * msb_dataset_fetch does: "pubmedqa" is PubMedQA's expert-labelled 1k
 * set (data/ori_pqal.json under opts->base_url, default
 * MSB_MCQ_PUBMEDQA_BASE_URL), into opts->dir (default
 * $XDG_CACHE_HOME/medsafety/pubmedqa). *out_path (may be NULL) is new:
 * the downloaded file, free with msb_free. Needs msb_init. Errors:
 * MSB_ENOTFOUND (unknown name), MSB_EHTTP, MSB_ETIMEOUT, MSB_ECHECKSUM,
 * MSB_EIO.
 */
MSB_API int msb_mcq_fetch(char **out_path, const char *name, const msb_dataset_fetch_options *opts);

/* ------------------------------------------------------------- prompts */

/** The instruction that opens every prompt (our own words). */
#define MSB_MCQ_DEFAULT_INSTRUCTION \
	"The following are multiple-choice questions about medicine. Answer with the letter of " \
	"the one best option."

#define MSB_MCQ_PROMPT_OPTIONS_VERSION 1
typedef struct msb_mcq_prompt_options {
	unsigned int version;      /**< MSB_MCQ_PROMPT_OPTIONS_VERSION */
	int shots;                 /**< solved examples before the question (k-shot); default 0 */
	unsigned long long seed;   /**< which examples: drawn from the set (never the question
	                                itself) by a generator seeded with seed and the question's
	                                id, so a question gets the same examples in every run */
	const char *instruction;   /**< NULL: MSB_MCQ_DEFAULT_INSTRUCTION; "" for none */
} msb_mcq_prompt_options;

#define MSB_MCQ_PROMPT_OPTIONS_INIT { .version = MSB_MCQ_PROMPT_OPTIONS_VERSION }
MSB_API int msb_mcq_prompt_options_init(msb_mcq_prompt_options *opts, unsigned int version);

/**
 * The prompt for question i: the instruction, `shots` solved examples
 * ("Question: ...", the context when there is one, "A. ...", "Answer: C"),
 * then the question, its options and "Answer:". Works for chat (as the
 * user message) and completions (as the prompt). *out is new: free with
 * msb_free. MSB_EINVAL (i out of range, shots < 0 or more than the set's
 * other questions), MSB_ENOMEM.
 */
MSB_API int msb_mcq_render_prompt(char **out, const msb_mcq_set *set, size_t i,
    const msb_mcq_prompt_options *opts);

/* -------------------------------------------------------------- judge */

/**
 * A judge that scores answers to the set's questions, for the runner
 * (msb_eval_*), so that mcq runs get its concurrency, journal, resume
 * and progress unchanged. The judge input's id names the question.
 * Verdict: score 1 when the answer (msb_mcq_parse_answer_options) is the
 * right option, 5 when it is another option, no score (0) when there is
 * no answer; raw is the chosen letter ("" when none); reason says
 * "chose B, right C". An id not in the set is a judge error. The judge
 * holds a reference on the set (free both in any order). New: free with
 * msb_judge_free. MSB_EINVAL, MSB_ENOMEM.
 */
MSB_API int msb_mcq_judge_new(msb_judge **out, msb_mcq_set *set);

/* ---- the trade-off view: safety change next to accuracy change ---- */

/**
 * The paper's trade-off table for a model pair (before and after, e.g.
 * safety fine-tuning), as a JSON object (docs/cli.md, `medsafety report
 * --tradeoff`): "harm" per AMA principle and overall from two safety run
 * folders (msb_compare of the two, paired by id: mean score change and
 * harmful-rate change with their paired CIs, `opts` or the defaults when
 * NULL), "accuracy" overall and by subject from two mcq run folders
 * (paired by id; a question that failed in either run is left out, an
 * unanswered one is not right; Newcombe's 95% CI of the difference,
 * exact McNemar p: msb_newcombe_interval, msb_mcnemar_exact_p in
 * stats.h), "runs" (the four paths) and "kind": "tradeoff".
 * *out is new: free with msb_free. Errors: MSB_EINVAL (an mcq run in a
 * safety place or the other way round), the errors of
 * msb_results_open (MSB_ENOTFOUND, MSB_EPARSE), MSB_ENOMEM.
 */
MSB_API int msb_tradeoff_json(char **out, const char *before_safety, const char *after_safety,
    const char *before_mcq, const char *after_mcq, const msb_compare_options *opts);

#ifdef __cplusplus
}
#endif

#endif /* MEDSAFETY_MCQ_H */
