/* The fault catch of the Arm target (targets/arm.c): M-profile's vector
 * table and System Control Block, A-profile's exception vectors and fault
 * status registers, and the CP15 writes that move the A-profile table. */
#include "arm.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/*
 * M-profile fault catch (Armv7-M ARM, B1.5 and B3.2): the HardFault,
 * MemManage, BusFault and UsageFault entries of the vector table that VTOR
 * points at (exceptions 3..6), and the System Control Block's fault status
 * registers, read through the stub. A-profile boards: a_vectors() below.
 */
#define M_VTOR 0xe000ed08u
#define M_CFSR 0xe000ed28u     /* then HFSR, DFSR, MMFAR, BFAR */
#define M_EXC_HARDFAULT 3
#define M_EXC_USAGEFAULT 6

static int m_vectors(target_vector *v, size_t *n, const target_io *io)
{
	uint32_t vtor = 0, entry[4];

	*n = 0;
	if (io->mem(&vtor, M_VTOR, 4, io->arg) < 0)
		vtor = 0; /* VTOR's reset value */
	vtor &= ~0x7fu;
	if (io->mem(entry, (uint64_t)vtor + 4u * M_EXC_HARDFAULT, sizeof(entry),
		    io->arg) < 0)
		return 0;
	for (int i = 0; i < 4; i++) {
		uint32_t at = entry[i] & ~1u;
		if (entry[i] == 0 || entry[i] == 0xffffffffu)
			continue; /* no handler: the table is not there */
		v[(*n)++] = (target_vector){ at, M_EXC_HARDFAULT + i };
	}
	return 0;
}

/* The fault status bits (Armv7-M ARM B3.2.15, CFSR = UFSR:BFSR:MMFSR). */
static const struct m_fault_bit {
	int bit;                  /* in CFSR, or 32 + bit of HFSR */
	const char *cls, *name;
} m_fault_bits[] = {
	{ 16, "UsageFault", "UNDEFINSTR" }, { 17, "UsageFault", "INVSTATE" },
	{ 18, "UsageFault", "INVPC" }, { 19, "UsageFault", "NOCP" },
	{ 20, "UsageFault", "STKOF" }, { 24, "UsageFault", "UNALIGNED" },
	{ 25, "UsageFault", "DIVBYZERO" },
	{ 8, "BusFault", "IBUSERR" }, { 9, "BusFault", "PRECISERR" },
	{ 10, "BusFault", "IMPRECISERR" }, { 11, "BusFault", "UNSTKERR" },
	{ 12, "BusFault", "STKERR" }, { 13, "BusFault", "LSPERR" },
	{ 0, "MemManage", "IACCVIOL" }, { 1, "MemManage", "DACCVIOL" },
	{ 3, "MemManage", "MUNSTKERR" }, { 4, "MemManage", "MSTKERR" },
	{ 5, "MemManage", "MLSPERR" },
	{ 32 + 1, "HardFault", "VECTTBL" }, { 32 + 31, "HardFault", "DEBUGEVT" },
};

#define M_BFARVALID (1u << 15)
#define M_MMARVALID (1u << 7)

static void m_fault_name(target_fault *f, uint32_t cfsr, uint32_t hfsr,
			 int exc)
{
	static const char *const exc_names[] = { "HardFault", "MemManage",
						  "BusFault", "UsageFault" };
	uint64_t both = (uint64_t)hfsr << 32 | cfsr;
	const char *cls = NULL;
	size_t at = 0;

	for (size_t i = 0; i < sizeof(m_fault_bits) / sizeof(m_fault_bits[0]); i++) {
		const struct m_fault_bit *b = &m_fault_bits[i];
		if (!(both >> b->bit & 1) || (cls && strcmp(cls, b->cls)))
			continue;
		at += (size_t)snprintf(f->what + at, sizeof(f->what) - at,
				       cls ? " %s" : "%s: %s",
				       cls ? b->name : b->cls, b->name);
		cls = b->cls;
		if (at >= sizeof(f->what))
			break;
	}
	if (!cls)
		snprintf(f->what, sizeof(f->what), "%s",
			 exc_names[exc - M_EXC_HARDFAULT]);
}

/* The frame the hardware stacked: r0-r3, r12, lr, pc, xpsr on the stack
 * that EXC_RETURN (lr at the handler's entry) names; the faulting code's
 * sp is above it (8 words, 18 more with the FP state, 1 of alignment). */
static int m_frame(target_fault *f, const target_io *io)
{
	uint64_t exc_return, sp = 0, fp = 0;
	uint32_t frame[8];
	int bits;

	if (io->reg(&exc_return, &bits, "lr", io->arg) < 0)
		return -1;
	if (io->reg(&sp, &bits, (exc_return & 4) ? "psp" : "msp", io->arg) < 0 &&
	    io->reg(&sp, &bits, "sp", io->arg) < 0)
		return -1;
	if (io->mem(frame, sp, sizeof(frame), io->arg) < 0)
		return -1;
	io->reg(&fp, &bits, "r7", io->arg);
	f->pc = frame[6] & ~1u;
	f->lr = frame[5];
	f->has_lr = 1;
	f->fp = fp;
	f->sp = sp + 0x20 + ((exc_return & 0x10) ? 0 : 0x48) +
		((frame[7] >> 9 & 1) ? 4 : 0);
	return 0;
}

static int m_decode(target_fault *f, int id, const target_io *io)
{
	uint64_t xpsr;
	uint32_t scb[5] = { 0 }; /* CFSR HFSR DFSR MMFAR BFAR */
	int bits, exc;

	(void)id; /* handlers are often shared: IPSR says which ran */
	memset(f, 0, sizeof(*f));
	if (io->reg(&xpsr, &bits, "xpsr", io->arg) < 0)
		return -1;
	exc = (int)(xpsr & 0x1ff);
	if (exc < M_EXC_HARDFAULT || exc > M_EXC_USAGEFAULT)
		return 0; /* an interrupt sharing the handler */
	if (io->mem(scb, M_CFSR, sizeof(scb), io->arg) < 0)
		memset(scb, 0, sizeof(scb)); /* v6-M has no CFSR */
	m_fault_name(f, scb[0], scb[1], exc);
	if (scb[0] & M_BFARVALID && (scb[0] & 0xff00)) {
		f->addr = scb[4];
		f->has_addr = 1;
	} else if (scb[0] & M_MMARVALID && (scb[0] & 0xff)) {
		f->addr = scb[3];
		f->has_addr = 1;
	}
	return m_frame(f, io) < 0 ? -1 : 1;
}

/*
 * A-profile fault catch (Armv7-A ARM, B1.8): the Undefined Instruction,
 * Prefetch Abort and Data Abort entries of the vector table at VBAR, or
 * at 0xffff0000 when SCTLR.V asks for the high vectors, and DFSR/DFAR or
 * IFSR/IFAR read at the entry, each in the bank of the CPU's security
 * state. The exception's own mode holds the faulting code's return:
 * LR_und or LR_abt, at a fixed offset from the faulting instruction.
 * QEMU's stub shows no banked register of another mode, so the faulting
 * code's SP, LR and SPSR cannot be read there: its frame pointer (not
 * banked) is what the backtrace has beyond the pc.
 */
#define A_SCTLR_V (1u << 13)
#define A_HIGH_VECTORS 0xffff0000u
#define A_UNDEF 0x04
#define A_PREFETCH_ABORT 0x0c
#define A_DATA_ABORT 0x10
#define A_MODE_ABT 0x17
#define A_MODE_UND 0x1b
/* An entry's id: its offset, above M-profile's exception numbers. */
#define A_ID(off) (0x100 + (off))
#define A_SCR_NS 1u

/* Whether the CPU runs in Secure state (SCR.NS clear), where QEMU's stub
 * names the live copy of each banked register NAME_S (vexpress-a15 boots
 * an image so); a CPU without the Security Extensions has no SCR. */
static int a_secure(const target_io *io)
{
	uint64_t scr;
	int bits;

	return io->reg(&scr, &bits, "SCR", io->arg) == 0 && !(scr & A_SCR_NS);
}

/* A system register as the CPU sees it: the Secure copy in Secure state
 * when the register is banked, else the one copy. */
static int a_sysreg(uint64_t *v, const char *name, int secure,
		    const target_io *io)
{
	char banked[16];
	int bits;

	snprintf(banked, sizeof(banked), "%s_S", name);
	if (secure && io->reg(v, &bits, banked, io->arg) == 0)
		return 0;
	return io->reg(v, &bits, name, io->arg);
}

/* Whether a vector-table word holds no handler: 0 (QEMU's memory at 0
 * on virt and vexpress when no firmware is loaded, an AND that falls
 * through to the next entry) or erased flash. */
static int a_entry_empty(uint32_t word)
{
	return word == 0 || word == 0xffffffffu;
}

static int a_vectors(target_vector *v, size_t *n, const target_io *io)
{
	static const unsigned offsets[] = { A_UNDEF, A_PREFETCH_ABORT,
					    A_DATA_ABORT };
	uint64_t sctlr, vbar = 0;
	uint32_t table[A_DATA_ABORT / 4 + 1];
	int secure = a_secure(io);

	*n = 0;
	if (a_sysreg(&sctlr, "SCTLR", secure, io) < 0)
		return 0; /* no system registers: nothing is caught */
	if (sctlr & A_SCTLR_V)
		vbar = A_HIGH_VECTORS;
	else if (a_sysreg(&vbar, "VBAR", secure, io) < 0)
		vbar = 0; /* no Security Extensions: the vectors stay at 0 */
	vbar &= ~(uint64_t)0x1f;
	/* VBAR 0 is the reset value a guest that sets none keeps (newlib's
	 * stock A-profile crt0): only an empty entry is caught there, where
	 * a firmware image's own handlers may be. */
	if (vbar == 0 && io->mem(table, 0, sizeof(table), io->arg) < 0)
		return 0;
	for (size_t i = 0; i < sizeof(offsets) / sizeof(offsets[0]); i++) {
		if (vbar == 0 && !a_entry_empty(table[offsets[i] / 4]))
			continue;
		v[(*n)++] = (target_vector){ vbar + offsets[i], A_ID(offsets[i]) };
	}
	return 0;
}

static int arm_vectors(target_vector *v, size_t *n, const target_io *io)
{
	uint64_t xpsr;
	int bits;

	return io->reg(&xpsr, &bits, "xpsr", io->arg) == 0 ? m_vectors(v, n, io)
							    : a_vectors(v, n, io);
}

/* The fault status of DFSR or IFSR in the short-descriptor format
 * (Armv7-A ARM B3.13.3: FS is bits 10 and 3:0); LPAE's long format
 * (bit 9) is AArch64's fault status code. */
static void a_status(char *buf, size_t len, uint32_t fsr)
{
	static const struct { unsigned fs; const char *name; } shorts[] = {
		{ 0x01, "alignment fault" }, { 0x02, "debug event" },
		{ 0x03, "access flag fault, section" },
		{ 0x06, "access flag fault, page" },
		{ 0x05, "translation fault, section" },
		{ 0x07, "translation fault, page" },
		{ 0x08, "synchronous external abort" },
		{ 0x09, "domain fault, section" }, { 0x0b, "domain fault, page" },
		{ 0x0d, "permission fault, section" },
		{ 0x0f, "permission fault, page" },
		{ 0x16, "asynchronous external abort" },
	};
	unsigned fs = (fsr >> 6 & 0x10) | (fsr & 0xf);

	if (fsr & (1u << 9)) {
		target_arm_fsc(buf, len, fsr & 0x3f);
		return;
	}
	for (size_t i = 0; i < sizeof(shorts) / sizeof(shorts[0]); i++)
		if (shorts[i].fs == fs) {
			snprintf(buf, len, "%s", shorts[i].name);
			return;
		}
	snprintf(buf, len, "fault status 0x%02x", fs);
}

/* Whether the undefined instruction LR_und follows was Thumb: LR_und is
 * its address + 2 in Thumb state (for 32-bit instructions too), + 4 in
 * ARM state, and SPSR_und, which says, is not readable. An LR that is
 * not word-aligned can only follow Thumb code; otherwise a Thumb UDF or
 * UDF.W starting just before it says Thumb. */
static int a_undef_thumb(uint64_t lr, const target_io *io)
{
	uint16_t half;

	if (lr & 2)
		return 1;
	return io->mem(&half, lr - 2, sizeof(half), io->arg) == 0 &&
	       ((half & 0xff00) == 0xde00 || (half & 0xfff0) == 0xf7f0);
}

static int a_decode(target_fault *f, int id, const target_io *io)
{
	uint64_t cpsr, lr, fsr = 0, far = 0, fp = 0;
	int bits, undef = id == A_ID(A_UNDEF), data = id == A_ID(A_DATA_ABORT);
	int thumb, secure;
	char status[64] = "";

	memset(f, 0, sizeof(*f));
	if (io->reg(&cpsr, &bits, "cpsr", io->arg) < 0 ||
	    io->reg(&lr, &bits, "lr", io->arg) < 0)
		return -1;
	if ((cpsr & 0x1f) != (undef ? A_MODE_UND : A_MODE_ABT))
		return 0; /* reached otherwise: a branch, a fall-through */
	thumb = undef && a_undef_thumb(lr, io);
	io->reg(&fp, &bits, thumb ? "r7" : "r11", io->arg);
	secure = undef ? 0 : a_secure(io);
	if (!undef && a_sysreg(&fsr, data ? "DFSR" : "IFSR", secure, io) == 0) {
		a_status(status, sizeof(status), (uint32_t)fsr);
		if (a_sysreg(&far, data ? "DFAR" : "IFAR", secure, io) == 0) {
			f->addr = far;
			f->has_addr = 1;
		}
	}
	if (undef)
		snprintf(f->what, sizeof(f->what), "undefined instruction");
	else
		snprintf(f->what, sizeof(f->what), "%s: %s%s (%s 0x%08" PRIx64 ")",
			 data ? "data abort" : "prefetch abort", status,
			 data ? (fsr >> 11 & 1 ? ", on a write" : ", on a read") : "",
			 data ? "DFSR" : "IFSR", fsr);
	f->pc = (lr - (undef ? (thumb ? 2 : 4) : data ? 8 : 4)) & 0xffffffffu;
	f->fp = fp;
	return 1;
}

static int arm_decode(target_fault *f, int id, const target_io *io)
{
	return id >= A_ID(0) ? a_decode(f, id, io) : m_decode(f, id, io);
}

/* mcr p15, 0, Rt, c12, c0, 0 (VBAR) and mcr p15, 0, Rt, c1, c0, 0
 * (SCTLR, whose V bit moves the table), in ARM (any condition) or Thumb
 * encoding. M-profile code has no CP15: a look-alike word there costs one
 * more reading of the table. */
static unsigned arm_vector_write(const uint8_t *p, size_t avail)
{
	uint32_t arm, thumb;

	if (avail < 4)
		return 0;
	arm = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	      (uint32_t)p[3] << 24;
	thumb = arm << 16 | arm >> 16; /* first halfword high */
	arm &= 0x0fff0fffu;
	thumb &= 0xffff0fffu;
	return arm == 0x0e0c0f10u || arm == 0x0e010f10u ||
	       thumb == 0xee0c0f10u || thumb == 0xee010f10u ? 4 : 0;
}

const target_faults target_arm_faults = { arm_vectors, arm_decode,
					 arm_vector_write, 2, 1, NULL, NULL };
