/*
 * The multi-test kernel started at its "hangs" test: the guest hangs
 * inside stubrun_test_begin/stubrun_test_end, so a runner's timeout must
 * fail that test with the post-mortem attached, and report the four tests
 * before it (declared, never begun) as not run.
 */
#define MULTI_FIRST_TEST 4
#include "multi.c"
