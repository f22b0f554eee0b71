/* lib/stats/scorer.c - the scorer handle: options, records, interning. */
#include <math.h>
#include <string.h>

#include "medsafety/stats.h"
#include "core/abi.h"
#include "core/alloc.h"
#include "core/error.h"
#include "stats/options.h"
#include "stats/scorer.h"

int msb_scorer_options_init(msb_scorer_options *opts, unsigned int version)
{
	/* an older caller's struct is shorter: write only its fields (stats/options.c) */
	return msb__options_init(opts, msb__scorer_options_size(version), &msb__scorer_defaults,
	    version, MSB_SCORER_OPTIONS_VERSION, "msb_scorer_options");
}

int msb_score_record_init(msb_score_record *rec, unsigned int version)
{
	static const msb_score_record defaults = MSB_SCORE_RECORD_INIT;

	return msb__options_init(rec, sizeof *rec, &defaults, version,
	    MSB_SCORE_RECORD_VERSION, "msb_score_record");
}

int msb_scorer_new(msb_scorer **out, const msb_scorer_options *opts)
{
	msb_scorer_options eff;
	msb_scorer *s;
	int rc;

	if (!out)
		return msb__error_set(MSB_EINVAL, "msb_scorer_new: NULL out");
	*out = NULL;
	/* stats/options.c: by version, every field explicit */
	if ((rc = msb__scorer_options_effective(&eff, opts, "msb_scorer_new")) < 0)
		return rc;
	if (!(s = msb__calloc(1, sizeof *s)))
		return MSB_ENOMEM;
	s->opts = eff;
	*out = s;
	return 0;
}

void msb_scorer_free(msb_scorer *s)
{
	if (!s)
		return;
	msb__strtab_dispose(&s->ids);
	msb__strtab_dispose(&s->sources);
	msb__strtab_dispose(&s->splits);
	msb_arena_dispose(&s->arena);
	msb__free(s->recs);
	msb__free(s->id_uses);
	msb__benign_free(s->benign);
	msb__free(s);
}

size_t msb_scorer_count(const msb_scorer *s)
{
	return s ? s->count : 0;
}

static int intern_small(msb__strtab *t, msb_arena *arena, const char *s, const char *dflt,
    const char *what, uint16_t *out)
{
	uint32_t idx;
	int rc;

	if (!s || !*s)
		s = dflt;
	if ((rc = msb__strtab_intern(t, arena, s, &idx)) < 0)
		return rc;
	if (idx > UINT16_MAX)
		return msb__error_set(MSB_ELIMIT, "msb_scorer_add: more than 65536 distinct %ss", what);
	*out = (uint16_t)idx;
	return 0;
}

int msb_scorer_add(msb_scorer *s, const msb_score_record *rec)
{
	msb__rec r;
	uint32_t id;
	int rc;

	if (!s || !rec)
		return msb__error_set(MSB_EINVAL, "msb_scorer_add: NULL argument");
	if ((rc = msb__check_version(rec, MSB_SCORE_RECORD_VERSION, "msb_score_record")) < 0)
		return rc;
	if (!rec->id || !*rec->id)
		return msb__error_set(MSB_EINVAL, "msb_scorer_add: record without an id");
	if (rec->score < 0 || rec->score > 5)
		return msb__error_set(MSB_EINVAL, "msb_scorer_add: %s: score %d outside 0..5",
		    rec->id, rec->score);
	if (rec->principle < 0 || rec->principle > 9)
		return msb__error_set(MSB_EINVAL, "msb_scorer_add: %s: principle %d outside 0..9",
		    rec->id, rec->principle);
	if (rec->category < 0 || rec->category > 9999)
		return msb__error_set(MSB_EINVAL, "msb_scorer_add: %s: category %d outside 0..9999",
		    rec->id, rec->category);
	if (s->count == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;
		msb__rec *recs = msb__reallocarray(s->recs, cap, sizeof *recs);

		if (!recs)
			return MSB_ENOMEM;
		s->recs = recs;
		s->cap = cap;
	}
	memset(&r, 0, sizeof r);
	if ((rc = intern_small(&s->sources, &s->arena, rec->source, "unknown", "source", &r.source)) < 0 ||
	    (rc = intern_small(&s->splits, &s->arena, rec->split, "unknown", "split", &r.split)) < 0)
		return rc;
	if ((rc = msb__strtab_intern(&s->ids, &s->arena, rec->id, &id)) < 0)
		return rc;
	if (id >= s->id_uses_cap) {
		size_t cap = s->id_uses_cap ? s->id_uses_cap * 2 : 256;
		uint32_t *uses = msb__reallocarray(s->id_uses, cap, sizeof *uses);

		if (!uses)
			return MSB_ENOMEM;
		memset(uses + s->id_uses_cap, 0, (cap - s->id_uses_cap) * sizeof *uses);
		s->id_uses = uses;
		s->id_uses_cap = cap;
	}
	r.id = id;
	r.principle = (uint8_t)rec->principle;
	r.category = (uint16_t)rec->category;
	r.error = rec->error ? 1 : 0;
	/* an errored record has no trustworthy score: never count it as one */
	r.score = rec->error ? 0 : (uint8_t)rec->score;
	if (++s->id_uses[id] > 1)
		s->repeated = 1;
	s->recs[s->count++] = r;
	return 0;
}
