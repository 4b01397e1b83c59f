/*
 * test_hotlist.c - hotlists (anpr/hotlist.h): placeholder, replaced below.
 */
#include <CUnit/CUnit.h>

#include "tests.h"

int register_hotlist_suite(void)
{
	CU_pSuite s = CU_add_suite("hotlist", NULL, NULL);

	return s ? 0 : -1;
}
