/* Tests for the fault catch of targets/arm.c, aarch64.c and riscv.c:
 * which entries are caught and how a stop there is decoded, against a
 * scripted guest (registers and memory in tables). */
#include <criterion/criterion.h>

#include <string.h>

#include "target.h"

typedef struct fake_reg {
	const char *name;
	uint64_t value;
	int bits;
} fake_reg;

typedef struct fake_mem {
	uint64_t addr;
	const void *bytes;
	size_t len;
} fake_mem;

typedef struct fake_guest {
	const fake_reg *regs;   /* ends with a NULL name */
	const fake_mem *mem;    /* ends with len 0 */
	const char *monitor;    /* `info registers`, or NULL */
} fake_guest;

static int fake_reg_read(uint64_t *v, int *bits, const char *name, void *arg)
{
	const fake_guest *g = arg;

	for (const fake_reg *r = g->regs; r->name; r++)
		if (strcmp(r->name, name) == 0) {
			*v = r->value;
			*bits = r->bits;
			return 0;
		}
	return -1;
}

/* Reads wholly inside one block succeed; anything else fails, as the
 * stub's E reply would. */
static int fake_mem_read(void *buf, uint64_t addr, size_t len, void *arg)
{
	const fake_guest *g = arg;

	for (const fake_mem *m = g->mem; m && m->len; m++)
		if (addr >= m->addr && addr + len <= m->addr + m->len) {
			memcpy(buf, (const uint8_t *)m->bytes + (addr - m->addr), len);
			return 0;
		}
	return -1;
}

/* The monitor says what the guest's `monitor` text is. */
static int fake_monitor(char **out, const char *cmd, void *arg)
{
	const fake_guest *g = arg;

	(void)cmd;
	if (!g->monitor)
		return -1;
	*out = strdup(g->monitor);
	return *out ? 0 : -1;
}

static int decode(target_fault *f, const target_desc *t, int id,
		  const fake_guest *g)
{
	target_io io = { fake_reg_read, fake_mem_read, fake_monitor, (void *)g };

	return t->faults->decode(f, id, &io);
}

static int vectors(target_vector *v, size_t *n, const target_desc *t,
		   const fake_guest *g)
{
	target_io io = { fake_reg_read, fake_mem_read, fake_monitor, (void *)g };

	return t->faults->vectors(v, n, &io);
}

/* What predict() says of the write `insn` (a little-endian word) in g:
 * its return, with *base and *value. */
static int predict(size_t *base, uint64_t *value, const target_desc *t,
		   uint32_t insn, const fake_guest *g)
{
	target_io io = { fake_reg_read, fake_mem_read, fake_monitor, (void *)g };
	const uint8_t b[4] = { (uint8_t)insn, (uint8_t)(insn >> 8),
			       (uint8_t)(insn >> 16), (uint8_t)(insn >> 24) };

	cr_assert_eq(t->faults->vector_write(b, sizeof(b)), 4,
		     "0x%08x is a vector write", insn);
	return t->faults->predict(base, value, b, 4, &io);
}

/* predict() foretells that `insn` writes `value` into the base `name`. */
static void foretold(const target_desc *t, uint32_t insn, const fake_guest *g,
		     const char *name, uint64_t value, const char *what)
{
	size_t base = 99;
	uint64_t v = ~value;

	cr_assert_eq(predict(&base, &v, t, insn, g), 1, "%s", what);
	cr_assert_lt(base, TARGET_BASES_MAX, "%s", what);
	cr_assert_str_eq(t->faults->bases[base], name, "%s", what);
	cr_assert_eq(v, value, "%s: 0x%llx", what, (unsigned long long)v);
}

/* --- M-profile ----------------------------------------------------------- */

Test(faults_m, vectors_come_from_the_table_vtor_names)
{
	static const uint32_t vtor = 0x1000;
	static const uint32_t table[] = { 0x101, 0, 0xffffffffu, 0x201 };
	const fake_reg regs[] = { { "xpsr", 0x01000000, 32 }, { NULL, 0, 0 } };
	const fake_mem mem[] = { { 0xe000ed08, &vtor, 4 },
				 { 0x1000 + 12, table, sizeof(table) }, { 0, 0, 0 } };
	fake_guest g = { regs, mem, NULL };
	target_vector v[TARGET_VECTORS_MAX];
	size_t n = 99;

	cr_assert_eq(vectors(v, &n, target_by_name("arm"), &g), 0);
	cr_assert_eq(n, 2, "empty (0) and erased (~0) entries are no handlers");
	cr_assert_eq(v[0].addr, 0x100, "Thumb bit cleared");
	cr_assert_eq(v[0].id, 3, "HardFault");
	cr_assert_eq(v[1].addr, 0x200);
	cr_assert_eq(v[1].id, 6, "UsageFault");
}

Test(faults_m, a_profile_without_system_registers_has_no_vectors)
{
	const fake_reg regs[] = { { "cpsr", 0x1d3, 32 }, { NULL, 0, 0 } };
	fake_guest g = { regs, NULL, NULL };
	target_vector v[TARGET_VECTORS_MAX];
	size_t n = 99;

	cr_assert_eq(vectors(v, &n, target_by_name("arm"), &g), 0);
	cr_assert_eq(n, 0);
}

/* A UsageFault taken from thread mode on the process stack, with the
 * stack realigned (xPSR bit 9): the frame's pc and the pre-fault sp. */
Test(faults_m, usage_fault_decoded_from_cfsr_and_the_stacked_frame)
{
	static const uint32_t scb[] = { 1u << 16, 0, 0, 0, 0 };
	static const uint32_t frame[] = { 0, 1, 2, 3, 12, 0x2a5, 0x2c1, 1u << 9 };
	const fake_reg regs[] = { { "xpsr", 6, 32 }, { "lr", 0xfffffffd, 32 },
				  { "psp", 0x3000, 32 }, { "msp", 0x4000, 32 },
				  { "r7", 0x3100, 32 }, { NULL, 0, 0 } };
	const fake_mem mem[] = { { 0xe000ed28, scb, sizeof(scb) },
				 { 0x3000, frame, sizeof(frame) }, { 0, 0, 0 } };
	fake_guest g = { regs, mem, NULL };
	target_fault f;

	cr_assert_eq(decode(&f, target_by_name("arm"), 6, &g), 1);
	cr_assert_str_eq(f.what, "UsageFault: UNDEFINSTR");
	cr_assert_eq(f.pc, 0x2c0);
	cr_assert_eq(f.lr, 0x2a5);
	cr_assert_eq(f.sp, 0x3000 + 0x20 + 4);
	cr_assert_eq(f.fp, 0x3100);
	cr_assert_eq(f.has_addr, 0);
}

Test(faults_m, forced_hardfault_names_the_bus_fault_and_its_address)
{
	static const uint32_t scb[] = { (1u << 9) | (1u << 15), 1u << 30, 0, 0,
					0xe0100000u };
	static const uint32_t frame[8] = { [6] = 0x374 };
	const fake_reg regs[] = { { "xpsr", 3, 32 }, { "lr", 0xfffffff9, 32 },
				  { "msp", 0x2500, 32 }, { NULL, 0, 0 } };
	const fake_mem mem[] = { { 0xe000ed28, scb, sizeof(scb) },
				 { 0x2500, frame, sizeof(frame) }, { 0, 0, 0 } };
	fake_guest g = { regs, mem, NULL };
	target_fault f;

	cr_assert_eq(decode(&f, target_by_name("arm"), 3, &g), 1);
	cr_assert_str_eq(f.what, "BusFault: PRECISERR");
	cr_assert_eq(f.has_addr, 1);
	cr_assert_eq(f.addr, 0xe0100000u);
	cr_assert_eq(f.sp, 0x2500 + 0x20, "MSP frame, no padding");
}

Test(faults_m, an_interrupt_in_a_shared_handler_is_no_fault)
{
	const fake_reg regs[] = { { "xpsr", 15, 32 }, { NULL, 0, 0 } };
	fake_guest g = { regs, NULL, NULL };
	target_fault f;

	cr_assert_eq(decode(&f, target_by_name("arm"), 3, &g), 0, "SysTick");
}

Test(faults_m, an_unreadable_frame_is_an_error_not_a_guess)
{
	const fake_reg regs[] = { { "xpsr", 3, 32 }, { "lr", 0xfffffff9, 32 },
				  { "msp", 0x2500, 32 }, { NULL, 0, 0 } };
	fake_guest g = { regs, NULL, NULL };
	target_fault f;

	cr_assert_lt(decode(&f, target_by_name("arm"), 3, &g), 0);
	cr_assert_str_eq(f.what, "HardFault", "no fault status: the entry's name");
}

/* --- AArch64 --------------------------------------------------------------- */

Test(faults_aarch64, vectors_are_vbar_of_the_current_el)
{
	const fake_reg regs[] = { { "cpsr", 0x3c5, 32 }, /* EL1h */
				  { "VBAR", 0x40081000, 64 }, { NULL, 0, 0 } };
	fake_guest g = { regs, NULL, NULL };
	target_vector v[TARGET_VECTORS_MAX];
	size_t n = 0;

	cr_assert_eq(vectors(v, &n, target_by_name("aarch64"), &g), 0);
	cr_assert_eq(n, 4);
	cr_assert_eq(v[0].addr, 0x40081200, "current EL, SPx, synchronous");
	cr_assert_eq(v[1].addr, 0x40081380, "current EL, SPx, SError");
	cr_assert_eq(v[2].addr, 0x40081400, "lower EL, synchronous");
}

Test(faults_aarch64, vbar_not_yet_set_is_not_caught)
{
	const fake_reg regs[] = { { "cpsr", 0x3c5, 32 }, { "VBAR", 0, 64 },
				  { NULL, 0, 0 } };
	fake_guest g = { regs, NULL, NULL };
	target_vector v[TARGET_VECTORS_MAX];
	size_t n = 99;

	cr_assert_eq(vectors(v, &n, target_by_name("aarch64"), &g), 0);
	cr_assert_eq(n, 0, "VBAR 0 and its table unreadable: nothing caught");
}

/* VBAR left at 0 (picolibc's crt0 sets none): the entries there that
 * hold no handler (a zero word, UDF) are caught; one with code in it
 * (a firmware image's own, at 0) is left alone. */
Test(faults_aarch64, vbar_zero_catches_only_empty_entries)
{
	static uint8_t table[0x400];
	const fake_reg regs[] = { { "cpsr", 0x3c5, 32 }, { "VBAR", 0, 64 },
				  { NULL, 0, 0 } };
	const fake_mem mem[] = { { 0x200, table, sizeof(table) }, { 0, NULL, 0 } };
	fake_guest g = { regs, mem, NULL };
	target_vector v[TARGET_VECTORS_MAX];
	size_t n = 0;

	cr_assert_eq(vectors(v, &n, target_by_name("aarch64"), &g), 0);
	cr_assert_eq(n, 4, "all four entries empty");
	cr_assert_eq(v[0].addr, 0x200);
	cr_assert_eq(v[2].addr, 0x400);
	table[0] = 0x1f; /* 0xd503201f: nop, at 0x200 */
	table[1] = 0x20;
	table[2] = 0x03;
	table[3] = 0xd5;
	cr_assert_eq(vectors(v, &n, target_by_name("aarch64"), &g), 0);
	cr_assert_eq(n, 3, "0x200 holds code");
	cr_assert_eq(v[0].addr, 0x380);
}

static const fake_reg a64_frame[] = {
	{ "sp", 0x40090000, 64 }, { "x29", 0x4008fff0, 64 },
	{ "x30", 0x4008000c, 64 }, { "ELR_EL1", 0x400803a8, 64 },
	{ "FAR_EL1", 0x1234, 64 },
};

static void a64_regs(fake_reg *out, uint64_t esr)
{
	memcpy(out, a64_frame, sizeof(a64_frame));
	out[5] = (fake_reg){ "ESR_EL1", esr, 64 };
	out[6] = (fake_reg){ NULL, 0, 0 };
}

Test(faults_aarch64, data_abort_names_its_status_code_and_access)
{
	fake_reg regs[8];
	fake_guest g = { regs, NULL, NULL };
	target_fault f;

	/* EC 0x25, WnR, DFSC 0x05: translation fault level 1 */
	a64_regs(regs, (uint64_t)0x25 << 26 | 1u << 25 | 1u << 6 | 0x05);
	cr_assert_eq(decode(&f, target_by_name("aarch64"), 16 + 4, &g), 1);
	cr_assert(strstr(f.what, "data abort: translation fault, level 1, on a write"),
		  "%s", f.what);
	cr_assert_eq(f.pc, 0x400803a8);
	cr_assert_eq(f.has_addr, 1);
	cr_assert_eq(f.addr, 0x1234);
	cr_assert_eq(f.lr, 0x4008000c);
}

Test(faults_aarch64, far_not_valid_is_not_reported)
{
	fake_reg regs[8];
	fake_guest g = { regs, NULL, NULL };
	target_fault f;

	a64_regs(regs, (uint64_t)0x25 << 26 | 1u << 10 | 0x10); /* FnV */
	cr_assert_eq(decode(&f, target_by_name("aarch64"), 16 + 4, &g), 1);
	cr_assert_eq(f.has_addr, 0);
}

Test(faults_aarch64, system_calls_are_no_faults)
{
	fake_reg regs[8];
	fake_guest g = { regs, NULL, NULL };
	target_fault f;

	a64_regs(regs, (uint64_t)0x15 << 26); /* SVC from AArch64 */
	cr_assert_eq(decode(&f, target_by_name("aarch64"), 16 + 8, &g), 0);
	a64_regs(regs, (uint64_t)0x16 << 26); /* HVC */
	cr_assert_eq(decode(&f, target_by_name("aarch64"), 16 + 8, &g), 0);
}

Test(faults_aarch64, an_serror_entry_is_a_fault_whatever_esr_says)
{
	fake_reg regs[8];
	fake_guest g = { regs, NULL, NULL };
	target_fault f;

	a64_regs(regs, (uint64_t)0x15 << 26);
	cr_assert_eq(decode(&f, target_by_name("aarch64"), 16 + 7, &g), 1);
	cr_assert(strncmp(f.what, "SError", 6) == 0, "%s", f.what);
}

Test(faults_aarch64, an_undefined_instruction)
{
	fake_reg regs[8];
	fake_guest g = { regs, NULL, NULL };
	target_fault f;

	a64_regs(regs, 1u << 25);
	cr_assert_eq(decode(&f, target_by_name("aarch64"), 16 + 4, &g), 1);
	cr_assert(strstr(f.what, "undefined instruction"), "%s", f.what);
}

/* msr VBAR_ELn, Xt before it runs: the new base is Xt. */
Test(faults_aarch64, a_vbar_write_is_foretold_by_its_source_register)
{
	const fake_reg el1[] = { { "cpsr", 0x3c5, 32 }, { "x3", 0x40082000, 64 },
				 { NULL, 0, 0 } };
	const fake_reg el2[] = { { "cpsr", 0x3c9, 32 }, { "x0", 0x40090000, 64 },
				 { NULL, 0, 0 } };
	fake_guest g1 = { el1, NULL, NULL }, g2 = { el2, NULL, NULL };
	const target_desc *t = target_by_name("aarch64");

	foretold(t, 0xd518c003, &g1, "VBAR", 0x40082000, "msr vbar_el1, x3");
	foretold(t, 0xd518c01f, &g1, "VBAR", 0, "msr vbar_el1, xzr");
	foretold(t, 0xd518c000, &g2, "VBAR", 0x40090000, "EL2 sets EL1's");
	foretold(t, 0xd51cc000, &g2, "VBAR_EL2", 0x40090000, "msr vbar_el2, x0");
}

/* Below the register's EL the msr traps: nothing to foretell. */
Test(faults_aarch64, a_vbar_write_that_traps_is_left_to_a_read)
{
	const fake_reg el0[] = { { "cpsr", 0x3c0, 32 }, { "x0", 0x40082000, 64 },
				 { NULL, 0, 0 } };
	const fake_reg el1[] = { { "cpsr", 0x3c5, 32 }, { "x0", 0x40082000, 64 },
				 { NULL, 0, 0 } };
	fake_guest g0 = { el0, NULL, NULL }, g1 = { el1, NULL, NULL };
	const target_desc *t = target_by_name("aarch64");
	size_t base;
	uint64_t v;

	cr_assert_eq(predict(&base, &v, t, 0xd518c000, &g0), 0, "EL0");
	cr_assert_eq(predict(&base, &v, t, 0xd51cc000, &g1), 0, "VBAR_EL2 at EL1");
	cr_assert_eq(predict(&base, &v, t, 0xd51ec000, &g1), 0, "VBAR_EL3 at EL1");
}

/* --- RISC-V ---------------------------------------------------------------- */

static void rv_regs(fake_reg *out, uint64_t mcause, uint64_t mtval, int bits)
{
	fake_reg r[] = { { "mcause", mcause, bits }, { "mtval", mtval, bits },
			 { "mepc", 0x8000035e, bits }, { "sp", 0x80010000, bits },
			 { "fp", 0x80010010, bits }, { "ra", 0x80000100, bits },
			 { "mtvec", 0x80000301, bits }, { "stvec", 0, bits },
			 { NULL, 0, 0 } };
	memcpy(out, r, sizeof(r));
}

Test(faults_riscv, mtvec_base_in_direct_or_vectored_mode)
{
	fake_reg regs[9];
	fake_guest g = { regs, NULL, NULL };
	target_vector v[TARGET_VECTORS_MAX];
	size_t n = 0;

	rv_regs(regs, 0, 0, 64);
	cr_assert_eq(vectors(v, &n, target_by_name("riscv64"), &g), 0);
	cr_assert_eq(n, 1, "stvec 0: S-mode unused");
	cr_assert_eq(v[0].addr, 0x80000300, "mode bits cleared");
}

Test(faults_riscv, mtvec_not_yet_set_is_not_caught)
{
	fake_reg regs[9];
	fake_guest g = { regs, NULL, NULL };
	target_vector v[TARGET_VECTORS_MAX];
	size_t n = 99;

	rv_regs(regs, 0, 0, 64);
	regs[6].value = 0; /* mtvec */
	regs[7].value = 0x80000400; /* stvec */
	cr_assert_eq(vectors(v, &n, target_by_name("riscv64"), &g), 0);
	cr_assert_eq(n, 1);
	cr_assert_eq(v[0].addr, 0x80000400);
	cr_assert_eq(v[0].id, 1, "the supervisor's entry");
}

Test(faults_riscv, load_access_fault_with_its_address)
{
	fake_reg regs[9];
	fake_guest g = { regs, NULL, NULL };
	target_fault f;

	rv_regs(regs, 5, 0x10, 64);
	cr_assert_eq(decode(&f, target_by_name("riscv64"), 0, &g), 1);
	cr_assert_str_eq(f.what, "load access fault");
	cr_assert_eq(f.pc, 0x8000035e);
	cr_assert_eq(f.addr, 0x10);
	cr_assert_eq(f.has_addr, 1);
	cr_assert_eq(f.lr, 0x80000100);
}

Test(faults_riscv, interrupts_and_ecalls_are_no_faults)
{
	fake_reg regs[9];
	fake_guest g = { regs, NULL, NULL };
	target_fault f;

	rv_regs(regs, (uint64_t)1 << 63 | 7, 0, 64); /* machine timer */
	cr_assert_eq(decode(&f, target_by_name("riscv64"), 0, &g), 0);
	rv_regs(regs, (uint64_t)1 << 31 | 7, 0, 32);
	cr_assert_eq(decode(&f, target_by_name("riscv32"), 0, &g), 0, "RV32's bit 31");
	rv_regs(regs, 11, 0, 64); /* ecall from M-mode */
	cr_assert_eq(decode(&f, target_by_name("riscv64"), 0, &g), 0);
	rv_regs(regs, 1000, 0, 64); /* a custom cause */
	cr_assert_eq(decode(&f, target_by_name("riscv64"), 0, &g), 0);
}

Test(faults_riscv, illegal_instruction_quotes_it)
{
	fake_reg regs[9];
	fake_guest g = { regs, NULL, NULL };
	target_fault f;

	rv_regs(regs, 2, 0xffffffff, 32);
	cr_assert_eq(decode(&f, target_by_name("riscv32"), 0, &g), 1);
	cr_assert_str_eq(f.what, "illegal instruction 0xffffffff");
	cr_assert_eq(f.has_addr, 0);
}

Test(faults_riscv, unknown_entry_ids_are_errors)
{
	fake_reg regs[9];
	fake_guest g = { regs, NULL, NULL };
	target_fault f;

	rv_regs(regs, 5, 0, 64);
	cr_assert_lt(decode(&f, target_by_name("riscv64"), 7, &g), 0);
}

/* csrrw/csrrwi write their source; csrrs/csrrc set or clear its bits in
 * the old value; t0 is x5. */
Test(faults_riscv, a_tvec_write_is_foretold_by_its_source)
{
	const fake_reg regs[] = { { "t0", 0x80000500, 64 }, { "mtvec", 0x80000301, 64 },
				  { NULL, 0, 0 } };
	fake_guest g = { regs, NULL, NULL };
	const target_desc *t = target_by_name("riscv64");

	foretold(t, 0x30529073, &g, "mtvec", 0x80000500, "csrw mtvec, t0");
	foretold(t, 0x10545073, &g, "stvec", 8, "csrwi stvec, 8");
	foretold(t, 0x3052a073, &g, "mtvec", 0x80000701, "csrs mtvec, t0");
	foretold(t, 0x3050f073, &g, "mtvec", 0x80000300, "csrci mtvec, 1");
	foretold(t, 0x30502073, &g, "mtvec", 0x80000301, "csrr: no write");
}

/* Modes 2 and 3 are reserved: what the hart keeps is read afterwards. */
Test(faults_riscv, a_reserved_mode_is_left_to_a_read)
{
	const fake_reg regs[] = { { "t0", 0x80000502, 64 }, { NULL, 0, 0 } };
	fake_guest g = { regs, NULL, NULL };
	size_t base;
	uint64_t v;

	cr_assert_eq(predict(&base, &v, target_by_name("riscv64"), 0x30529073, &g), 0);
}

Test(faults_table, every_target_but_real_mode_catches_faults)
{
	static const char *const names[] = { "x86_64", "i386", "aarch64", "arm",
					     "riscv64", "riscv32" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		cr_assert_not_null(target_by_name(names[i])->faults, "%s", names[i]);
	cr_assert_null(target_by_name("i8086")->faults, "a boot sector's BIOS");
}

/* --- A-profile Arm ------------------------------------------------------- */

#define A_SVC 0x1d3        /* cpsr: SVC mode, IRQ and FIQ masked */
#define A_UND 0x1db
#define A_ABT 0x1d7

/* vectors() of an A-profile guest in SVC mode with these SCTLR and VBAR
 * (memory unreadable). */
static size_t a_vectors_for(target_vector *v, uint64_t sctlr, uint64_t vbar)
{
	const fake_reg regs[] = { { "cpsr", A_SVC, 32 }, { "SCTLR", sctlr, 32 },
				  { "VBAR", vbar, 32 }, { NULL, 0, 0 } };
	fake_guest g = { regs, NULL, NULL };
	size_t n = 0;

	cr_assert_eq(vectors(v, &n, target_by_name("arm"), &g), 0);
	return n;
}

/* The id vectors() gives the entry `off` bytes into a table at VBAR. */
static int a_entry_id(unsigned off)
{
	target_vector v[TARGET_VECTORS_MAX];
	size_t n = a_vectors_for(v, 0, 0x1000);

	for (size_t i = 0; i < n; i++)
		if (v[i].addr == 0x1000 + off)
			return v[i].id;
	cr_assert_fail("no entry at VBAR + 0x%x", off);
	return -1;
}

Test(faults_a, vectors_are_undef_and_the_aborts_at_vbar)
{
	target_vector v[TARGET_VECTORS_MAX];

	cr_assert_eq(a_vectors_for(v, 0, 0x80000020), 3,
		     "whatever the table holds: VBAR was set");
	cr_assert_eq(v[0].addr, 0x80000024, "undefined instruction");
	cr_assert_eq(v[1].addr, 0x8000002c, "prefetch abort");
	cr_assert_eq(v[2].addr, 0x80000030, "data abort");
	cr_assert(v[0].id != v[1].id && v[1].id != v[2].id);
}

Test(faults_a, sctlr_v_moves_the_table_high)
{
	target_vector v[TARGET_VECTORS_MAX];

	cr_assert_eq(a_vectors_for(v, 0xc50078 | 1u << 13, 0x80000000), 3);
	cr_assert_eq(v[0].addr, 0xffff0004);
}

Test(faults_a, vbar_zero_catches_only_empty_entries)
{
	/* 0: reset, undef: empty, svc and prefetch abort: a branch to a
	 * handler, data abort: erased flash */
	static const uint32_t table[] = { 0xea000006, 0, 0xea000010, 0xea000010,
					  0xffffffffu };
	const fake_reg regs[] = { { "cpsr", A_SVC, 32 }, { "SCTLR", 0xc50078, 32 },
				  { "VBAR", 0, 32 }, { NULL, 0, 0 } };
	const fake_mem mem[] = { { 0, table, sizeof(table) }, { 0, NULL, 0 } };
	fake_guest g = { regs, mem, NULL };
	target_vector v[TARGET_VECTORS_MAX];
	size_t n = 0;

	cr_assert_eq(vectors(v, &n, target_by_name("arm"), &g), 0);
	cr_assert_eq(n, 2, "the prefetch abort entry holds code");
	cr_assert_eq(v[0].addr, 0x4);
	cr_assert_eq(v[1].addr, 0x10);
	g.mem = NULL;
	cr_assert_eq(vectors(v, &n, target_by_name("arm"), &g), 0);
	cr_assert_eq(n, 0, "an unreadable table is not guessed at");
}

/* A guest halted at an entry, in `mode`, with lr and the fault registers. */
static void a_regs(fake_reg *out, uint64_t mode, uint64_t lr)
{
	out[0] = (fake_reg){ "cpsr", mode, 32 };
	out[1] = (fake_reg){ "lr", lr, 32 };
	out[2] = (fake_reg){ "r11", 0x87ffafec, 32 };
	out[3] = (fake_reg){ "r7", 0x87ffaf00, 32 };
	out[4] = (fake_reg){ "DFSR", 0x801, 32 };  /* write, alignment */
	out[5] = (fake_reg){ "DFAR", 0x1001, 32 };
	out[6] = (fake_reg){ "IFSR", 0x8, 32 };    /* external abort */
	out[7] = (fake_reg){ "IFAR", 0x90000000, 32 };
	out[8] = (fake_reg){ NULL, 0, 0 };
}

Test(faults_a, undefined_arm_instruction_is_four_before_lr)
{
	static const uint8_t udf[] = { 0xf0, 0x00, 0xf0, 0xe7 }; /* udf #0 */
	const fake_mem mem[] = { { 0x80010294, udf, 4 }, { 0, NULL, 0 } };
	fake_reg regs[9];
	fake_guest g = { regs, mem, NULL };
	target_fault f;

	a_regs(regs, A_UND, 0x80010298);
	cr_assert_eq(decode(&f, target_by_name("arm"), a_entry_id(0x04), &g), 1);
	cr_assert_str_eq(f.what, "undefined instruction");
	cr_assert_eq(f.pc, 0x80010294);
	cr_assert_eq(f.fp, 0x87ffafec, "ARM code's frame pointer is r11");
	cr_assert_eq(f.has_lr, 0, "LR_svc is banked away");
	cr_assert_eq(f.has_addr, 0);
}

Test(faults_a, undefined_thumb_instruction_is_two_before_lr)
{
	static const uint8_t udf[] = { 0x00, 0xde, 0x00, 0xbf }; /* udf; nop */
	const fake_mem mem[] = { { 0x80010288, udf, 4 }, { 0, NULL, 0 } };
	fake_reg regs[9];
	fake_guest g = { regs, mem, NULL };
	target_fault f;
	int id = a_entry_id(0x04);

	a_regs(regs, A_UND, 0x8001028a); /* not word-aligned: Thumb */
	cr_assert_eq(decode(&f, target_by_name("arm"), id, &g), 1);
	cr_assert_eq(f.pc, 0x80010288);
	cr_assert_eq(f.fp, 0x87ffaf00, "Thumb code's frame pointer is r7");
	a_regs(regs, A_UND, 0x8001028a + 2); /* word-aligned: the UDF says */
	g.mem = (const fake_mem[]){ { 0x8001028a, udf, 2 }, { 0, NULL, 0 } };
	cr_assert_eq(decode(&f, target_by_name("arm"), id, &g), 1);
	cr_assert_eq(f.pc, 0x8001028a);
}

/* Each abort at its entry: its status register named, the faulting
 * instruction at its offset before LR_abt, the address register read. */
Test(faults_a, aborts_name_their_status_and_address)
{
	static const struct {
		unsigned entry;
		uint64_t lr, pc, addr;
		const char *what;
	} cases[] = {
		{ 0x10, 0x80001008, 0x80001000, 0x1001,
		  "data abort: alignment fault, on a write (DFSR 0x00000801)" },
		{ 0x0c, 0x90000004, 0x90000000, 0x90000000,
		  "prefetch abort: synchronous external abort (IFSR 0x00000008)" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fake_reg regs[9];
		fake_guest g = { regs, NULL, NULL };
		target_fault f;

		a_regs(regs, A_ABT, cases[i].lr);
		cr_assert_eq(decode(&f, target_by_name("arm"),
				    a_entry_id(cases[i].entry), &g), 1);
		cr_expect_str_eq(f.what, cases[i].what);
		cr_expect_eq(f.pc, cases[i].pc, "%s", cases[i].what);
		cr_expect_eq(f.has_addr, 1, "%s", cases[i].what);
		cr_expect_eq(f.addr, cases[i].addr, "%s", cases[i].what);
	}
}

/* Under LPAE (DFSR bit 9) the status is AArch64's fault status code. */
Test(faults_a, lpae_status_is_the_long_descriptor_code)
{
	fake_reg regs[9];
	fake_guest g = { regs, NULL, NULL };
	target_fault f;

	a_regs(regs, A_ABT, 0x80001008);
	regs[4].value = 1u << 9 | 0x21;
	cr_assert_eq(decode(&f, target_by_name("arm"), a_entry_id(0x10), &g), 1);
	cr_expect_str_eq(f.what, "data abort: alignment fault, on a read "
			 "(DFSR 0x00000221)");
	regs[4].value = 1u << 9 | 0x05;
	cr_assert_eq(decode(&f, target_by_name("arm"), a_entry_id(0x10), &g), 1);
	cr_expect_str_eq(f.what, "data abort: translation fault, level 1, on a "
			 "read (DFSR 0x00000205)");
}

/* vexpress-a15 boots an image in Secure state: the live DFSR and DFAR
 * are the Secure copies, which QEMU names DFSR_S and DFAR_S. */
Test(faults_a, secure_state_reads_the_secure_bank)
{
	fake_reg regs[12];
	fake_guest g = { regs, NULL, NULL };
	target_fault f;

	a_regs(regs, A_ABT, 0x80001008);
	regs[8] = (fake_reg){ "SCR", 0, 32 };           /* NS clear */
	regs[9] = (fake_reg){ "DFSR_S", 0x1, 32 };      /* alignment */
	regs[10] = (fake_reg){ "DFAR_S", 0x8002001d, 32 };
	regs[11] = (fake_reg){ NULL, 0, 0 };
	cr_assert_eq(decode(&f, target_by_name("arm"), a_entry_id(0x10), &g), 1);
	cr_expect_str_eq(f.what, "data abort: alignment fault, on a read "
			 "(DFSR 0x00000001)");
	cr_expect_eq(f.addr, 0x8002001d);
	regs[8].value = 1; /* NS set: the Non-secure copies */
	cr_assert_eq(decode(&f, target_by_name("arm"), a_entry_id(0x10), &g), 1);
	cr_expect_eq(f.addr, 0x1001);
}

Test(faults_a, an_entry_reached_in_another_mode_is_no_fault)
{
	fake_reg regs[9];
	fake_guest g = { regs, NULL, NULL };
	target_fault f;

	/* an SVC whose empty entry falls through to the next ones */
	a_regs(regs, 0x1d3, 0x8000100c);
	cr_assert_eq(decode(&f, target_by_name("arm"), a_entry_id(0x0c), &g), 0);
	cr_assert_eq(decode(&f, target_by_name("arm"), a_entry_id(0x04), &g), 0);
	a_regs(regs, A_UND, 0x8000100c);
	cr_assert_eq(decode(&f, target_by_name("arm"), a_entry_id(0x10), &g), 0,
		     "an undefined instruction is not a data abort");
}

Test(faults_a, vbar_and_sctlr_writes_in_arm_and_thumb)
{
	static const struct { uint8_t b[4]; unsigned len; const char *what; } w[] = {
		{ { 0x10, 0x0f, 0x0c, 0xee }, 4, "mcr p15, 0, r0, c12, c0, 0" },
		{ { 0x10, 0x3f, 0x0c, 0x0e }, 4, "mcreq p15, 0, r3, c12, c0, 0" },
		{ { 0x10, 0x0f, 0x01, 0xee }, 4, "mcr p15, 0, r0, c1, c0, 0" },
		{ { 0x0c, 0xee, 0x10, 0x2f }, 4, "Thumb: mcr p15, 0, r2, c12, c0, 0" },
		{ { 0x01, 0xee, 0x10, 0x0f }, 4, "Thumb: mcr p15, 0, r0, c1, c0, 0" },
		{ { 0x10, 0x0f, 0x1c, 0xee }, 0, "mrc p15, 0, r0, c12, c0, 0 (a read)" },
		{ { 0x30, 0x0f, 0x0c, 0xee }, 0, "mcr p15, 0, r0, c12, c0, 1 (MVBAR)" },
		{ { 0x10, 0x0a, 0x0c, 0xee }, 0, "cp10: a VFP instruction" },
	};
	const target_faults *f = target_by_name("arm")->faults;

	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		cr_expect_eq(f->vector_write(w[i].b, 4), w[i].len, "%s", w[i].what);
	cr_expect_eq(f->vector_write(w[0].b, 3), 0, "three bytes are no write");
}

/* --- x86 ------------------------------------------------------------------- */

Test(faults_x86, lidt_lengths_follow_the_addressing_form)
{
	const target_faults *f = target_by_name("x86_64")->faults;
	static const struct { uint8_t b[8]; size_t n; unsigned len; } cases[] = {
		{ { 0x0f, 0x01, 0x18 }, 3, 3 },                  /* lidt [rax] */
		{ { 0x0f, 0x01, 0x1d, 1, 2, 3, 4 }, 7, 7 },      /* lidt [rip+d32] */
		{ { 0x0f, 0x01, 0x5d, 0x08 }, 4, 4 },            /* lidt [rbp+8] */
		{ { 0x0f, 0x01, 0x9c, 0x24, 1, 2, 3, 4 }, 8, 8 },/* [rsp+d32] SIB */
		{ { 0x0f, 0x01, 0x1c, 0x25, 1, 2, 3, 4 }, 8, 8 },/* [d32] SIB, no base */
		{ { 0x0f, 0x01, 0x10 }, 3, 0 },                  /* lgdt: /2 */
		{ { 0x0f, 0x01, 0xd8 }, 3, 0 },                  /* a register form */
		{ { 0x0f, 0x01, 0x1d, 1 }, 4, 0 },               /* cut short */
		{ { 0x0f, 0x01 }, 2, 0 },
	};

	cr_assert_eq(f->write_align, 1);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		cr_expect_eq(f->vector_write(cases[i].b, cases[i].n), cases[i].len,
			     "case %zu", i);
}

Test(faults_x86, vectors_come_from_the_idt_the_monitor_names)
{
	static uint8_t idt[16 * 15];
	const fake_reg regs[] = { { "efer", 0x500, 64 }, { NULL, 0, 0 } };
	const fake_mem mem[] = { { 0x2000, idt, sizeof(idt) }, { 0, 0, 0 } };
	fake_guest g = { regs, mem, "EAX=0\nIDT=     0000000000002000 000000ef\n" };
	target_vector v[TARGET_VECTORS_MAX];
	size_t n = 0;

	/* #UD's gate present at 0x1122334455667788, #GP's not present */
	uint8_t *ud = idt + 6 * 16, *gp = idt + 13 * 16;
	ud[0] = 0x88; ud[1] = 0x77; ud[6] = 0x66; ud[7] = 0x55;
	ud[8] = 0x44; ud[9] = 0x33; ud[10] = 0x22; ud[11] = 0x11; ud[5] = 0x8e;
	gp[5] = 0x0e;
	cr_assert_eq(vectors(v, &n, target_by_name("x86_64"), &g), 0);
	cr_assert_eq(n, 1, "#PF's gate is past the limit, #GP's absent");
	cr_assert_eq(v[0].addr, 0x1122334455667788ull);
	cr_assert_eq(v[0].id, 6);

	g.monitor = "IDT=     00000000 0000ffff\n";
	memset(idt, 0, sizeof(idt));
	cr_assert_eq(vectors(v, &n, target_by_name("i386"), &g), 0);
	cr_assert_eq(n, 0, "all gates absent");
	g.monitor = "no such line";
	cr_assert_eq(vectors(v, &n, target_by_name("i386"), &g), 0);
	cr_assert_eq(n, 0);
}

Test(faults_x86, page_fault_in_long_mode_with_its_error_code_and_cr2)
{
	/* err, rip, cs, rflags, rsp, ss */
	static const uint64_t frame[] = { 0x2, 0x100123, 0x8, 0x202, 0x7ff0, 0x10 };
	const fake_reg regs[] = { { "efer", 0x500, 64 }, { "rsp", 0x7f00, 64 },
				  { "rbp", 0x7f80, 64 }, { "cr2", 0xdead0000, 64 },
				  { "cs", 0x8, 32 }, { NULL, 0, 0 } };
	const fake_mem mem[] = { { 0x7f00, frame, sizeof(frame) }, { 0, 0, 0 } };
	fake_guest g = { regs, mem, NULL };
	target_fault f;

	cr_assert_eq(decode(&f, target_by_name("x86_64"), 14, &g), 1);
	cr_assert_str_eq(f.what, "#PF page fault (error 0x2: not present, write, kernel)");
	cr_assert_eq(f.pc, 0x100123);
	cr_assert_eq(f.sp, 0x7ff0, "the pushed RSP");
	cr_assert_eq(f.addr, 0xdead0000);
	cr_assert_eq(f.has_lr, 0, "x86 keeps its return address on the stack");
}

Test(faults_x86, a_shared_handler_tells_ud2_from_the_frame)
{
	/* 32-bit: eip, cs, eflags; ud2 at the eip */
	static const uint32_t frame[] = { 0x1000, 0x8, 0x202 };
	static const uint8_t code[] = { 0x0f, 0x0b };
	const fake_reg regs[] = { { "esp", 0x5000, 32 }, { "ebp", 0x5100, 32 },
				  { "cs", 0x8, 32 }, { NULL, 0, 0 } };
	const fake_mem mem[] = { { 0x5000, frame, sizeof(frame) },
				 { 0x1000, code, sizeof(code) }, { 0, 0, 0 } };
	static const uint8_t gate[8] = { 0x00, 0x30, 0x08, 0, 0, 0x8e, 0, 0 };
	static uint8_t idt[8 * 15];
	const fake_mem idt_mem[] = { { 0x9000, idt, sizeof(idt) }, { 0, 0, 0 } };
	fake_guest gi = { regs, idt_mem, "IDT=     00009000 00000077\n" };
	fake_guest g = { regs, mem, NULL };
	target_vector v[TARGET_VECTORS_MAX];
	target_fault f;
	size_t n = 0;

	/* every caught gate at one handler: their ids say "shared" */
	for (int vec = 0; vec < 15; vec++)
		memcpy(idt + vec * 8, gate, 8);
	cr_assert_eq(vectors(v, &n, target_by_name("i386"), &gi), 0);
	cr_assert_eq(n, 5);
	for (size_t i = 1; i < n; i++)
		cr_assert_eq(v[i].id, v[0].id);
	cr_assert_eq(decode(&f, target_by_name("i386"), v[0].id, &g), 1);
	cr_assert_str_eq(f.what, "#UD invalid opcode");
	cr_assert_eq(f.pc, 0x1000);
	cr_assert_eq(f.sp, 0x5000 + 12);
}
