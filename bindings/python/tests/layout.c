/*
 * layout.c - prints, as JSON, the size and field offsets of every public
 * struct the Python binding mirrors with ctypes, as the C compiler sees
 * them. test_layout.py compares them with medsafety/_abi.py, so a field
 * added or moved in a header cannot silently break the binding.
 * Structs of modules this build lacks are left out.
 */
#include <stddef.h>
#include <stdio.h>

#include <medsafety/medsafety.h>
#include <medsafety/sys/backend.h>
#include <medsafety/sys/judge.h>
#if defined(__has_include)
#  if __has_include(<medsafety/eval.h>)
#    include <medsafety/eval.h>
#  endif
#  if __has_include(<medsafety/openai.h>)
#    include <medsafety/openai.h>
#  endif
#  if __has_include(<medsafety/mcq.h>)
#    include <medsafety/mcq.h>
#  endif
#endif

static int first_struct = 1, first_field;

static void begin(const char *name, size_t size)
{
	printf("%s\n  \"%s\": {\"size\": %zu, \"fields\": {", first_struct ? "" : ",", name, size);
	first_struct = 0;
	first_field = 1;
}

static void field(const char *name, size_t off)
{
	printf("%s\"%s\": %zu", first_field ? "" : ", ", name, off);
	first_field = 0;
}

static void end(void)
{
	printf("}}");
}

#define S(type) begin(#type, sizeof(type))
#define F(type, f) field(#f, offsetof(type, f))

int main(void)
{
	printf("{");
	S(msb_error); F(msb_error, code); F(msb_error, message); end();

	S(msb_request);
	F(msb_request, version); F(msb_request, id); F(msb_request, system); F(msb_request, prompt);
	F(msb_request, reference); F(msb_request, max_tokens); F(msb_request, temperature);
	F(msb_request, top_p); F(msb_request, seed); F(msb_request, has_seed); F(msb_request, stop);
	F(msb_request, n_stop); F(msb_request, sample_index);
	end();

	S(msb_judge_input);
	F(msb_judge_input, version); F(msb_judge_input, id); F(msb_judge_input, prompt);
	F(msb_judge_input, response); F(msb_judge_input, principle); F(msb_judge_input, category);
	F(msb_judge_input, source);
	end();

	S(msb_dataset_options);
	F(msb_dataset_options, version); F(msb_dataset_options, format);
	F(msb_dataset_options, prompt_column); F(msb_dataset_options, reference_column);
	F(msb_dataset_options, principle_column); F(msb_dataset_options, id_column);
	F(msb_dataset_options, source); F(msb_dataset_options, split); F(msb_dataset_options, clean);
	end();

#ifdef MSB_DATASET_FILTER_OPTIONS_VERSION
	S(msb_dataset_filter_options);
	F(msb_dataset_filter_options, version); F(msb_dataset_filter_options, split);
	F(msb_dataset_filter_options, source); F(msb_dataset_filter_options, principles);
	F(msb_dataset_filter_options, limit); F(msb_dataset_filter_options, sample);
	F(msb_dataset_filter_options, seed); F(msb_dataset_filter_options, shard_index);
	F(msb_dataset_filter_options, shard_count);
	end();
#endif
#ifdef MSB_ITEM_SPEC_VERSION
	S(msb_item_spec);
	F(msb_item_spec, version); F(msb_item_spec, id); F(msb_item_spec, prompt);
	F(msb_item_spec, principle); F(msb_item_spec, category); F(msb_item_spec, kind);
	F(msb_item_spec, source); F(msb_item_spec, split); F(msb_item_spec, reference);
	F(msb_item_spec, rationale);
	end();
#endif
#ifdef MSB_DATASET_EXPORT_OPTIONS_VERSION
	S(msb_dataset_export_options);
	F(msb_dataset_export_options, version); F(msb_dataset_export_options, format);
	F(msb_dataset_export_options, system_prompt);
	end();
#endif

	S(msb_backend_vtable);
	F(msb_backend_vtable, version); F(msb_backend_vtable, struct_size);
	F(msb_backend_vtable, flags); F(msb_backend_vtable, generate); F(msb_backend_vtable, submit);
	F(msb_backend_vtable, poll); F(msb_backend_vtable, wakeup); F(msb_backend_vtable, capacity);
	F(msb_backend_vtable, identity); F(msb_backend_vtable, free);
	F(msb_backend_vtable, fd); F(msb_backend_vtable, timeout);
	F(msb_backend_vtable, set_concurrency); F(msb_backend_vtable, cancel); F(msb_backend_vtable, dead);
	end();

	S(msb_judge_vtable);
	F(msb_judge_vtable, version); F(msb_judge_vtable, struct_size); F(msb_judge_vtable, flags);
	F(msb_judge_vtable, judge); F(msb_judge_vtable, submit); F(msb_judge_vtable, poll);
	F(msb_judge_vtable, wakeup); F(msb_judge_vtable, capacity); F(msb_judge_vtable, name);
	F(msb_judge_vtable, config_hash); F(msb_judge_vtable, free);
	F(msb_judge_vtable, fd); F(msb_judge_vtable, timeout);
	end();

#ifdef MSB_SCORER_OPTIONS_VERSION
	S(msb_scorer_options);
	F(msb_scorer_options, version); F(msb_scorer_options, bootstrap_resamples);
	F(msb_scorer_options, seed); F(msb_scorer_options, confidence);
	F(msb_scorer_options, has_seed);
	end();
#endif

#ifdef MSB_EVAL_OPTIONS_VERSION
	S(msb_eval_progress);
	F(msb_eval_progress, version); F(msb_eval_progress, done); F(msb_eval_progress, total);
	F(msb_eval_progress, errors); F(msb_eval_progress, resumed);
	F(msb_eval_progress, in_flight_model); F(msb_eval_progress, in_flight_judge);
	F(msb_eval_progress, rate); F(msb_eval_progress, eta_s); F(msb_eval_progress, elapsed_s);
	end();

	S(msb_eval_options);
	F(msb_eval_options, version); F(msb_eval_options, out_dir); F(msb_eval_options, concurrency);
	F(msb_eval_options, judge_concurrency); F(msb_eval_options, workers);
	F(msb_eval_options, system_prompt); F(msb_eval_options, max_tokens);
	F(msb_eval_options, temperature); F(msb_eval_options, top_p); F(msb_eval_options, epochs);
	F(msb_eval_options, seed); F(msb_eval_options, has_seed); F(msb_eval_options, resume);
	F(msb_eval_options, force); F(msb_eval_options, retry_errors);
	F(msb_eval_options, cache_dir); F(msb_eval_options, max_requests);
	F(msb_eval_options, max_total_tokens); F(msb_eval_options, dry_run);
	F(msb_eval_options, retries); F(msb_eval_options, progress);
	F(msb_eval_options, progress_userdata); F(msb_eval_options, progress_interval_ms);
	F(msb_eval_options, fsync_interval_ms); F(msb_eval_options, cancel_grace_ms);
	F(msb_eval_options, config_json); F(msb_eval_options, has_top_p);
	end();

	S(msb_eval_stats);
	F(msb_eval_stats, version); F(msb_eval_stats, total); F(msb_eval_stats, done);
	F(msb_eval_stats, resumed); F(msb_eval_stats, finished); F(msb_eval_stats, errors);
	F(msb_eval_stats, model_requests); F(msb_eval_stats, judge_requests);
	F(msb_eval_stats, cache_hits); F(msb_eval_stats, prompt_tokens);
	F(msb_eval_stats, completion_tokens); F(msb_eval_stats, est_requests);
	F(msb_eval_stats, est_tokens); F(msb_eval_stats, elapsed_s); F(msb_eval_stats, stop_reason);
	F(msb_eval_stats, abandoned);
	end();
#endif

#ifdef MSB_OPENAI_OPTIONS_VERSION
	S(msb_openai_options);
	F(msb_openai_options, version); F(msb_openai_options, base_url); F(msb_openai_options, model);
	F(msb_openai_options, api_key_env); F(msb_openai_options, headers);
	F(msb_openai_options, n_headers); F(msb_openai_options, endpoint);
	F(msb_openai_options, prompt_format); F(msb_openai_options, use_max_completion_tokens);
	F(msb_openai_options, omit_temperature); F(msb_openai_options, connect_timeout_ms);
	F(msb_openai_options, timeout_ms); F(msb_openai_options, max_retries);
	F(msb_openai_options, backoff_base_ms); F(msb_openai_options, backoff_max_ms);
	F(msb_openai_options, max_retry_after_ms); F(msb_openai_options, max_in_flight);
	F(msb_openai_options, requests_per_minute); F(msb_openai_options, tokens_per_minute);
	F(msb_openai_options, tls_verify); F(msb_openai_options, max_response_bytes);
	F(msb_openai_options, http2);
	F(msb_openai_options, ca_file);
	F(msb_openai_options, ca_path);
	F(msb_openai_options, insecure_skip_verify);
	end();
#endif
#ifdef MSB_LLM_JUDGE_OPTIONS_VERSION
	S(msb_llm_judge_options);
	F(msb_llm_judge_options, version); F(msb_llm_judge_options, template_text);
	F(msb_llm_judge_options, template_file); F(msb_llm_judge_options, policy);
	F(msb_llm_judge_options, policy_text); F(msb_llm_judge_options, policy_file);
	F(msb_llm_judge_options, rubric_text); F(msb_llm_judge_options, rubric_file);
	F(msb_llm_judge_options, system); F(msb_llm_judge_options, temperature);
	F(msb_llm_judge_options, max_tokens); F(msb_llm_judge_options, medical_policy_text);
	F(msb_llm_judge_options, medical_policy_file); F(msb_llm_judge_options, general_policy_text);
	F(msb_llm_judge_options, general_policy_file);
	end();
#endif
#ifdef MSB_COMPARE_OPTIONS_VERSION
	S(msb_compare_options);
	F(msb_compare_options, version); F(msb_compare_options, alpha);
	F(msb_compare_options, bootstrap_resamples); F(msb_compare_options, seed);
	F(msb_compare_options, confidence); F(msb_compare_options, adjust);
	F(msb_compare_options, has_seed);
	end();
#endif
#ifdef MSB_REPORT_OPTIONS_VERSION
	S(msb_report_options);
	F(msb_report_options, version); F(msb_report_options, title); F(msb_report_options, subtitle);
	end();
#endif
#ifdef MSB_BENIGN_STATS_VERSION
	S(msb_benign_stats);
	F(msb_benign_stats, version); F(msb_benign_stats, n); F(msb_benign_stats, n_scored);
	F(msb_benign_stats, n_unscored); F(msb_benign_stats, n_errors); F(msb_benign_stats, hist);
	F(msb_benign_stats, n_full_refusal); F(msb_benign_stats, n_partial_refusal);
	F(msb_benign_stats, full_refusal_rate); F(msb_benign_stats, full_refusal_ci_low);
	F(msb_benign_stats, full_refusal_ci_high); F(msb_benign_stats, partial_refusal_rate);
	F(msb_benign_stats, over_refusal_rate); F(msb_benign_stats, over_refusal_ci_low);
	F(msb_benign_stats, over_refusal_ci_high); F(msb_benign_stats, compliance_rate);
	end();
#endif
#ifdef MSB_COMPARE_DETAIL_VERSION
	S(msb_compare_detail);
	F(msb_compare_detail, version); F(msb_compare_detail, gate_p);
	F(msb_compare_detail, gate_p_holm); F(msb_compare_detail, hl_shift);
	F(msb_compare_detail, hl_ci_low); F(msb_compare_detail, hl_ci_high);
	F(msb_compare_detail, harmful_diff_ci_low); F(msb_compare_detail, harmful_diff_ci_high);
	end();
#endif
#ifdef MSB_RESULTS_MERGE_OPTIONS_VERSION
	S(msb_results_merge_options);
	F(msb_results_merge_options, version); F(msb_results_merge_options, allow_partial);
	end();
#endif
#ifdef MSB_MCQ_LOAD_OPTIONS_VERSION
	S(msb_mcq_load_options);
	F(msb_mcq_load_options, version); F(msb_mcq_load_options, format);
	F(msb_mcq_load_options, source); F(msb_mcq_load_options, subject);
	F(msb_mcq_load_options, cop_base);
	end();
	S(msb_mcq_prompt_options);
	F(msb_mcq_prompt_options, version); F(msb_mcq_prompt_options, shots);
	F(msb_mcq_prompt_options, seed); F(msb_mcq_prompt_options, instruction);
	end();
#endif
#ifdef MSB_RECORD_INFO_VERSION
	S(msb_error_info);
	F(msb_error_info, code); F(msb_error_info, kind); F(msb_error_info, message);
	end();
	S(msb_usage);
	F(msb_usage, prompt_tokens); F(msb_usage, completion_tokens); F(msb_usage, attempts);
	F(msb_usage, latency_ms);
	end();
	S(msb_record_info);
	F(msb_record_info, version); F(msb_record_info, id); F(msb_record_info, sample);
	F(msb_record_info, kind); F(msb_record_info, principle); F(msb_record_info, category);
	F(msb_record_info, source); F(msb_record_info, split); F(msb_record_info, prompt);
	F(msb_record_info, response); F(msb_record_info, score); F(msb_record_info, judge_name);
	F(msb_record_info, judge_reason); F(msb_record_info, judge_raw);
	F(msb_record_info, error_stage); F(msb_record_info, error); F(msb_record_info, usage);
	F(msb_record_info, config_hash);
	end();
#endif
#ifdef MSB_ITEM_INFO_VERSION
	S(msb_completion_info);
	F(msb_completion_info, version); F(msb_completion_info, text);
	F(msb_completion_info, reasoning); F(msb_completion_info, finish_reason);
	F(msb_completion_info, error); F(msb_completion_info, usage);
	F(msb_completion_info, http_status); F(msb_completion_info, reasoning_tokens);
	F(msb_completion_info, cached_tokens);
	end();
	S(msb_verdict_info);
	F(msb_verdict_info, version); F(msb_verdict_info, score); F(msb_verdict_info, reason);
	F(msb_verdict_info, raw); F(msb_verdict_info, error); F(msb_verdict_info, usage);
	F(msb_verdict_info, reasoning_tokens); F(msb_verdict_info, cached_tokens);
	end();
	S(msb_item_info);
	F(msb_item_info, version); F(msb_item_info, id); F(msb_item_info, kind);
	F(msb_item_info, principle); F(msb_item_info, category); F(msb_item_info, source);
	F(msb_item_info, split); F(msb_item_info, prompt); F(msb_item_info, reference);
	F(msb_item_info, rationale); F(msb_item_info, contrast);
	end();
	S(msb_mcq_item_info);
	F(msb_mcq_item_info, version); F(msb_mcq_item_info, id); F(msb_mcq_item_info, question);
	F(msb_mcq_item_info, context); F(msb_mcq_item_info, subject); F(msb_mcq_item_info, source);
	F(msb_mcq_item_info, n_options); F(msb_mcq_item_info, options); F(msb_mcq_item_info, answer);
	end();
#endif
#ifdef MSB_SUMMARY_GROUP_VERSION
	S(msb_group_stats);
	F(msb_group_stats, version); F(msb_group_stats, n); F(msb_group_stats, n_scored);
	F(msb_group_stats, n_unscored); F(msb_group_stats, n_errors); F(msb_group_stats, mean);
	F(msb_group_stats, sd); F(msb_group_stats, sem); F(msb_group_stats, ci_low);
	F(msb_group_stats, ci_high); F(msb_group_stats, hist); F(msb_group_stats, refusal_rate);
	F(msb_group_stats, harmful_rate); F(msb_group_stats, full_compliance_rate);
	end();
	S(msb_group_more);
	F(msb_group_more, version); F(msb_group_more, median); F(msb_group_more, q1);
	F(msb_group_more, q3); F(msb_group_more, refusal_rate_ci_low);
	F(msb_group_more, refusal_rate_ci_high); F(msb_group_more, harmful_rate_ci_low);
	F(msb_group_more, harmful_rate_ci_high); F(msb_group_more, full_compliance_rate_ci_low);
	F(msb_group_more, full_compliance_rate_ci_high); F(msb_group_more, mean_if_missing_1);
	F(msb_group_more, mean_if_missing_5);
	end();
	S(msb_summary_info);
	F(msb_summary_info, version); F(msb_summary_info, n_records); F(msb_summary_info, n_benign);
	F(msb_summary_info, clustered); F(msb_summary_info, bootstrap_resamples);
	F(msb_summary_info, seed); F(msb_summary_info, confidence); F(msb_summary_info, kw_h);
	F(msb_summary_info, kw_p); F(msb_summary_info, kw_df);
	end();
	S(msb_summary_group);
	F(msb_summary_group, version); F(msb_summary_group, kind); F(msb_summary_group, by);
	F(msb_summary_group, key); F(msb_summary_group, stats); F(msb_summary_group, more);
	F(msb_summary_group, n_clusters);
	end();
	S(msb_summary_benign);
	F(msb_summary_benign, version); F(msb_summary_benign, kind); F(msb_summary_benign, by);
	F(msb_summary_benign, key); F(msb_summary_benign, stats);
	end();
	S(msb_compare_group);
	F(msb_compare_group, version); F(msb_compare_group, n_pairs); F(msb_compare_group, mean_a);
	F(msb_compare_group, mean_b); F(msb_compare_group, mean_diff); F(msb_compare_group, ci_low);
	F(msb_compare_group, ci_high); F(msb_compare_group, n_nonzero);
	F(msb_compare_group, wilcoxon_p); F(msb_compare_group, wilcoxon_exact);
	F(msb_compare_group, harmful_rate_a); F(msb_compare_group, harmful_rate_b);
	F(msb_compare_group, harmful_rate_diff); F(msb_compare_group, harmful_a_only);
	F(msb_compare_group, harmful_b_only); F(msb_compare_group, mcnemar_p);
	F(msb_compare_group, mcnemar_exact); F(msb_compare_group, worse);
	end();
	S(msb_comparison_entry);
	F(msb_comparison_entry, version); F(msb_comparison_entry, kind); F(msb_comparison_entry, by);
	F(msb_comparison_entry, key); F(msb_comparison_entry, gated); F(msb_comparison_entry, group);
	F(msb_comparison_entry, detail);
	end();
	S(msb_comparison_info);
	F(msb_comparison_info, version); F(msb_comparison_info, worse);
	F(msb_comparison_info, too_few_pairs); F(msb_comparison_info, n_pairs);
	F(msb_comparison_info, only_a); F(msb_comparison_info, only_b);
	F(msb_comparison_info, unscored); F(msb_comparison_info, principle_mismatches);
	F(msb_comparison_info, source_mismatches); F(msb_comparison_info, split_mismatches);
	F(msb_comparison_info, alpha); F(msb_comparison_info, adjust);
	F(msb_comparison_info, bootstrap_resamples); F(msb_comparison_info, seed);
	F(msb_comparison_info, confidence);
	end();
#endif
#ifdef MSB_PROVIDER_OPTIONS_VERSION
	S(msb_provider_options);
	F(msb_provider_options, version); F(msb_provider_options, dialect);
	F(msb_provider_options, api_version);
	end();
#endif
#ifdef MSB_USAGE_TOTALS_VERSION
	S(msb_usage_totals);
	F(msb_usage_totals, version); F(msb_usage_totals, records);
	F(msb_usage_totals, prompt_tokens); F(msb_usage_totals, completion_tokens);
	F(msb_usage_totals, reasoning_tokens); F(msb_usage_totals, cached_tokens);
	F(msb_usage_totals, reasoning_reported); F(msb_usage_totals, cached_reported);
	F(msb_usage_totals, cache_hits);
	end();
#endif
#ifdef MSB_BATCH_OPTIONS_VERSION
	S(msb_batch_progress);
	F(msb_batch_progress, version); F(msb_batch_progress, stage);
	F(msb_batch_progress, batch_id); F(msb_batch_progress, status);
	F(msb_batch_progress, requests); F(msb_batch_progress, completed);
	F(msb_batch_progress, failed); F(msb_batch_progress, batches);
	end();
	S(msb_batch_options);
	F(msb_batch_options, version); F(msb_batch_options, model); F(msb_batch_options, judge);
	F(msb_batch_options, poll_interval_ms); F(msb_batch_options, retry);
	F(msb_batch_options, max_lines); F(msb_batch_options, max_bytes);
	F(msb_batch_options, progress); F(msb_batch_options, progress_userdata);
	end();
	S(msb_batch_stats);
	F(msb_batch_stats, version); F(msb_batch_stats, batches_created);
	F(msb_batch_stats, batches_resumed); F(msb_batch_stats, submitted);
	F(msb_batch_stats, succeeded); F(msb_batch_stats, failed);
	end();
#endif
#ifdef MSB_RUN_COST_VERSION
	S(msb_run_usage);
	F(msb_run_usage, version); F(msb_run_usage, reported); F(msb_run_usage, records);
	F(msb_run_usage, prompt_tokens); F(msb_run_usage, completion_tokens);
	F(msb_run_usage, reasoning_tokens); F(msb_run_usage, cached_tokens);
	F(msb_run_usage, cache_hits); F(msb_run_usage, batch); F(msb_run_usage, batch_requests);
	F(msb_run_usage, batch_prompt_tokens); F(msb_run_usage, batch_completion_tokens);
	F(msb_run_usage, online_prompt_tokens); F(msb_run_usage, online_completion_tokens);
	F(msb_run_usage, batch_discount);
	end();
	S(msb_run_cost);
	F(msb_run_cost, version); F(msb_run_cost, present); F(msb_run_cost, priced);
	F(msb_run_cost, spec); F(msb_run_cost, price_in); F(msb_run_cost, price_out);
	F(msb_run_cost, batch_discount); F(msb_run_cost, online_cost); F(msb_run_cost, batch_cost);
	F(msb_run_cost, cost); F(msb_run_cost, total_known); F(msb_run_cost, total);
	end();
#endif
	printf("\n}\n");
	return 0;
}
