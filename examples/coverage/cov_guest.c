/* stubrun/guest.h's functions, with the coverage dump when built with
 * -DSTUBRUN_GUEST_COVERAGE; never built with --coverage itself, so that
 * dumping does not count itself. */
#define STUBRUN_GUEST_IMPLEMENTATION
#include <stubrun/guest.h>

#if defined(__aarch64__) && defined(STUBRUN_GUEST_COVERAGE)
/*
 * Debian has no aarch64-none-elf GCC, so bare-metal aarch64 guests use
 * aarch64-linux-gnu's, whose libgcov is built for Linux. Two of its
 * pieces would pull in Linux file I/O that picolibc lacks, and neither is
 * ever called on this path: mmap (memory for top-N counters, which
 * --coverage does not make) and __gcov_merge_add (merging into an existing
 * .gcda file, which only libgcov's own file output does). Defining them
 * here keeps libgcov's hosted members out of the link.
 */
#include <stddef.h>
void *mmap(void *addr, size_t len, int prot, int flags, int fd, long off);
void *mmap(void *addr, size_t len, int prot, int flags, int fd, long off)
{
	(void)addr, (void)len, (void)prot, (void)flags, (void)fd, (void)off;
	return (void *)-1; /* MAP_FAILED */
}

void __gcov_merge_add(void *counters, unsigned n);
void __gcov_merge_add(void *counters, unsigned n)
{
	(void)counters, (void)n;
}
#endif
