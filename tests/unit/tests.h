/*
 * tests.h - the CUnit suites of the unit test program (tests/unit).
 *
 * Each register_*_suite adds one suite to the CUnit registry; it returns 0,
 * or -1 if CUnit could not add it (then CU_get_error_msg says why).
 */
#ifndef ANPR_TESTS_H
#define ANPR_TESTS_H

int register_model_suite(void);
int register_records_suite(void);
int register_image_suite(void);
int register_grammar_suite(void);
int register_read_suite(void);
int register_hotlist_suite(void);
int register_alert_suite(void);
int register_plates_suite(void);

/* The tests' random numbers: xorshift64 from a seed the test sets, so a
 * failure reproduces. */
#include <stdint.h>
extern uint64_t test_rng_state;
uint64_t test_rnd(void);

#endif /* ANPR_TESTS_H */
