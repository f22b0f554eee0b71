/*
 * cli/dryrun.c - the estimate of `medsafety run --dry-run`: the library
 * counts the model's requests and tokens (msb_eval_stats); the judges' are
 * counted here from the same configuration: every answer is judged once by
 * each LLM judge, whose prompt is rendered for each item (its template,
 * policy and rubric included), plus the answer (at most the model's max
 * tokens) as input and the judge's own max tokens as output. Token counts
 * are characters / 4, as the library's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build.h"
#include "cli.h"
#include "dryrun.h"
#include "opts.h"

static const char *model_name(const char *spec)
{
	const char *m = cli_http_spec(spec, NULL);
	return m ? m : spec;
}

int cli_prices_add(cli_prices *ps, const char *arg, const char *where)
{
	const char *eq = strrchr(arg, '=');
	char *end;
	double in, out;
	size_t len = eq ? (size_t)(eq - arg) : 0, i;

	while (len && (arg[len - 1] == ' ' || arg[len - 1] == '\t'))
		len--;
	if (!eq || !len || len >= sizeof ps->p[0].model)
		goto bad;
	errno = 0;
	in = strtod(eq + 1, &end);
	if (end == eq + 1 || *end != ',' || errno || in < 0)
		goto bad;
	out = strtod(end + 1, &end);
	while (*end == ' ' || *end == '\t' || *end == '\r' || *end == '\n')
		end++;
	if (*end || errno || out < 0 || end == eq + 1)
		goto bad;
	for (i = 0; i < ps->n; i++)
		if (strlen(ps->p[i].model) == len && !strncmp(ps->p[i].model, arg, len))
			break;
	if (i == ps->n) {
		if (ps->n == CLI_MAX_PRICES) {
			fprintf(stderr, "medsafety run: more than %d prices\n", CLI_MAX_PRICES);
			return -1;
		}
		ps->n++;
	}
	memcpy(ps->p[i].model, arg, len);
	ps->p[i].model[len] = '\0';
	ps->p[i].in = in;
	ps->p[i].out = out;
	return 0;
bad:
	fprintf(stderr, "medsafety run: %s wants MODEL=IN,OUT (US dollars per million input and "
	    "output tokens, e.g. gpt-4o-mini=0.15,0.60), got '%s'\n", where, arg);
	return -1;
}

int cli_prices_load(cli_prices *ps, const char *path)
{
	FILE *f = fopen(path, "r");
	char line[512], where[600];
	int n = 0;

	if (!f) {
		fprintf(stderr, "medsafety run: --prices %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof line, f)) {
		char *s = line;
		n++;
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '#' || *s == '\n' || *s == '\r' || !*s)
			continue;
		snprintf(where, sizeof where, "%s:%d", path, n);
		if (cli_prices_add(ps, s, where) < 0) {
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	return 0;
}

const cli_price *cli_price_find(const cli_prices *ps, const char *spec)
{
	size_t i;

	for (i = ps ? ps->n : 0; i-- > 0;)
		if (!strcmp(ps->p[i].model, spec) || !strcmp(ps->p[i].model, model_name(spec)))
			return &ps->p[i];
	return NULL;
}

/* One line: "  WHO SPEC: N requests, about I input + O output tokens[, $C]". */
static double line(FILE *f, const char *who, const char *spec, size_t requests, long long in,
    long long out, const cli_prices *ps, int *unpriced)
{
	const cli_price *p = cli_price_find(ps, spec);
	double cost = 0;

	fprintf(f, "  %s %s: %zu requests, about %lld input + %lld output tokens", who, spec,
	    requests, in, out);
	if (p) {
		cost = ((double)in * p->in + (double)out * p->out) / 1e6;
		fprintf(f, ", about $%.4f (%g in, %g out per million)", cost, p->in, p->out);
	} else if (requests && cli_http_spec(spec, NULL)) {
		*unpriced = 1; /* replay answers here, for free */
	}
	fputc('\n', f);
	return cost;
}

/* The judge sections of cfg: "judge", or "judge.0" .. "judge.N-1" for a jury. */
static size_t judge_sections(const cli_config *cfg)
{
	size_t n = 0;

	if (cli_config_kind(cfg, "judge") != CLI_CONFIG_LIST)
		return 0;
	cli_config_count(&n, cfg, "judge");
	return n;
}

/* Characters / 4 of the rendered prompts of every item, summed. */
static int judge_prompt_tokens(long long *out, const msb_judge *j, const msb_dataset *ds)
{
	size_t i, n = msb_dataset_count(ds);
	long long sum = 0;

	for (i = 0; i < n; i++) {
		msb_item_info it = MSB_ITEM_INFO_INIT;
		msb_judge_input in;
		char *text = NULL;
		int rc;
		if ((rc = msb_item_info_get(&it, msb_dataset_item(ds, i))) < 0)
			return rc;
		msb_judge_input_init(&in, MSB_JUDGE_INPUT_VERSION);
		in.id = it.id;
		in.prompt = it.prompt;
		in.response = "";
		in.principle = it.principle;
		in.category = it.category;
		in.source = it.source;
		if ((rc = msb_judge_llm_render(&text, j, &in)) < 0)
			return rc;
		sum += ((long long)strlen(text) + 3) / 4;
		msb_free(text);
	}
	*out = sum;
	return 0;
}

int cli_dry_run_print(FILE *f, const msb_eval_stats *st, const msb_eval_options *eo,
    const cli_config *cfg, const msb_dataset *ds, const cli_prices *ps, const char *prog)
{
	const char *spec = "replay";
	long long model_out = eo->max_tokens > 0 ? (long long)eo->max_tokens : 0;
	long long m_out = (long long)st->est_requests * model_out, m_in = st->est_tokens - m_out;
	long long j_in_all = 0, j_out_all = 0;
	size_t n_sections = judge_sections(cfg), k, j_requests = 0, items = msb_dataset_count(ds);
	double cost = 0;
	int unpriced = 0;
	char judge_lines[16384] = "";
	FILE *jf;

	cli_config_get_string(&spec, cfg, "model.spec");
	/* the judges first (their lines go after the model's) */
	jf = fmemopen(judge_lines, sizeof judge_lines, "w");
	if (!jf)
		return CLI_EXIT_FAIL;
	for (k = 0; k < (n_sections ? n_sections : 1); k++) {
		char section[32], path[64];
		const char *jspec = "refusal";
		msb_judge *j = NULL;
		msb_llm_judge_options jo;
		long long jmax, prompt_sum = 0, j_in, j_out;
		int status, rc;

		if (n_sections)
			snprintf(section, sizeof section, "judge.%zu", k);
		else
			snprintf(section, sizeof section, "judge");
		snprintf(path, sizeof path, "%s.spec", section);
		cli_config_get_string(&jspec, cfg, path);
		if (!cli_http_spec(jspec, NULL)) {
			fprintf(jf, "  judge %s: no requests (judged here, offline)\n", jspec);
			continue;
		}
		if ((status = cli_build_judge_section(&j, cfg, section, prog)) != 0) {
			fclose(jf);
			return status;
		}
		rc = judge_prompt_tokens(&prompt_sum, j, ds);
		msb_judge_free(j);
		if (rc < 0) {
			fclose(jf);
			return cli_lib_error("run", rc);
		}
		msb_llm_judge_options_init(&jo, MSB_LLM_JUDGE_OPTIONS_VERSION);
		jmax = jo.max_tokens;
		snprintf(path, sizeof path, "%s.max_tokens", section);
		cli_config_get_int(&jmax, cfg, path);
		/* the rendered prompts cover each item once; scale to the units left */
		j_in = items ? prompt_sum * (long long)st->est_requests / (long long)items : 0;
		j_in += m_out; /* the answers the judge reads */
		j_out = (long long)st->est_requests * (jmax > 0 ? jmax : 0);
		cost += line(jf, "judge", jspec, st->est_requests, j_in, j_out, ps, &unpriced);
		j_requests += st->est_requests;
		j_in_all += j_in;
		j_out_all += j_out;
	}
	fclose(jf);
	fprintf(f, "dry run: %zu work units, %zu model requests to %s, about %lld model tokens; "
	    "%zu judge requests, about %lld judge tokens; nothing was sent or written\n",
	    st->total, st->est_requests, spec, st->est_tokens, j_requests, j_in_all + j_out_all);
	cost += line(f, "model", spec, st->est_requests, m_in, m_out, ps, &unpriced);
	fputs(judge_lines, f);
	if (ps && ps->n && !unpriced)
		fprintf(f, "  cost: about $%.4f in all (input as characters / 4, output at the "
		    "max tokens: an upper bound)\n", cost);
	else if (ps && ps->n)
		fprintf(f, "  cost: about $%.4f for the priced models; no price for the others "
		    "(--price MODEL=IN,OUT)\n", cost);
	else
		fprintf(f, "  cost: no prices given (--price MODEL=IN,OUT in dollars per million "
		    "tokens, or --prices FILE)\n");
	return 0;
}
