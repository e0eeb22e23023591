/* Unit tests: util's strict number parsing (src/base/util.c), which every
 * option, suite key and report reader uses for numbers. */
#include <criterion/criterion.h>

#include <stdint.h>

#include "util.h"

Test(util, u64_is_decimal_hex_or_binary_never_octal)
{
	uint64_t v;

	cr_assert_eq(util_parse_u64(&v, "010"), 0);
	cr_expect_eq(v, 10);
	cr_assert_eq(util_parse_u64(&v, "0x1F"), 0);
	cr_expect_eq(v, 31);
	cr_assert_eq(util_parse_u64(&v, "0b101"), 0);
	cr_expect_eq(v, 5);
	cr_assert_eq(util_parse_u64(&v, "18446744073709551615"), 0);
	cr_expect_eq(v, UINT64_MAX);
}

Test(util, u64_refuses_what_is_not_a_whole_number)
{
	static const char *const bad[] = { "", " 1", "1 ", "+1", "-1", "1x",
					   "0x", "18446744073709551616", "ten" };
	uint64_t v;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_eq(util_parse_u64(&v, bad[i]), -1, "'%s'", bad[i]);
}

Test(util, count_is_bounded_at_both_ends)
{
	long v = -7;

	cr_assert_eq(util_parse_count(&v, "0", 0, 255), 0);
	cr_expect_eq(v, 0);
	cr_assert_eq(util_parse_count(&v, "255", 0, 255), 0);
	cr_expect_eq(v, 255);
	cr_expect_eq(util_parse_count(&v, "256", 0, 255), -1);
	cr_expect_eq(util_parse_count(&v, "0", 1, 4096), -1);
	cr_expect_eq(util_parse_count(&v, "-1", 0, 255), -1);
	cr_expect_eq(util_parse_count(&v, "99999999999999999999", 0, 255), -1);
	cr_expect_eq(v, 255, "a refused value leaves *out alone");
}
