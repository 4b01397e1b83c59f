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
int register_read_suite(void);

#endif /* ANPR_TESTS_H */
