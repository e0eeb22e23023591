/* Tests for src/guest/solib.c: the dynamic linker's list of loaded
 * objects, read from a fake guest memory: the chain in order, nameless
 * entries skipped, a loop cut, unreadable memory and a missing DT_DEBUG
 * refused. */
#include <criterion/criterion.h>

#include <stdint.h>
#include <string.h>

#include "solib.h"

#define MEM_BASE 0x1000u
#define MEM_SIZE 0x1000u

typedef struct fake {
	uint8_t b[MEM_SIZE];
} fake;

static int fake_read(void *buf, uint64_t addr, size_t len, void *arg)
{
	fake *m = arg;

	if (addr < MEM_BASE || addr - MEM_BASE > MEM_SIZE ||
	    len > MEM_SIZE - (addr - MEM_BASE))
		return -1;
	memcpy(buf, m->b + (addr - MEM_BASE), len);
	return 0;
}

static void put64(fake *m, uint64_t addr, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		m->b[addr - MEM_BASE + i] = (uint8_t)(v >> (8 * i));
}

/* dynamic at 0x1000: DT_NEEDED, DT_DEBUG -> r_debug at 0x1100, DT_NULL.
 * link_maps at 0x1200 (the program, no name), 0x1300 (libc), 0x1400
 * (the linker), whose l_next is `last_next`. */
static void build(fake *m, uint64_t last_next)
{
	memset(m, 0, sizeof(*m));
	put64(m, 0x1000, 1);      /* DT_NEEDED */
	put64(m, 0x1008, 7);
	put64(m, 0x1010, 21);     /* DT_DEBUG */
	put64(m, 0x1018, 0x1100);
	put64(m, 0x1108, 0x1200); /* r_map */
	put64(m, 0x1200 + 8, 0x1800);  /* l_name: "" */
	put64(m, 0x1200 + 24, 0x1300);
	put64(m, 0x1300, 0x5500000000);
	put64(m, 0x1300 + 8, 0x1810);
	put64(m, 0x1300 + 24, 0x1400);
	put64(m, 0x1400, 0x5600000000);
	put64(m, 0x1400 + 8, 0x1830);
	put64(m, 0x1400 + 24, last_next);
	strcpy((char *)m->b + 0x810, "/lib/libc.so.6");
	strcpy((char *)m->b + 0x830, "/lib/ld-linux-aarch64.so.1");
}

Test(solib, the_chain_in_order)
{
	fake m;
	solib_entry e[8];
	size_t n;

	build(&m, 0);
	cr_assert_eq(solib_list(e, 8, &n, 0x1000, 0x30, 8, fake_read, &m), 0);
	cr_assert_eq(n, 2);
	cr_expect_str_eq(e[0].name, "/lib/libc.so.6");
	cr_expect_eq(e[0].base, 0x5500000000);
	cr_expect_str_eq(e[1].name, "/lib/ld-linux-aarch64.so.1");
	/* cap bounds what is written */
	cr_assert_eq(solib_list(e, 1, &n, 0x1000, 0x30, 8, fake_read, &m), 0);
	cr_expect_eq(n, 1);
}

Test(solib, a_loop_is_cut)
{
	fake m;
	solib_entry e[8];
	size_t n;

	build(&m, 0x1300);
	cr_assert_eq(solib_list(e, 8, &n, 0x1000, 0x30, 8, fake_read, &m), 0);
	cr_expect_eq(n, 2);
}

Test(solib, unreadable_or_absent)
{
	fake m;
	solib_entry e[8];
	size_t n;

	build(&m, 0x9000);  /* l_next out of memory: what was read stands */
	cr_assert_eq(solib_list(e, 8, &n, 0x1000, 0x30, 8, fake_read, &m), 0);
	cr_expect_eq(n, 2);
	build(&m, 0);
	put64(&m, 0x1018, 0);    /* DT_DEBUG not filled in yet */
	cr_expect_eq(solib_list(e, 8, &n, 0x1000, 0x30, 8, fake_read, &m), -1);
	cr_expect_eq(solib_list(e, 8, &n, 0x9000, 0x30, 8, fake_read, &m), -1);
	cr_expect_eq(solib_list(e, 8, &n, 0x1000, 0x30, 3, fake_read, &m), -1);
}
