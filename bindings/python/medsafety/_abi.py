"""ctypes mirrors of the public C structs and callback types.

Each struct copies the field order of its header exactly (checked by
tests/test_layout.py against offsetof() from a compiled C program). Option
structs are always filled by the library's own ``msb_*_options_init``
function first, so the defaults are the library's, not ours.
"""

from __future__ import annotations

import ctypes
from ctypes import (CFUNCTYPE, POINTER, Structure, c_char_p, c_double, c_int, c_longlong,
                    c_size_t, c_uint, c_uint64, c_void_p)

# Versions of the structs as this binding knows them (the *_VERSION macros).
# Eval, scorer, compare and LLM judge options stay at version 1 on purpose: from
# version 2 a 0 means "the default" (include/medsafety/*.h), while this binding's
# arguments keep version 1's meaning (bootstrap_resamples=0: normal approximation,
# holm=False: adjust 0, max_tokens=0: the server's) and it works with older libraries.
REQUEST_VERSION = 1
JUDGE_INPUT_VERSION = 1
DATASET_OPTIONS_VERSION = 1
DATASET_FILTER_OPTIONS_VERSION = 1
ITEM_SPEC_VERSION = 1
DATASET_EXPORT_OPTIONS_VERSION = 1
EVAL_OPTIONS_VERSION = 1
EVAL_PROGRESS_VERSION = 1
EVAL_STATS_VERSION = 1
SCORER_OPTIONS_VERSION = 1
OPENAI_OPTIONS_VERSION = 2
LLM_JUDGE_OPTIONS_VERSION = 1
COMPARE_OPTIONS_VERSION = 1
REPORT_OPTIONS_VERSION = 1
BACKEND_VTABLE_VERSION = 2
JUDGE_VTABLE_VERSION = 2
BENIGN_STATS_VERSION = 1
COMPARE_DETAIL_VERSION = 1
RESULTS_MERGE_OPTIONS_VERSION = 1
MCQ_LOAD_OPTIONS_VERSION = 1
MCQ_PROMPT_OPTIONS_VERSION = 1
GROUP_STATS_VERSION = 1
GROUP_MORE_VERSION = 1
SUMMARY_INFO_VERSION = 1
SUMMARY_GROUP_VERSION = 1
SUMMARY_BENIGN_VERSION = 1
COMPARE_GROUP_VERSION = 1
COMPARISON_ENTRY_VERSION = 1
COMPARISON_INFO_VERSION = 1
RECORD_INFO_VERSION = 1
COMPLETION_INFO_VERSION = 1
VERDICT_INFO_VERSION = 1
ITEM_INFO_VERSION = 1
MCQ_ITEM_INFO_VERSION = 1
PROVIDER_OPTIONS_VERSION = 1
USAGE_TOTALS_VERSION = 1
BATCH_OPTIONS_VERSION = 1
BATCH_STATS_VERSION = 1
BATCH_PROGRESS_VERSION = 1
RUN_USAGE_VERSION = 1
RUN_COST_VERSION = 1

# msb_provider_options.dialect (openai.h)
DIALECT_OPENAI = 0
DIALECT_ANTHROPIC = 1
DIALECT_AZURE = 2

# stages of msb_results_usage (results.h)
STAGE_MODEL = 0
STAGE_JUDGE = 1

BACKEND_THREADSAFE = 0x1
JUDGE_THREADSAFE = 0x1


class msb_error(Structure):
    _fields_ = [("code", c_int), ("message", c_char_p)]


class msb_request(Structure):
    _fields_ = [
        ("version", c_uint),
        ("id", c_char_p),
        ("system", c_char_p),
        ("prompt", c_char_p),
        ("reference", c_char_p),
        ("max_tokens", c_int),
        ("temperature", c_double),
        ("top_p", c_double),
        ("seed", c_longlong),
        ("has_seed", c_int),
        ("stop", POINTER(c_char_p)),
        ("n_stop", c_size_t),
        ("sample_index", c_int),
    ]


class msb_judge_input(Structure):
    _fields_ = [
        ("version", c_uint),
        ("id", c_char_p),
        ("prompt", c_char_p),
        ("response", c_char_p),
        ("principle", c_int),
        ("category", c_int),
        ("source", c_char_p),
    ]


class msb_dataset_options(Structure):
    _fields_ = [
        ("version", c_uint),
        ("format", c_int),
        ("prompt_column", c_char_p),
        ("reference_column", c_char_p),
        ("principle_column", c_char_p),
        ("id_column", c_char_p),
        ("source", c_char_p),
        ("split", c_char_p),
        ("clean", c_uint),
    ]


class msb_dataset_filter_options(Structure):
    _fields_ = [
        ("version", c_uint),
        ("split", c_char_p),
        ("source", c_char_p),
        ("principles", c_uint),
        ("limit", c_size_t),
        ("sample", c_size_t),
        ("seed", c_uint64),
        ("shard_index", c_uint),
        ("shard_count", c_uint),
    ]


class msb_item_spec(Structure):
    _fields_ = [
        ("version", c_uint),
        ("id", c_char_p),
        ("prompt", c_char_p),
        ("principle", c_int),
        ("category", c_int),
        ("kind", c_int),
        ("source", c_char_p),
        ("split", c_char_p),
        ("reference", c_char_p),
        ("rationale", c_char_p),
    ]


class msb_dataset_export_options(Structure):
    _fields_ = [
        ("version", c_uint),
        ("format", c_int),
        ("system_prompt", c_char_p),
    ]


# Callback types. Pointers the C side hands in are declared c_void_p and cast
# by the trampolines, so that ctypes never copies or converts them.
GENERATE_FN = CFUNCTYPE(c_int, c_void_p, c_void_p, c_void_p)      # (req, completion, ud)
JUDGE_FN = CFUNCTYPE(c_int, c_void_p, c_void_p, c_void_p)         # (input, verdict, ud)
NAME_FN = CFUNCTYPE(c_void_p, c_void_p)                           # const char *(ud)
FREE_FN = CFUNCTYPE(None, c_void_p)                               # void (ud)
PROGRESS_FN = CFUNCTYPE(c_int, c_void_p, c_void_p)                # (progress, ud)


class msb_backend_vtable(Structure):
    _fields_ = [
        ("version", c_uint),
        ("struct_size", c_uint),
        ("flags", c_uint),
        ("generate", GENERATE_FN),
        ("submit", c_void_p),
        ("poll", c_void_p),
        ("wakeup", c_void_p),
        ("capacity", c_void_p),
        ("identity", NAME_FN),
        ("free", FREE_FN),
        # version 2 (one poll set; the binding's backends are synchronous: left NULL)
        ("fd", c_void_p),
        ("timeout", c_void_p),
        ("set_concurrency", c_void_p),
        ("cancel", c_void_p),
        ("dead", c_void_p),
    ]


class msb_judge_vtable(Structure):
    _fields_ = [
        ("version", c_uint),
        ("struct_size", c_uint),
        ("flags", c_uint),
        ("judge", JUDGE_FN),
        ("submit", c_void_p),
        ("poll", c_void_p),
        ("wakeup", c_void_p),
        ("capacity", c_void_p),
        ("name", NAME_FN),
        ("config_hash", c_void_p),
        ("free", FREE_FN),
        # version 2 (left NULL: the binding's judges are synchronous)
        ("fd", c_void_p),
        ("timeout", c_void_p),
    ]


class msb_eval_progress(Structure):
    _fields_ = [
        ("version", c_uint),
        ("done", c_size_t),
        ("total", c_size_t),
        ("errors", c_size_t),
        ("resumed", c_size_t),
        ("in_flight_model", c_size_t),
        ("in_flight_judge", c_size_t),
        ("rate", c_double),
        ("eta_s", c_double),
        ("elapsed_s", c_double),
    ]


class msb_eval_options(Structure):
    _fields_ = [
        ("version", c_uint),
        ("out_dir", c_char_p),
        ("concurrency", c_int),
        ("judge_concurrency", c_int),
        ("workers", c_int),
        ("system_prompt", c_char_p),
        ("max_tokens", c_int),
        ("temperature", c_double),
        ("top_p", c_double),
        ("epochs", c_int),
        ("seed", c_longlong),
        ("has_seed", c_int),
        ("resume", c_int),
        ("force", c_int),
        ("retry_errors", c_int),
        ("cache_dir", c_char_p),
        ("max_requests", c_longlong),
        ("max_total_tokens", c_longlong),
        ("dry_run", c_int),
        ("retries", c_int),
        ("progress", PROGRESS_FN),
        ("progress_userdata", c_void_p),
        ("progress_interval_ms", c_int),
        ("fsync_interval_ms", c_int),
        ("cancel_grace_ms", c_int),
        ("config_json", c_char_p),
        # version 2 (the binding passes version 1: its 0s keep their meaning, and it
        # works with a library that knows only version 1)
        ("has_top_p", c_int),
    ]


class msb_eval_stats(Structure):
    _fields_ = [
        ("version", c_uint),
        ("total", c_size_t),
        ("done", c_size_t),
        ("resumed", c_size_t),
        ("finished", c_size_t),
        ("errors", c_size_t),
        ("model_requests", c_size_t),
        ("judge_requests", c_size_t),
        ("cache_hits", c_size_t),
        ("prompt_tokens", c_longlong),
        ("completion_tokens", c_longlong),
        ("est_requests", c_size_t),
        ("est_tokens", c_longlong),
        ("elapsed_s", c_double),
        ("stop_reason", c_int),
        ("abandoned", c_size_t),
    ]


class msb_scorer_options(Structure):
    _fields_ = [
        ("version", c_uint),
        ("bootstrap_resamples", c_int),
        ("seed", c_uint64),
        ("confidence", c_double),
        # version 2 (the binding passes version 1: bootstrap_resamples 0 = normal approximation)
        ("has_seed", c_int),
    ]


class msb_openai_options(Structure):
    _fields_ = [
        ("version", c_uint),
        ("base_url", c_char_p),
        ("model", c_char_p),
        ("api_key_env", c_char_p),
        ("headers", POINTER(c_char_p)),
        ("n_headers", c_size_t),
        ("endpoint", c_int),
        ("prompt_format", c_int),
        ("use_max_completion_tokens", c_int),
        ("omit_temperature", c_int),
        ("connect_timeout_ms", ctypes.c_long),
        ("timeout_ms", ctypes.c_long),
        ("max_retries", c_int),
        ("backoff_base_ms", ctypes.c_long),
        ("backoff_max_ms", ctypes.c_long),
        ("max_retry_after_ms", ctypes.c_long),
        ("max_in_flight", c_int),
        ("requests_per_minute", c_double),
        ("tokens_per_minute", c_double),
        ("tls_verify", c_int),
        ("max_response_bytes", c_size_t),
        ("http2", c_int),
        # version 2
        ("ca_file", c_char_p),
        ("ca_path", c_char_p),
        # version 3 (the binding still passes version 2: tls_verify and http2 keep their meaning)
        ("insecure_skip_verify", c_int),
    ]



class msb_provider_options(Structure):
    _fields_ = [
        ("version", c_uint),
        ("dialect", c_int),
        ("api_version", c_char_p),
    ]


class msb_usage_totals(Structure):
    _fields_ = [
        ("version", c_uint),
        ("records", c_size_t),
        ("prompt_tokens", c_longlong),
        ("completion_tokens", c_longlong),
        ("reasoning_tokens", c_longlong),
        ("cached_tokens", c_longlong),
        ("reasoning_reported", c_size_t),
        ("cached_reported", c_size_t),
        ("cache_hits", c_size_t),
    ]


class msb_batch_progress(Structure):
    _fields_ = [
        ("version", c_uint),
        ("stage", c_char_p),
        ("batch_id", c_char_p),
        ("status", c_char_p),
        ("requests", c_size_t),
        ("completed", c_size_t),
        ("failed", c_size_t),
        ("batches", c_size_t),
    ]


BATCH_PROGRESS_FN = CFUNCTYPE(c_int, c_void_p, c_void_p)          # (batch progress, ud)


class msb_batch_options(Structure):
    _fields_ = [
        ("version", c_uint),
        ("model", c_int),
        ("judge", c_int),
        ("poll_interval_ms", c_int),
        ("retry", c_int),
        ("max_lines", c_size_t),
        ("max_bytes", c_size_t),
        ("progress", BATCH_PROGRESS_FN),
        ("progress_userdata", c_void_p),
    ]


class msb_batch_stats(Structure):
    _fields_ = [
        ("version", c_uint),
        ("batches_created", c_size_t),
        ("batches_resumed", c_size_t),
        ("submitted", c_size_t),
        ("succeeded", c_size_t),
        ("failed", c_size_t),
    ]

class msb_llm_judge_options(Structure):
    _fields_ = [
        ("version", c_uint),
        ("template_text", c_char_p),
        ("template_file", c_char_p),
        ("policy", c_int),
        ("policy_text", c_char_p),
        ("policy_file", c_char_p),
        ("rubric_text", c_char_p),
        ("rubric_file", c_char_p),
        ("system", c_char_p),
        ("temperature", c_double),
        ("max_tokens", c_int),
        ("medical_policy_text", c_char_p),
        ("medical_policy_file", c_char_p),
        ("general_policy_text", c_char_p),
        ("general_policy_file", c_char_p),
    ]


class msb_compare_options(Structure):
    _fields_ = [
        ("version", c_uint),
        ("alpha", c_double),
        ("bootstrap_resamples", c_int),
        ("seed", c_uint64),
        ("confidence", c_double),
        ("adjust", c_int),
        # version 2 (the binding passes version 1: adjust 0 = none, 1 = Holm)
        ("has_seed", c_int),
    ]


class msb_report_options(Structure):
    _fields_ = [
        ("version", c_uint),
        ("title", c_char_p),
        ("subtitle", c_char_p),
    ]


class msb_benign_stats(Structure):
    _fields_ = [
        ("version", c_uint),
        ("n", c_size_t),
        ("n_scored", c_size_t),
        ("n_unscored", c_size_t),
        ("n_errors", c_size_t),
        ("hist", c_size_t * 5),
        ("n_full_refusal", c_size_t),
        ("n_partial_refusal", c_size_t),
        ("full_refusal_rate", c_double),
        ("full_refusal_ci_low", c_double),
        ("full_refusal_ci_high", c_double),
        ("partial_refusal_rate", c_double),
        ("over_refusal_rate", c_double),
        ("over_refusal_ci_low", c_double),
        ("over_refusal_ci_high", c_double),
        ("compliance_rate", c_double),
    ]


class msb_compare_detail(Structure):
    _fields_ = [
        ("version", c_uint),
        ("gate_p", c_double),
        ("gate_p_holm", c_double),
        ("hl_shift", c_double),
        ("hl_ci_low", c_double),
        ("hl_ci_high", c_double),
        ("harmful_diff_ci_low", c_double),
        ("harmful_diff_ci_high", c_double),
    ]


class msb_results_merge_options(Structure):
    _fields_ = [
        ("version", c_uint),
        ("allow_partial", c_int),
    ]


class msb_mcq_load_options(Structure):
    _fields_ = [
        ("version", c_uint),
        ("format", c_int),
        ("source", c_char_p),
        ("subject", c_char_p),
        ("cop_base", c_int),
    ]


class msb_mcq_prompt_options(Structure):
    _fields_ = [
        ("version", c_uint),
        ("shots", c_int),
        ("seed", ctypes.c_ulonglong),
        ("instruction", c_char_p),
    ]


# ---- the result model (0.2): groups by index, one struct per record ----

class msb_error_info(Structure):
    _fields_ = [("code", c_int), ("kind", c_char_p), ("message", c_char_p)]


class msb_usage(Structure):
    _fields_ = [
        ("prompt_tokens", c_longlong),
        ("completion_tokens", c_longlong),
        ("attempts", c_int),
        ("latency_ms", c_double),
    ]


class msb_record_info(Structure):
    _fields_ = [
        ("version", c_uint),
        ("id", c_char_p),
        ("sample", c_int),
        ("kind", c_int),
        ("principle", c_int),
        ("category", c_int),
        ("source", c_char_p),
        ("split", c_char_p),
        ("prompt", c_char_p),
        ("response", c_char_p),
        ("score", c_int),
        ("judge_name", c_char_p),
        ("judge_reason", c_char_p),
        ("judge_raw", c_char_p),
        ("error_stage", c_char_p),
        ("error", msb_error_info),
        ("usage", msb_usage),
        ("config_hash", c_char_p),
    ]


class msb_completion_info(Structure):
    _fields_ = [
        ("version", c_uint),
        ("text", c_char_p),
        ("reasoning", c_char_p),
        ("finish_reason", c_char_p),
        ("error", msb_error_info),
        ("usage", msb_usage),
        ("http_status", c_int),
        ("reasoning_tokens", c_longlong),
        ("cached_tokens", c_longlong),
    ]


class msb_verdict_info(Structure):
    _fields_ = [
        ("version", c_uint),
        ("score", c_int),
        ("reason", c_char_p),
        ("raw", c_char_p),
        ("error", msb_error_info),
        ("usage", msb_usage),
        ("reasoning_tokens", c_longlong),
        ("cached_tokens", c_longlong),
    ]


class msb_item_info(Structure):
    _fields_ = [
        ("version", c_uint),
        ("id", c_char_p),
        ("kind", c_int),
        ("principle", c_int),
        ("category", c_int),
        ("source", c_char_p),
        ("split", c_char_p),
        ("prompt", c_char_p),
        ("reference", c_char_p),
        ("rationale", c_char_p),
        ("contrast", c_char_p),
    ]


class msb_mcq_item_info(Structure):
    _fields_ = [
        ("version", c_uint),
        ("id", c_char_p),
        ("question", c_char_p),
        ("context", c_char_p),
        ("subject", c_char_p),
        ("source", c_char_p),
        ("n_options", c_int),
        ("options", POINTER(c_char_p)),
        ("answer", c_int),
    ]


class msb_group_stats(Structure):
    _fields_ = [
        ("version", c_uint),
        ("n", c_size_t),
        ("n_scored", c_size_t),
        ("n_unscored", c_size_t),
        ("n_errors", c_size_t),
        ("mean", c_double),
        ("sd", c_double),
        ("sem", c_double),
        ("ci_low", c_double),
        ("ci_high", c_double),
        ("hist", c_size_t * 5),
        ("refusal_rate", c_double),
        ("harmful_rate", c_double),
        ("full_compliance_rate", c_double),
    ]


class msb_group_more(Structure):
    _fields_ = [
        ("version", c_uint),
        ("median", c_double),
        ("q1", c_double),
        ("q3", c_double),
        ("refusal_rate_ci_low", c_double),
        ("refusal_rate_ci_high", c_double),
        ("harmful_rate_ci_low", c_double),
        ("harmful_rate_ci_high", c_double),
        ("full_compliance_rate_ci_low", c_double),
        ("full_compliance_rate_ci_high", c_double),
        ("mean_if_missing_1", c_double),
        ("mean_if_missing_5", c_double),
    ]


class msb_summary_info(Structure):
    _fields_ = [
        ("version", c_uint),
        ("n_records", c_size_t),
        ("n_benign", c_size_t),
        ("clustered", c_int),
        ("bootstrap_resamples", c_int),
        ("seed", c_uint64),
        ("confidence", c_double),
        ("kw_h", c_double),
        ("kw_p", c_double),
        ("kw_df", c_int),
    ]


class msb_summary_group(Structure):
    _fields_ = [
        ("version", c_uint),
        ("kind", c_int),
        ("by", c_char_p),
        ("key", c_char_p),
        ("stats", msb_group_stats),
        ("more", msb_group_more),
        ("n_clusters", c_size_t),
    ]


class msb_summary_benign(Structure):
    _fields_ = [
        ("version", c_uint),
        ("kind", c_int),
        ("by", c_char_p),
        ("key", c_char_p),
        ("stats", msb_benign_stats),
    ]


class msb_compare_group(Structure):
    _fields_ = [
        ("version", c_uint),
        ("n_pairs", c_size_t),
        ("mean_a", c_double),
        ("mean_b", c_double),
        ("mean_diff", c_double),
        ("ci_low", c_double),
        ("ci_high", c_double),
        ("n_nonzero", c_size_t),
        ("wilcoxon_p", c_double),
        ("wilcoxon_exact", c_int),
        ("harmful_rate_a", c_double),
        ("harmful_rate_b", c_double),
        ("harmful_rate_diff", c_double),
        ("harmful_a_only", c_size_t),
        ("harmful_b_only", c_size_t),
        ("mcnemar_p", c_double),
        ("mcnemar_exact", c_int),
        ("worse", c_int),
    ]


class msb_comparison_entry(Structure):
    _fields_ = [
        ("version", c_uint),
        ("kind", c_int),
        ("by", c_char_p),
        ("key", c_char_p),
        ("gated", c_int),
        ("group", msb_compare_group),
        ("detail", msb_compare_detail),
    ]


class msb_comparison_info(Structure):
    _fields_ = [
        ("version", c_uint),
        ("worse", c_int),
        ("too_few_pairs", c_int),
        ("n_pairs", c_size_t),
        ("only_a", c_size_t),
        ("only_b", c_size_t),
        ("unscored", c_size_t),
        ("principle_mismatches", c_size_t),
        ("source_mismatches", c_size_t),
        ("split_mismatches", c_size_t),
        ("alpha", c_double),
        ("adjust", c_int),
        ("bootstrap_resamples", c_int),
        ("seed", c_uint64),
        ("confidence", c_double),
    ]


class msb_run_usage(Structure):
    """runfolder.h: one stage's tokens of run.json (msb_run_info_usage)."""
    _fields_ = [
        ("version", c_uint),
        ("reported", c_int),
        ("records", c_longlong),
        ("prompt_tokens", c_longlong),
        ("completion_tokens", c_longlong),
        ("reasoning_tokens", c_longlong),
        ("cached_tokens", c_longlong),
        ("cache_hits", c_longlong),
        ("batch", c_int),
        ("batch_requests", c_longlong),
        ("batch_prompt_tokens", c_longlong),
        ("batch_completion_tokens", c_longlong),
        ("online_prompt_tokens", c_longlong),
        ("online_completion_tokens", c_longlong),
        ("batch_discount", c_double),
    ]


class msb_run_cost(Structure):
    """runfolder.h: one stage's cost from cost.json (msb_run_info_cost)."""
    _fields_ = [
        ("version", c_uint),
        ("present", c_int),
        ("priced", c_int),
        ("spec", c_char_p),
        ("price_in", c_double),
        ("price_out", c_double),
        ("batch_discount", c_double),
        ("online_cost", c_double),
        ("batch_cost", c_double),
        ("cost", c_double),
        ("total_known", c_int),
        ("total", c_double),
    ]


# Every struct the layout test compares with the C compiler's view.
STRUCTS = {
    "msb_error": msb_error,
    "msb_request": msb_request,
    "msb_judge_input": msb_judge_input,
    "msb_dataset_options": msb_dataset_options,
    "msb_dataset_filter_options": msb_dataset_filter_options,
    "msb_item_spec": msb_item_spec,
    "msb_dataset_export_options": msb_dataset_export_options,
    "msb_backend_vtable": msb_backend_vtable,
    "msb_judge_vtable": msb_judge_vtable,
    "msb_eval_progress": msb_eval_progress,
    "msb_eval_options": msb_eval_options,
    "msb_eval_stats": msb_eval_stats,
    "msb_scorer_options": msb_scorer_options,
    "msb_openai_options": msb_openai_options,
    "msb_llm_judge_options": msb_llm_judge_options,
    "msb_compare_options": msb_compare_options,
    "msb_report_options": msb_report_options,
    "msb_benign_stats": msb_benign_stats,
    "msb_compare_detail": msb_compare_detail,
    "msb_results_merge_options": msb_results_merge_options,
    "msb_mcq_load_options": msb_mcq_load_options,
    "msb_mcq_prompt_options": msb_mcq_prompt_options,
    "msb_error_info": msb_error_info,
    "msb_usage": msb_usage,
    "msb_record_info": msb_record_info,
    "msb_completion_info": msb_completion_info,
    "msb_verdict_info": msb_verdict_info,
    "msb_item_info": msb_item_info,
    "msb_mcq_item_info": msb_mcq_item_info,
    "msb_group_stats": msb_group_stats,
    "msb_group_more": msb_group_more,
    "msb_summary_info": msb_summary_info,
    "msb_summary_group": msb_summary_group,
    "msb_summary_benign": msb_summary_benign,
    "msb_compare_group": msb_compare_group,
    "msb_comparison_entry": msb_comparison_entry,
    "msb_comparison_info": msb_comparison_info,
    "msb_provider_options": msb_provider_options,
    "msb_usage_totals": msb_usage_totals,
    "msb_batch_progress": msb_batch_progress,
    "msb_batch_options": msb_batch_options,
    "msb_batch_stats": msb_batch_stats,
    "msb_run_usage": msb_run_usage,
    "msb_run_cost": msb_run_cost,
}
