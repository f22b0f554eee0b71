/*
 * fuzz/fuzz_pyread.c - the reader of Python string expressions
 * (msb_py_string_expr) that takes the paper's texts out of the upstream
 * scripts. Checks: the result is a string exactly when the return is 0,
 * the errors are the documented ones, nothing leaks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "medsafety/paper.h"
#include "fuzz.h"

static void fail(const char *what)
{
	fprintf(stderr, "fuzz_pyread: %s\n", what);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "x", "sys_prompt", "lambda row:", "eval_prompt", "rubric" };
	char *src = msb_fuzz_copy(data, size);
	size_t k;

	msb_fuzz_setup();
	for (k = 0; k < sizeof names / sizeof names[0]; k++) {
		int nth;
		for (nth = 0; nth < 2; nth++) {
			char *out = (char *)src;
			int rc = msb_py_string_expr(&out, src, names[k], nth);
			if (rc == 0 ? out == NULL : out != NULL)
				fail("result and return value disagree");
			if (rc != 0 && rc != MSB_ENOTFOUND && rc != MSB_EPARSE && rc != MSB_EUNSUPPORTED &&
			    rc != MSB_ENOMEM)
				fail("undocumented error");
			msb_free(out);
		}
	}
	free(src);
	msb_fuzz_check_leaks("fuzz_pyread");
	return 0;
}
