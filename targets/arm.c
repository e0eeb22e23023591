/* Target description: Arm Cortex-M (Thumb) under qemu-system-arm (mps2-an385). */
#include "arm.h"

#include <capstone/capstone.h>
#include <elf.h>
#include <stdio.h>
#include <string.h>

/*
 * M-profile executes Thumb only, and Thumb code keeps its frame pointer in
 * r7 (r11 is the A32 one): GCC and clang both use r7 with -mthumb. The walk
 * expects the AAPCS frame record {r7, lr} at r7 (clang's and GCC's layout
 * for functions without locals); GCC places r7 below its locals otherwise,
 * so unwind.c prefers the .debug_frame CFI that -g emits and validates
 * every return address it reads. A-profile boards are reached by the user
 * overriding machine and cpu.
 */
static const char *const arm_extra_args[] = { "-nic", "user,restrict=on",
					      TARGET_ARM_AUDIO_OFF, NULL };

/* A-profile boards reached with --machine (hw/arm/virt.c, vexpress.c; 128
 * MiB by default). mps2 is absent: its images name their heap, and its
 * several SRAMs make QEMU's "largest region" rule no help. */
static const target_ram arm_ram[] = {
	{ "virt", 0x40000000, 128u << 20 },
	{ "vexpress-a9", 0x60000000, 128u << 20 },
	{ "vexpress-a15", 0x80000000, 128u << 20 },
	{ "vexpress-a7", 0x80000000, 128u << 20 },
	{ NULL, 0, 0 },
};


/*
 * M-profile fault catch (Armv7-M ARM, B1.5 and B3.2): the HardFault,
 * MemManage, BusFault and UsageFault entries of the vector table that VTOR
 * points at (exceptions 3..6), and the System Control Block's fault status
 * registers, read through the stub. A-profile boards have none here.
 */
#define M_VTOR 0xe000ed08u
#define M_CFSR 0xe000ed28u     /* then HFSR, DFSR, MMFAR, BFAR */
#define M_EXC_HARDFAULT 3
#define M_EXC_USAGEFAULT 6

static int m_vectors(target_vector *v, size_t *n, const target_io *io)
{
	uint64_t xpsr;
	uint32_t vtor = 0, entry[4];
	int bits;

	*n = 0;
	if (io->reg(&xpsr, &bits, "xpsr", io->arg) < 0)
		return 0; /* A-profile: no M-profile vector table */
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

static const target_faults arm_faults = { m_vectors, m_decode, NULL, 0, 1,
					  NULL, NULL };

/*
 * Build attributes (Arm IHI 0045, "Build attributes"): the board whose CPU
 * runs the image. The default, mps2-an385, has a Cortex-M3 (Armv7-M, no
 * FPU); an Armv7E-M image (Cortex-M4 or M7: DSP instructions, often an FPU
 * that picolibc's and newlib's start-up code turns on) faults there at its
 * first such instruction (UsageFault NOCP or UNDEFINSTR). mps2-an386
 * (Cortex-M4F) and mps2-an500 (Cortex-M7, double-precision FPv5) keep
 * an385's memory map (SSRAM at 0 and at 0x20000000), so the same linker
 * script runs there. Armv8-M boards (mps2-an505, ...) map memory another
 * way: an image for one is linked for it, and --machine names it.
 * Little-endian images only (big-endian lengths fail the bounds: default).
 */
#define ATTR_FORMAT 'A'
#define ATTR_VENDOR "aeabi"
#define ATTR_FILE 1               /* the file-scope attributes */
#define ATTR_CPU_RAW_NAME 4       /* NTBS-valued tags below 32 */
#define ATTR_CPU_NAME 5
#define ATTR_CPU_ARCH 6
#define ATTR_FP_ARCH 10
#define ATTR_COMPATIBILITY 32     /* ULEB128 then NTBS; above 32 odd tags
				   * are NTBS, even ones ULEB128 */
#define ATTR_ULEB_MAX 10          /* bytes of a 64-bit ULEB128 */
#define CPU_ARCH_V7EM 13
#define FP_ARCH_V8 7              /* FPv5: Armv8's FP, Cortex-M7's */
#define FP_ARCH_V8_D16 8

typedef struct attr_cur {
	const uint8_t *p;
	size_t n;
} attr_cur;

static int attr_uleb(uint64_t *v, attr_cur *c)
{
	*v = 0;
	for (size_t i = 0; i < c->n && i < ATTR_ULEB_MAX; i++) {
		*v |= (uint64_t)(c->p[i] & 0x7f) << (7 * i);
		if (!(c->p[i] & 0x80)) {
			c->p += i + 1;
			c->n -= i + 1;
			return 0;
		}
	}
	return -1;
}

static int attr_ntbs(attr_cur *c)
{
	const uint8_t *z = memchr(c->p, 0, c->n);
	size_t len = z ? (size_t)(z - c->p) + 1 : 0;

	if (!z)
		return -1;
	c->p += len;
	c->n -= len;
	return 0;
}

/* A length-prefixed block (uint32, counting itself and `head` more
 * bytes before it): *in gets its contents, c moves past it. */
static int attr_block(attr_cur *in, attr_cur *c, size_t head)
{
	uint32_t len;

	if (c->n < 4)
		return -1;
	len = (uint32_t)c->p[0] | (uint32_t)c->p[1] << 8 |
	      (uint32_t)c->p[2] << 16 | (uint32_t)c->p[3] << 24;
	if (len < 4 + head || len - head > c->n)
		return -1;
	in->p = c->p + 4;
	in->n = len - head - 4;
	c->p += len - head;
	c->n -= len - head;
	return 0;
}

static int attr_file(uint64_t *cpu_arch, uint64_t *fp_arch, attr_cur c)
{
	uint64_t tag, v;

	while (c.n) {
		if (attr_uleb(&tag, &c) < 0)
			return -1;
		if (tag == ATTR_CPU_RAW_NAME || tag == ATTR_CPU_NAME ||
		    (tag > ATTR_COMPATIBILITY && (tag & 1))) {
			if (attr_ntbs(&c) < 0)
				return -1;
			continue;
		}
		if (attr_uleb(&v, &c) < 0 ||
		    (tag == ATTR_COMPATIBILITY && attr_ntbs(&c) < 0))
			return -1;
		if (tag == ATTR_CPU_ARCH)
			*cpu_arch = v;
		else if (tag == ATTR_FP_ARCH)
			*fp_arch = v;
	}
	return 0;
}

/* Tag_CPU_arch and Tag_FP_arch of the "aeabi" subsection's file scope
 * (0 when absent). */
static int attr_arch(uint64_t *cpu_arch, uint64_t *fp_arch, const uint8_t *a,
		     size_t len)
{
	attr_cur c = { a + 1, len ? len - 1 : 0 }, sub, vendor, scope;
	uint64_t tag;

	*cpu_arch = *fp_arch = 0;
	if (len == 0 || a[0] != ATTR_FORMAT)
		return -1;
	while (c.n) {
		if (attr_block(&sub, &c, 0) < 0)
			return -1;
		vendor = sub;
		if (attr_ntbs(&sub) < 0)
			return -1;
		if (strcmp((const char *)vendor.p, ATTR_VENDOR))
			continue;
		while (sub.n) {
			if (attr_uleb(&tag, &sub) < 0 ||
			    attr_block(&scope, &sub, 1) < 0)
				return -1;
			if (tag == ATTR_FILE &&
			    attr_file(cpu_arch, fp_arch, scope) < 0)
				return -1;
		}
	}
	return 0;
}

static const char *arm_machine_for_attrs(const uint8_t *attrs, size_t len)
{
	uint64_t cpu_arch, fp_arch;

	if (attr_arch(&cpu_arch, &fp_arch, attrs, len) < 0 ||
	    cpu_arch != CPU_ARCH_V7EM)
		return NULL;
	return fp_arch == FP_ARCH_V8 || fp_arch == FP_ARCH_V8_D16 ?
	       "mps2-an500" : "mps2-an386";
}

/* DWARF for the Arm architecture: r0-r15 are 0-15. */
static const char *const arm_dwarf_regs[] = {
	"r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10",
	"r11", "r12", "sp", "lr", "pc", NULL,
};

/* QEMU's system registers: the fault catch's VBAR and the post-mortem's
 * full register list need them, a passing run does not. */
static const char *const arm_lazy[] = { "system-registers.xml", NULL };

const target_desc target_arm = {
	.name = "arm",
	.qemu = "qemu-system-arm",
	.qemu_user = "qemu-arm",
	.user_sysroot = "/usr/arm-linux-gnueabihf",
	.user_libc_package = "libc6-armhf-cross",
	.machine = "mps2-an385",
	.cpu = NULL,               /* the board's Cortex-M3 */
	.memory = NULL,
	/* The board's LAN9118 would have no backend and QEMU warns "nic
	 * lan9118.0 has no peer" on every run; "-nic none" does not reach an
	 * on-board NIC, a restricted user-mode backend does (no host network).
	 * No cost measured: a QEMU start-to-exit is 21 ms at best and 40-50 ms
	 * median with or without it (20 runs each, interleaved). */
	.extra_args = arm_extra_args,
	.ram = arm_ram,
	.load = TARGET_LOAD_KERNEL,
	.elf_machine = EM_ARM,
	.elf_class = ELFCLASS32,
	.ptr_size = 4,
	.pc_reg = "pc",
	.lazy_annexes = arm_lazy,
	.sp_reg = "sp",
	.fp_reg = "r7",
	.lr_reg = "lr",
	.arg_kind = TARGET_ARG_REGISTER,
	.arg_reg = "r0",           /* AAPCS */
	.ret_reg = "r0",
	.bp_kind = 2,              /* 16-bit Thumb BKPT */
	.cs_arch = CS_ARCH_ARM,
	.cs_mode = CS_MODE_THUMB | CS_MODE_MCLASS,
	.semihosting = TARGET_SEMIHOSTING_ARM,
	.dwarf_sp = 13,            /* DWARF for the Arm architecture: r0-r15 */
	.dwarf_fp = 7,
	.dwarf_lr = 14,
	.dwarf_regs = arm_dwarf_regs,
	.prologue = target_arm_prologue,
	.writes = target_arm_writes,
	.callee_saved = ARM_CALLEE_SAVED,
	.fp_walk = 1,
	.fp_prev_offset = 0,
	.fp_ret_offset = 4,
	.sh_op_reg = "r0",         /* Arm semihosting: r0 operation, r1 block */
	.sh_arg_reg = "r1",
	.thumb = 1,                /* Thumb symbols and addresses carry bit 0 */
	.thumb_only_reg = "xpsr",  /* M-profile: always Thumb */
	.thumb_state_reg = "cpsr", /* A-profile: cpsr.T */
	.thumb_state_mask = 0x20,
	.faults = &arm_faults,
	.attrs_section = ".ARM.attributes",
	.machine_for_attrs = arm_machine_for_attrs,
};
