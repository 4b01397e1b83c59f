/*
 * test_main.c - run every unit test suite.
 *
 * Exits 0 only if every suite initialised and every assertion held, so the
 * build can gate on the exit status alone.
 */
#include <stdio.h>

#include <CUnit/Basic.h>

#include "tests.h"

uint64_t test_rng_state = 1;

uint64_t test_rnd(void)
{
	test_rng_state ^= test_rng_state << 13;
	test_rng_state ^= test_rng_state >> 7;
	test_rng_state ^= test_rng_state << 17;
	return test_rng_state;
}

int main(void)
{
	int (*const reg[])(void) = {
		register_model_suite,
		register_records_suite,
		register_image_suite,
		register_grammar_suite,
		register_read_suite,
		register_hotlist_suite,
		register_alert_suite,
		register_plates_suite,
	};
	unsigned failures, tests_failed, suites_failed;
	size_t i;

	if (CU_initialize_registry() != CUE_SUCCESS) {
		fprintf(stderr, "unit tests: %s\n", CU_get_error_msg());
		return 2;
	}
	for (i = 0; i < sizeof(reg) / sizeof(reg[0]); i++) {
		if (reg[i]()) {
			fprintf(stderr, "unit tests: registering a suite: %s\n", CU_get_error_msg());
			CU_cleanup_registry();
			return 2;
		}
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	if (CU_basic_run_tests() != CUE_SUCCESS) {
		fprintf(stderr, "unit tests: %s\n", CU_get_error_msg());
		CU_cleanup_registry();
		return 2;
	}
	failures = CU_get_number_of_failures();
	tests_failed = CU_get_number_of_tests_failed();
	/* a suite whose set-up failed ran no tests but must still fail the run */
	suites_failed = CU_get_number_of_suites_failed();
	CU_cleanup_registry();
	return failures || tests_failed || suites_failed ? 1 : 0;
}
