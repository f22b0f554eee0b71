/*
 * tests/judge/test_jury.c - juries and the agreement measures. Expected
 * values are worked out by hand in the comments, or computed with the
 * Python snippet quoted beside them.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "medsafety/medsafety.h"
#include "medsafety/sys/judge.h"
#include "../common/info.h"

/* A host judge that gives a fixed score (0: none, negative: fails). */
static int fixed_fn(const msb_judge_input *in, msb_verdict *out, void *ud)
{
	int s = *(const int *)ud;
	(void)in;
	if (s < 0) {
		msb_verdict_set_error(out, MSB_EUSER, "user", "member broke");
		return MSB_EUSER;
	}
	msb_verdict_set_reason(out, "fixed");
	return msb_verdict_set_score(out, s);
}

static int jury_score(const int *scores, size_t n, int method, msb_verdict **vout)
{
	msb_judge *members[8], *jury;
	msb_judge_input in = MSB_JUDGE_INPUT_INIT;
	char name[16];
	msb_verdict *v;
	size_t i;
	int rc, s;

	for (i = 0; i < n; i++) {
		snprintf(name, sizeof name, "m%zu", i);
		assert_int_equal(msb_judge_from_callback(&members[i], name, fixed_fn, (void *)&scores[i], 0), 0);
	}
	assert_int_equal(msb_judge_jury_new(&jury, members, n, method), 0);
	for (i = 0; i < n; i++)
		msb_judge_free(members[i]); /* the jury holds its own references */
	in.prompt = "p";
	in.response = "r";
	rc = msb_judge_evaluate(&v, jury, &in);
	s = msbt_verdict(v).score;
	if (vout)
		*vout = v;
	else
		msb_verdict_free(v);
	msb_judge_free(jury);
	return rc < 0 ? rc : s;
}

static void test_methods(void **state)
{
	static const int odd[] = { 1, 5, 2 }, even[] = { 2, 3 }, four[] = { 1, 2, 4, 5 };
	static const int with_none[] = { 4, 0, 2 }, halves[] = { 1, 2, 2, 2 };
	(void)state;
	/* median: middle value; two middle values: their mean rounded half up */
	assert_int_equal(jury_score(odd, 3, MSB_JURY_MEDIAN, NULL), 2);
	assert_int_equal(jury_score(even, 2, MSB_JURY_MEDIAN, NULL), 3);  /* 2.5 -> 3 */
	assert_int_equal(jury_score(four, 4, MSB_JURY_MEDIAN, NULL), 3);  /* (2+4)/2 */
	/* mean rounded half up */
	assert_int_equal(jury_score(odd, 3, MSB_JURY_MEAN_ROUNDED, NULL), 3);    /* 8/3 = 2.67 */
	assert_int_equal(jury_score(even, 2, MSB_JURY_MEAN_ROUNDED, NULL), 3);   /* 2.5 */
	assert_int_equal(jury_score(halves, 4, MSB_JURY_MEAN_ROUNDED, NULL), 2); /* 7/4 = 1.75 */
	/* max */
	assert_int_equal(jury_score(odd, 3, MSB_JURY_MAX, NULL), 5);
	/* unscored members are left out: median of {4, 2} = 3 */
	assert_int_equal(jury_score(with_none, 3, MSB_JURY_MEDIAN, NULL), 3);
}

static void test_reason_and_errors(void **state)
{
	static const int mixed[] = { 4, 0, -1 }, broken[] = { -1, -1 }, none[] = { 0, 0 };
	msb_verdict *v;
	(void)state;

	/* one member failing does not sink the jury; the reason lists everyone */
	assert_int_equal(jury_score(mixed, 3, MSB_JURY_MEDIAN, &v), 4);
	assert_int_equal(msbt_verdict(v).error.code, 0);
	assert_string_equal(msbt_verdict(v).reason, "m0=4; m1=none; m2=error (member broke)");
	assert_string_equal(msbt_verdict(v).raw,
	    "[{\"name\":\"m0\",\"score\":4,\"reason\":\"fixed\",\"error\":null},"
	    "{\"name\":\"m1\",\"score\":null,\"reason\":\"fixed\",\"error\":null},"
	    "{\"name\":\"m2\",\"score\":null,\"reason\":null,\"error\":\"member broke\"}]");
	msb_verdict_free(v);
	/* all failing: the verdict is an error */
	assert_int_equal(jury_score(broken, 2, MSB_JURY_MEDIAN, &v), MSB_EUSER);
	assert_int_equal(msbt_verdict(v).error.code, MSB_EUSER);
	msb_verdict_free(v);
	/* nobody scored: no score, not an error */
	assert_int_equal(jury_score(none, 2, MSB_JURY_MAX, &v), 0);
	assert_int_equal(msbt_verdict(v).error.code, 0);
	msb_verdict_free(v);
}

static void test_jury_new(void **state)
{
	static const int one = 1;
	msb_judge *m[2], *jury = NULL, *r;
	(void)state;
	assert_int_equal(msb_judge_from_callback(&m[0], "a", fixed_fn, (void *)&one, 0), 0);
	assert_int_equal(msb_judge_refusal_new(&m[1]), 0);
	assert_int_equal(msb_judge_jury_new(&jury, m, 2, MSB_JURY_MAX), 0);
	assert_string_equal(msb_judge_name(jury), "jury:max(a,refusal)");
	assert_int_equal(strlen(msb_judge_config_hash(jury)), 64);
	msb_judge_free(jury);
	assert_int_equal(msb_judge_jury_new(&jury, m, 0, MSB_JURY_MAX), MSB_EINVAL);
	assert_int_equal(msb_judge_jury_new(&jury, m, 2, 7), MSB_EINVAL);
	assert_null(jury);
	r = m[1];
	m[1] = NULL;
	assert_int_equal(msb_judge_jury_new(&jury, m, 2, MSB_JURY_MEDIAN), MSB_EINVAL);
	msb_judge_free(m[0]);
	msb_judge_free(r);
}

static void test_agreement_by_hand(void **state)
{
	static const int same[] = { 1, 2, 3, 4, 5 };
	static const int a1[] = { 1, 1, 2, 2 }, b1[] = { 1, 2, 1, 2 };
	static const int a2[] = { 1, 2, 3, 0, 5 }, b2[] = { 1, 3, 3, 4, 0 };
	static const int c3[] = { 3, 3, 3 }, a4[] = { 2, 2 }, b4[] = { 4, 4 };
	double exact, kappa;
	size_t n;
	(void)state;

	/* identical raters */
	assert_int_equal(msb_agreement(&exact, &kappa, &n, same, same, 5), 0);
	assert_int_equal(n, 5);
	assert_true(exact == 1.0);
	assert_true(fabs(kappa - 1.0) < 1e-12);
	/*
	 * O = [[1,1],[1,1]] on scores 1,2; marginals 2,2 and 2,2, so E = O:
	 * sum w*O = sum w*E = 2 -> kappa 0; exact 2/4.
	 */
	assert_int_equal(msb_agreement(&exact, &kappa, &n, a1, b1, 4), 0);
	assert_true(exact == 0.5);
	assert_true(fabs(kappa) < 1e-12);
	/*
	 * Pairs with a 0 are skipped: (1,1), (2,3), (3,3). sum w*O = 1 (the
	 * pair 2,3). Marginals a: 1,1,1 on 1,2,3; b: 1 on 1, 2 on 3. sum w*E =
	 * [4*1*2 + 1*1*1 + 1*1*2 + 4*1*1] / 3 = 15/3 = 5 -> kappa = 1 - 1/5.
	 */
	assert_int_equal(msb_agreement(&exact, &kappa, &n, a2, b2, 5), 0);
	assert_int_equal(n, 3);
	assert_true(fabs(exact - 2.0 / 3.0) < 1e-12);
	assert_true(fabs(kappa - 0.8) < 1e-12);
	/* one shared constant score: kappa undefined */
	assert_int_equal(msb_agreement(&exact, &kappa, &n, c3, c3, 3), 0);
	assert_true(exact == 1.0);
	assert_true(isnan(kappa));
	/* two different constants: O = E, kappa 0, no agreement */
	assert_int_equal(msb_agreement(&exact, &kappa, &n, a4, b4, 2), 0);
	assert_true(exact == 0.0);
	assert_true(fabs(kappa) < 1e-12);
}

/*
 * Computed with Python's standard library:
 *   pairs = [(x, y) for x, y in zip(a, b) if x and y]; n = len(pairs)
 *   O[x-1][y-1] += 1; W = (i-j)**2 / 16
 *   num = sum(W*O/n); den = sum(W*rowsum[i]*colsum[j]/n/n); 1 - num/den
 * gives n = 18, exact 0.5555555555555556, kappa 0.6736401673640167.
 */
static void test_agreement_python(void **state)
{
	static const int a[] = { 1, 1, 1, 2, 2, 3, 3, 4, 5, 5, 1, 2, 4, 4, 5, 3, 1, 0, 2, 5 };
	static const int b[] = { 1, 2, 1, 2, 3, 3, 5, 4, 4, 5, 1, 1, 5, 3, 5, 3, 0, 4, 2, 1 };
	double exact, kappa;
	size_t n;
	(void)state;
	assert_int_equal(msb_agreement(&exact, &kappa, &n, a, b, 20), 0);
	assert_int_equal(n, 18);
	assert_true(fabs(exact - 0.5555555555555556) < 1e-12);
	assert_true(fabs(kappa - 0.6736401673640167) < 1e-12);
	/* symmetric in the raters */
	assert_int_equal(msb_agreement(&exact, &kappa, NULL, b, a, 20), 0);
	assert_true(fabs(kappa - 0.6736401673640167) < 1e-12);
}

static void test_agreement_errors(void **state)
{
	static const int z[] = { 0, 0 }, bad[] = { 1, 6 }, ok[] = { 1, 2 };
	double exact = 0, kappa = 0;
	size_t n = 9;
	(void)state;
	assert_int_equal(msb_agreement(&exact, &kappa, &n, z, ok, 2), MSB_ENOTFOUND);
	assert_int_equal(n, 0);
	assert_true(isnan(exact) && isnan(kappa));
	assert_int_equal(msb_agreement(&exact, &kappa, &n, NULL, NULL, 0), MSB_ENOTFOUND);
	assert_int_equal(msb_agreement(&exact, &kappa, &n, NULL, ok, 2), MSB_EINVAL);
	assert_int_equal(msb_agreement(&exact, &kappa, &n, bad, ok, 2), MSB_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_methods),
		cmocka_unit_test(test_reason_and_errors),
		cmocka_unit_test(test_jury_new),
		cmocka_unit_test(test_agreement_by_hand),
		cmocka_unit_test(test_agreement_python),
		cmocka_unit_test(test_agreement_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
