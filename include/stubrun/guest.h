/*
 * stubrun/guest.h: the freestanding interface between a guest program (a
 * kernel, a bare-metal test, firmware) and stubrun, the QEMU-gdbstub test
 * runner. Needs no libc and no other header; compiles as C99/C11 (and C++)
 * with GCC or Clang for any target.
 *
 * HOW STUBRUN USES IT
 *   stubrun loads the ELF, sets a breakpoint on the ENTRY of these functions
 *   (by symbol name) and reads their first argument from where the target's
 *   ABI puts it on entry:
 *       i386     [esp+4]          x86_64   rdi
 *       arm      r0               aarch64  x0
 *       riscv    a0
 *   so the functions must exist as real, separate, out-of-line functions with
 *   these exact names. They are declared here and defined in exactly one
 *   translation unit of the guest that does
 *       #define STUBRUN_GUEST_IMPLEMENTATION
 *       #include <stubrun/guest.h>
 *   The definitions are noinline, noipa (GCC; no inter-procedural shortcuts
 *   such as constant propagation into or identical-code folding of them) and
 *   used (kept even when nothing calls them), and each has a distinct body.
 *
 * RUNNING WITHOUT STUBRUN
 *   stubrun_exit() also ends the run itself, so the same image runs under
 *   bare QEMU (benchmarks, bisection):
 *     x86 (i386, x86_64): writes the status byte to the isa-debug-exit port
 *         0xf4; QEMU exits with (status << 1) | 1. Needs
 *         -device isa-debug-exit,iobase=0xf4,iosize=0x04
 *     riscv (-M virt): writes the sifive_test finisher at 0x100000: 0x5555
 *         (QEMU exits 0) for status 0, else (status << 16) | 0x3333 (QEMU
 *         exits status & 0xffff).
 *     aarch64: semihosting SYS_EXIT (HLT #0xf000) with
 *         ADP_Stopped_ApplicationExit and the status; QEMU exits status.
 *     arm: semihosting SYS_EXIT_EXTENDED (BKPT 0xab on M-profile, SVC
 *         0xab / 0x123456 on A/R-profile Thumb / Arm); QEMU exits status.
 *         Semihosting needs QEMU's -semihosting; without it the trap is an
 *         exception taken by the guest (see below).
 *   If the device write does not end the run (device absent), the function
 *   spins forever. Define STUBRUN_GUEST_NO_EXIT_DEVICE to leave the device
 *   out (e.g. a board where 0x100000 or port 0xf4 means something else):
 *   the function then only spins, which is enough under stubrun.
 *
 *   Re-entry guard: if the exit device itself faults (Arm semihosting without
 *   -semihosting raises an exception, whose handler may call stubrun_panic),
 *   the second attempt does not touch the device again but spins, so a guest
 *   never loops through trap -> panic -> trap.
 *
 * STATE FOR A POST-MORTEM
 *   The implementation keeps its last arguments in the global
 *   `stubrun_guest_state` (below), so a debugger or stubrun can read e.g. the
 *   panic message or the current test's name from memory after the fact.
 */
#ifndef STUBRUN_GUEST_H
#define STUBRUN_GUEST_H

#ifdef __cplusplus
extern "C" {
#endif

/* Status stubrun_panic() ends a bare run with (stubrun's "failure" status). */
#define STUBRUN_PANIC_STATUS 1

#if defined(__GNUC__) || defined(__clang__)
#define STUBRUN_NORETURN __attribute__((noreturn))
#else
#define STUBRUN_NORETURN
#endif

/*
 * Ends the run with `status` (0 = pass). stubrun stops at the entry of this
 * function and reports `status` as the run's result. Never returns.
 */
STUBRUN_NORETURN void stubrun_exit(int status);

/*
 * Marks the start of an in-image test called `name` (a NUL-terminated string
 * in guest memory that must stay valid until the matching stubrun_test_end;
 * a string literal is the usual choice). stubrun reads the string from guest
 * memory when it stops here; console output until stubrun_test_end belongs
 * to this test. Returns normally; costs nothing without stubrun.
 */
void stubrun_test_begin(const char *name);

/*
 * Ends the current in-image test with `status` (0 = pass, anything else =
 * fail with that status). Returns normally.
 */
void stubrun_test_end(int status);

/*
 * Isolated tests (stubrun run --snapshot-at LOC): stubrun boots once to
 * LOC, saves the machine there, and runs each declared test from that
 * snapshot, writing its name into stubrun_selected_test first. A guest
 * that wants this asks, for each test, whether to run it:
 *
 *     if (stubrun_test_selected("arith")) { begin, run, end }
 *
 * It is 1 for every test when nothing is selected (an ordinary run). The
 * buffer holds a NUL-terminated name of at most STUBRUN_TEST_NAME_MAX - 1
 * bytes, in .data so that start-up code clearing .bss leaves it alone.
 */
#define STUBRUN_TEST_NAME_MAX 128
extern volatile char stubrun_selected_test[STUBRUN_TEST_NAME_MAX];
int stubrun_test_selected(const char *name);

/*
 * Declares, at file scope, the name of an in-image test before it runs, so
 * that stubrun knows the whole plan from the image alone: a test the guest
 * never reaches (after a crash or a hang) is reported "not run" instead of
 * being missing from the report. Write one line per test:
 *
 *     STUBRUN_DECLARE_TEST("arith");
 *
 * The name must be a plain string literal without quotes or backslashes.
 * It is stored NUL-terminated in the ELF section ".stubrun.tests", which is
 * not allocated: it takes no guest memory and is not loaded. Declaring tests
 * is optional; stubrun reports the tests it sees begin either way.
 */
#define STUBRUN_DECLARE_TEST(name)                                            \
	__asm__(".pushsection .stubrun.tests,\"\"\n"                         \
		".asciz \"" name "\"\n"                                     \
		".popsection")

/*
 * Reports a fatal error; `why` is a NUL-terminated message (kept in
 * stubrun_guest_state.panic). stubrun treats reaching this function as a
 * failure (its default fail symbol) and can print `why`. Without stubrun it
 * ends the run through the exit device with STUBRUN_PANIC_STATUS, without
 * going through stubrun_exit (so the exit breakpoint only ever means a
 * deliberate exit). Never returns.
 */
STUBRUN_NORETURN void stubrun_panic(const char *why);

/*
 * Code coverage with no filesystem and no console (stubrun run/test
 * --coverage DIR). Build the guest with GCC's freestanding gcov,
 *     --coverage -fprofile-info-section=gcov_info
 * and define STUBRUN_GUEST_COVERAGE in the translation unit that defines
 * STUBRUN_GUEST_IMPLEMENTATION (it then needs libgcov's
 * __gcov_info_to_gcda, which --coverage links). stubrun_coverage_dump()
 * turns the counters into .gcda images and hands them, a buffer at a time,
 * to breakpointed hooks; stubrun reads the bytes through the stub and
 * writes the files. Call it before the run ends, or let stubrun call it:
 * it does so when the guest reaches its exit without having dumped.
 *
 * The section name: a C identifier such as gcov_info gives the linker's
 * __start_/__stop_ symbols, which the dump refers to, and that reference
 * keeps the section under --gc-sections (picolibc's specs), with the
 * toolchain's stock linker script. The default name, .gcov_info, works
 * when the link keeps it (no --gc-sections, or GCC's manual's KEEP
 * script): stubrun then finds it in the ELF and tells the dump where it is.
 * Under --gc-sections the hooks stay in the image as long as the guest
 * calls any function of this header (they share its section, unless the
 * guest is built with -ffunction-sections), or with -Wl,-u,stubrun_coverage_dump.
 */
void stubrun_coverage_dump(void);

/* Last values passed to the functions above; all fields start as 0 / NULL. */
struct stubrun_guest_state {
	const char *volatile test;   /* name of the test begun last, or NULL */
	volatile int tests_begun;    /* stubrun_test_begin calls so far */
	volatile int test_status;    /* status of the last stubrun_test_end */
	const char *volatile panic;  /* message of stubrun_panic, or NULL */
	volatile int exit_status;    /* status of the exit in progress */
	volatile int exiting;        /* nonzero once an exit has started */
};
extern struct stubrun_guest_state stubrun_guest_state;

#ifdef STUBRUN_GUEST_IMPLEMENTATION

#if defined(__has_attribute)
#if __has_attribute(noipa)
#define STUBRUN_KEEP_ __attribute__((noinline, noipa, used))
#endif
#endif
#ifndef STUBRUN_KEEP_
#if defined(__GNUC__) || defined(__clang__)
#define STUBRUN_KEEP_ __attribute__((noinline, used))
#else
#define STUBRUN_KEEP_
#endif
#endif

/* A compiler barrier: the optimiser must assume memory and `v` are used. */
#define STUBRUN_USE_(v) __asm__ volatile("" : : "r"(v) : "memory")

struct stubrun_guest_state stubrun_guest_state;
#if defined(__GNUC__) || defined(__clang__)
__attribute__((section(".data")))
#endif
volatile char stubrun_selected_test[STUBRUN_TEST_NAME_MAX] = { 0 };

int stubrun_test_selected(const char *name)
{
	unsigned i = 0;

	if (!stubrun_selected_test[0])
		return 1;
	while (i < STUBRUN_TEST_NAME_MAX && name[i] &&
	       stubrun_selected_test[i] == name[i])
		i++;
	return i < STUBRUN_TEST_NAME_MAX && stubrun_selected_test[i] == name[i];
}

/* The exit device of the target; returns if the device did not end the run. */
static void stubrun_exit_device_(int status)
{
#if defined(STUBRUN_GUEST_NO_EXIT_DEVICE)
	STUBRUN_USE_(status);
#elif defined(__i386__) || defined(__x86_64__)
	/* isa-debug-exit: QEMU exits with (byte << 1) | 1. */
	__asm__ volatile("outb %b0, %w1"
			 : : "a"((unsigned char)status), "Nd"((unsigned short)0xf4));
#elif defined(__riscv)
	/* sifive_test finisher on -M virt: FINISHER_PASS / FINISHER_FAIL. */
	volatile unsigned int *finisher = (volatile unsigned int *)0x100000;
	*finisher = status == 0 ? 0x5555u
				: (((unsigned int)status & 0xffffu) << 16) | 0x3333u;
#elif defined(__aarch64__)
	/* SYS_EXIT (0x18), A64 form: x1 -> {reason, subcode}. */
	static unsigned long block[2];
	block[0] = 0x20026; /* ADP_Stopped_ApplicationExit */
	block[1] = (unsigned long)(long)status;
	register unsigned long x0 __asm__("x0") = 0x18;
	register unsigned long *x1 __asm__("x1") = block;
	__asm__ volatile("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory");
#elif defined(__arm__)
	/* SYS_EXIT_EXTENDED (0x20): r1 -> {reason, subcode}; plain SYS_EXIT on
	 * A32/T32 cannot carry a status. */
	static unsigned int block[2];
	block[0] = 0x20026; /* ADP_Stopped_ApplicationExit */
	block[1] = (unsigned int)status;
	register unsigned int r0 __asm__("r0") = 0x20;
	register unsigned int *r1 __asm__("r1") = block;
#if defined(__ARM_ARCH_PROFILE) && __ARM_ARCH_PROFILE == 'M'
	__asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
#elif defined(__thumb__)
	__asm__ volatile("svc 0xab" : "+r"(r0) : "r"(r1) : "memory");
#else
	__asm__ volatile("svc 0x123456" : "+r"(r0) : "r"(r1) : "memory");
#endif
#else
	STUBRUN_USE_(status);
#endif
}

/* Ends a run: the device once, then spin (also on re-entry, see above). */
STUBRUN_NORETURN static void stubrun_finish_(int status)
{
	if (!stubrun_guest_state.exiting) {
		stubrun_guest_state.exiting = 1;
		stubrun_guest_state.exit_status = status;
		stubrun_exit_device_(status);
	}
	for (;;)
		__asm__ volatile("" : : : "memory");
}

STUBRUN_KEEP_ void stubrun_exit(int status)
{
	STUBRUN_USE_(status);
	stubrun_finish_(status);
}

STUBRUN_KEEP_ void stubrun_test_begin(const char *name)
{
	stubrun_guest_state.test = name;
	stubrun_guest_state.tests_begun = stubrun_guest_state.tests_begun + 1;
	STUBRUN_USE_(name);
}

STUBRUN_KEEP_ void stubrun_test_end(int status)
{
	stubrun_guest_state.test_status = status;
	STUBRUN_USE_(status);
}

STUBRUN_KEEP_ void stubrun_panic(const char *why)
{
	stubrun_guest_state.panic = why;
	STUBRUN_USE_(why);
	stubrun_finish_(STUBRUN_PANIC_STATUS);
}

#ifdef STUBRUN_GUEST_COVERAGE
/* libgcov's freestanding entry (GCC 11 and later). */
struct gcov_info;
void __gcov_info_to_gcda(const struct gcov_info *info,
			 void (*filename)(const char *name, void *arg),
			 void (*dump)(const void *data, unsigned len, void *arg),
			 void *(*allocate)(unsigned len, void *arg), void *arg);

/* Bytes collected before a hook hands them over: one stop per chunk,
 * not one per 4-byte word libgcov writes. stubrun reads `len` (32 bits),
 * then the bytes right after it. */
#define STUBRUN_COVERAGE_BUF_ 2048
struct stubrun_coverage_chunk_ {
	unsigned len;
	unsigned char data[STUBRUN_COVERAGE_BUF_];
};
struct stubrun_coverage_ {
	const struct gcov_info *const *volatile range[2];
	unsigned pool_used;
	struct stubrun_coverage_chunk_ chunk;
	unsigned char pool[1024];
};
static struct stubrun_coverage_ stubrun_coverage_;

/* Weak: absent (0) when the section has another name or none. */
extern const struct gcov_info *const __start_gcov_info[] __attribute__((weak));
extern const struct gcov_info *const __stop_gcov_info[] __attribute__((weak));

/* stubrun may write the bounds of the gcov_info pointers into range[0..1]
 * here (when it found them in the ELF under another name). */
STUBRUN_KEEP_ void stubrun_coverage_begin(const struct gcov_info *const *volatile *range)
{
	STUBRUN_USE_(range);
}

/* A new .gcda file called `name` starts. */
STUBRUN_KEEP_ void stubrun_coverage_file(const char *name)
{
	STUBRUN_USE_(name);
}

/* chunk->len more bytes of the current file. */
STUBRUN_KEEP_ void stubrun_coverage_data(const struct stubrun_coverage_chunk_ *chunk)
{
	STUBRUN_USE_(chunk);
}

/* The dump is complete. */
STUBRUN_KEEP_ void stubrun_coverage_end(void)
{
	__asm__ volatile("" : : : "memory");
}

static void stubrun_coverage_flush_(void)
{
	if (stubrun_coverage_.chunk.len)
		stubrun_coverage_data(&stubrun_coverage_.chunk);
	stubrun_coverage_.chunk.len = 0;
}

static void stubrun_coverage_name_(const char *name, void *arg)
{
	(void)arg;
	stubrun_coverage_flush_();
	stubrun_coverage_file(name);
}

static void stubrun_coverage_bytes_(const void *data, unsigned len, void *arg)
{
	const unsigned char *p = (const unsigned char *)data;

	(void)arg;
	while (len--) {
		if (stubrun_coverage_.chunk.len == STUBRUN_COVERAGE_BUF_)
			stubrun_coverage_flush_();
		stubrun_coverage_.chunk.data[stubrun_coverage_.chunk.len++] = *p++;
	}
}

/* libgcov asks for memory only for value-profile (top-N) counters, which
 * --coverage alone does not make; a small pool answers, then NULL. */
static void *stubrun_coverage_alloc_(unsigned len, void *arg)
{
	unsigned start = (stubrun_coverage_.pool_used + 15u) & ~15u;

	(void)arg;
	if (start > sizeof stubrun_coverage_.pool ||
	    len > sizeof stubrun_coverage_.pool - start)
		return 0;
	stubrun_coverage_.pool_used = start + len;
	return stubrun_coverage_.pool + start;
}

STUBRUN_KEEP_ void stubrun_coverage_dump(void)
{
	const struct gcov_info *const *info;

	stubrun_coverage_.range[0] = __start_gcov_info;
	stubrun_coverage_.range[1] = __stop_gcov_info;
	stubrun_coverage_begin(stubrun_coverage_.range);
	for (info = stubrun_coverage_.range[0];
	     info && info < stubrun_coverage_.range[1]; info++)
		if (*info)
			__gcov_info_to_gcda(*info, stubrun_coverage_name_,
					    stubrun_coverage_bytes_,
					    stubrun_coverage_alloc_, 0);
	stubrun_coverage_flush_();
	stubrun_coverage_end();
}
#else
STUBRUN_KEEP_ void stubrun_coverage_dump(void)
{
	__asm__ volatile("" : : : "memory");
}
#endif /* STUBRUN_GUEST_COVERAGE */

#undef STUBRUN_USE_
#undef STUBRUN_KEEP_
#endif /* STUBRUN_GUEST_IMPLEMENTATION */

#ifdef __cplusplus
}
#endif

#endif /* STUBRUN_GUEST_H */
