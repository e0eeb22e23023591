/*
 * The fault catch end to end, under QEMU: the crash examples fault in
 * plat_crash (a bus fault on mps2, a data abort on virt, a load access
 * fault on RISC-V), and stubrun stops at the fault handler's entry, names
 * the fault and unwinds from the faulting instruction. The stripped copies
 * have no fail symbol to stop at: uncaught, their handler ends the run
 * through semihosting, and nothing names the fault.
 */
#include "run_common.h"

typedef struct fault_case {
	const char *arch;
	const char *fault;      /* what the verdict names */
} fault_case;

static const fault_case cases[] = {
	{ "arm", "FAIL: BusFault: PRECISERR, address 0xe0100000 at 0x" },
	{ "aarch64", "FAIL: data abort: address size fault, level 0, on a read" },
	{ "riscv64", "FAIL: load access fault, address 0x0 at 0x" },
	{ "riscv32", "FAIL: load access fault, address 0x0 at 0x" },
};

#define NCASES (sizeof(cases) / sizeof(cases[0]))

static void image(char *buf, size_t len, const char *arch, const char *variant)
{
	char name[64];

	snprintf(name, sizeof(name), "%s-%s.elf", arch, variant);
	example(buf, len, name);
}

Test(fault_catch, names_the_fault_and_unwinds_from_the_faulting_instruction)
{
	for (size_t i = 0; i < NCASES; i++) {
		char img[512];
		harness_result res;

		image(img, sizeof(img), cases[i].arch, "crash");
		stubrun(&res, img, NULL);
		cr_expect_eq(res.status, 1, "%s: status %d\n%s", cases[i].arch,
			     res.status, res.err);
		expect_in(res.err, cases[i].fault, cases[i].arch);
		expect_in(res.err, "in plat_crash+0x", "the faulting function");
		expect_postmortem(&res);
		expect_in(res.err, "fault at: 0x", "the fault's own line");
		/* frame 0 is the faulting instruction, not the handler */
		expect_in(res.err, "#0 0x", "backtrace");
		cr_expect(strstr(res.err, "#1 0x") &&
			  strstr(strstr(res.err, "backtrace:"), "plat_crash") <
			  strstr(strstr(res.err, "backtrace:"), "crash_here"),
			  "%s: backtrace plat_crash <- crash_here:\n%s",
			  cases[i].arch, res.err);
		expect_in(strstr(res.err, "backtrace:"), "main", "backtrace");
		harness_result_free(&res);
	}
}

Test(fault_catch, needs_no_symbols)
{
	for (size_t i = 0; i < NCASES; i++) {
		char img[512];
		harness_result res;

		image(img, sizeof(img), cases[i].arch, "crash-stripped");
		stubrun(&res, img, NULL);
		cr_expect_eq(res.status, 1, "%s: status %d\n%s", cases[i].arch,
			     res.status, res.err);
		expect_in(res.err, cases[i].fault, cases[i].arch);
		harness_result_free(&res);
	}
}

Test(fault_catch, no_fault_catch_leaves_the_guest_its_handler)
{
	char img[512];
	harness_result res;

	image(img, sizeof(img), "riscv64", "crash");
	stubrun(&res, "--no-fault-catch", img, NULL);
	cr_expect_eq(res.status, 1, "status %d\n%s", res.status, res.err);
	expect_in(res.err, "reached fail symbol stubrun_panic(\"", "the guest's own panic");
	cr_expect_null(strstr(res.err, "load access fault"), "%s", res.err);
	harness_result_free(&res);

	image(img, sizeof(img), "arm", "crash-stripped");
	stubrun(&res, "--no-fault-catch", img, NULL);
	cr_expect_eq(res.status, 1, "status %d\n%s", res.status, res.err);
	expect_in(res.err, "exited through semihosting with status 1", "the handler's exit");
	cr_expect_null(strstr(res.err, "BusFault"), "%s", res.err);
	harness_result_free(&res);
}

/* picolibc with its stock crt0 (examples/semihosting/sh-fault.c): an
 * undefined instruction is named at once, never a timeout, whether crt0
 * brings handlers (M-profile, RISC-V) or none (AArch64: VBAR stays 0 and
 * the fault would loop at 0x200 until the timeout). */
Test(fault_catch, stock_picolibc_faults_are_named)
{
	static const char *const what[] = {
		"FAIL: UsageFault: UNDEFINSTR at 0x",
		"FAIL: undefined instruction (ESR_EL1 0x02000000) at 0x",
		"FAIL: illegal instruction at 0x",
		"FAIL: illegal instruction at 0x",
	};

	for (size_t i = 0; i < NCASES; i++) {
		char img[512];
		harness_result res;

		image(img, sizeof(img), cases[i].arch, "sh-fault");
		stubrun(&res, "--timeout", "20", img, NULL);
		cr_expect_eq(res.status, 1, "%s: status %d\n%s", cases[i].arch,
			     res.status, res.err);
		expect_in(res.err, what[i], cases[i].arch);
		expect_in(res.err, " in undefined_instruction", cases[i].arch);
		expect_in(res.err, "sh-fault.c:1", cases[i].arch);
		cr_expect(strstr(res.err, "#1 0x") && strstr(res.err, " main+"),
			  "%s: backtrace to main:\n%s", cases[i].arch, res.err);
		cr_expect_null(strstr(res.out, "still running"), "%s", res.out);
		harness_result_free(&res);
	}
}

/* newlib with the toolchain's stock A-profile specs on vexpress-a15, in
 * ARM and in Thumb state: crt0 sets no VBAR, and the undefined
 * instruction or the data abort, taken at the empty table at 0, is named
 * with its place. The CPU runs in Secure state there, whose banked DFSR
 * and DFAR are the ones read. The faulting code's own LR is banked in SVC
 * mode, which QEMU's stub does not show, so the backtrace needs only its
 * first frame here. */
Test(fault_catch, stock_aprofile_faults_are_named)
{
	static const struct { const char *image, *fault, *where; } a15[] = {
		{ "arm-a15-sh-fault.elf", "FAIL: undefined instruction at 0x",
		  " in undefined_instruction+0x" },
		{ "arm-a15-thumb-sh-fault.elf", "FAIL: undefined instruction at 0x",
		  " in undefined_instruction+0x" },
		{ "arm-a15-sh-abort.elf", "FAIL: data abort: alignment fault, on "
		  "a read (DFSR 0x00000001), address 0x", " in load_exclusive" },
	};

	for (size_t i = 0; i < sizeof(a15) / sizeof(a15[0]); i++) {
		const char *name = a15[i].image;
		char img[512];
		harness_result res;

		example(img, sizeof(img), name);
		stubrun(&res, "--timeout", "20", "--machine", "vexpress-a15",
			"--cpu", "cortex-a15", img, NULL);
		cr_expect_eq(res.status, 1, "%s: status %d\n%s", name,
			     res.status, res.err);
		expect_in(res.err, a15[i].fault, name);
		expect_in(res.err, a15[i].where, name);
		expect_in(res.err, i < 2 ? "sh-fault.c:13" : "sh-abort.c:15", name);
		expect_in(res.err, i < 2 ? "udf" : "ldrex",
			  "the code, decoded in its own state");
		cr_expect_null(strstr(res.out, "still running"), "%s", res.out);
		harness_result_free(&res);
	}
}

/* A kernel booted with firmware takes faults as its normal work: only a
 * bare image is caught. */
Test(fault_catch, passing_guests_are_untouched)
{
	for (size_t i = 0; i < NCASES; i++) {
		char img[512];
		harness_result res;

		image(img, sizeof(img), cases[i].arch, "pass");
		stubrun(&res, img, NULL);
		cr_expect_eq(res.status, 0, "%s: status %d\n%s", cases[i].arch,
			     res.status, res.err);
		harness_result_free(&res);
	}
}

/* x86 with an IDT of its own (examples/x86/ud.c): every fault gate leads
 * to one handler that spins; the catch stops at it once the guest has
 * loaded the IDT, tells #UD from the frame, and unwinds from the ud2,
 * three calls deep. Stripped, nothing else would end the run before its
 * timeout. */
Test(fault_catch, x86_faults_through_the_guests_idt)
{
	static const char *const x86[] = { "i386", "x86_64" };

	for (size_t i = 0; i < 2; i++) {
		char img[512];
		harness_result res;

		image(img, sizeof(img), x86[i], "ud");
		stubrun(&res, "--timeout", "30", img, NULL);
		cr_expect_eq(res.status, 1, "%s: status %d\n%s", x86[i], res.status,
			     res.err);
		expect_in(res.err, "FAIL: #UD invalid opcode at 0x", x86[i]);
		expect_in(res.err, "in undefined_here+0x", x86[i]);
		const char *bt = strstr(res.err, "backtrace:");
		cr_assert_not_null(bt, "%s", res.err);
		const char *third = strstr(bt, "#2 0x");
		cr_expect(third && strstr(third, "undefined_here") &&
			  strstr(bt, "main+"), "%s: three deep:\n%s", x86[i], bt);
		harness_result_free(&res);

		image(img, sizeof(img), x86[i], "ud-stripped");
		stubrun(&res, "--timeout", "30", img, NULL);
		cr_expect_eq(res.status, 1, "%s stripped: status %d\n%s", x86[i],
			     res.status, res.err);
		expect_in(res.err, "FAIL: #UD invalid opcode at 0x", x86[i]);
		harness_result_free(&res);
	}
}
