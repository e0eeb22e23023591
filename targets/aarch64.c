/* Target description: AArch64 under qemu-system-aarch64 (virt, Cortex-A57). */
#include "arm.h"

#include <capstone/capstone.h>
#include <elf.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static const char *const aarch64_extra_args[] = { TARGET_ARM_AUDIO_OFF, NULL };

/* QEMU's hw/arm/virt.c and vexpress.c memory maps, 128 MiB by default. */
static const target_ram aarch64_ram[] = {
	{ "virt", 0x40000000, 128u << 20 },
	{ "vexpress-a15", 0x80000000, 128u << 20 },
	{ "vexpress-a7", 0x80000000, 128u << 20 },
	{ NULL, 0, 0 },
};

/* Debian's qemu-efi-aarch64 (both files padded to virt's 64 MiB flash). */
static const target_firmware aarch64_uefi = {
	"/usr/share/AAVMF", "AAVMF_CODE.fd", "AAVMF_VARS.fd", "qemu-efi-aarch64",
};

/* The arm64 Linux Image header: magic "ARM\x64" at 56
 * (Documentation/arch/arm64/booting.rst). */
static const target_magic aarch64_kernel = { 56, "ARM\x64", 4,
					     "an arm64 Linux Image" };


/*
 * Fault catch (Arm ARM D1.10): the synchronous and SError entries of the
 * vector table at VBAR_ELx of the EL the guest runs at, for the current
 * EL with SPx and for a lower EL in AArch64, and
 * ESR_ELx / FAR_ELx / ELR_ELx decoded at the entry. QEMU's target.xml calls
 * VBAR_EL1 "VBAR" (its AArch32 alias's name).
 */
static const char *const a64_vbar[5] = { NULL, "VBAR", "VBAR_EL2", "VBAR_EL3",
					  NULL };
static const char *const a64_esr[4] = { NULL, "ESR_EL1", "ESR_EL2", "ESR_EL3" };
static const char *const a64_far[4] = { NULL, "FAR_EL1", "FAR_EL2", "FAR_EL3" };
static const char *const a64_elr[4] = { NULL, "ELR_EL1", "ELR_EL2", "ELR_EL3" };

/* An entry's id: EL * 16 + its offset / 0x80 (0 sync, 3 SError, ...). */
#define A64_ID(el, off) ((el) * 16 + (off) / 0x80)

static int a64_el(const target_io *io)
{
	uint64_t cpsr;
	int bits, el;

	if (io->reg(&cpsr, &bits, "cpsr", io->arg) < 0)
		return -1;
	el = (int)(cpsr >> 2 & 3);
	return el ? el : 1; /* EL0 code traps to EL1 */
}

/* Whether the entry `off` of the table read at 0x200 (tab: `len` bytes)
 * holds no handler: its first word is 0, UDF, which faults again at
 * once, so an exception taken there loops on it for good. */
static int a64_entry_empty(const uint8_t *tab, size_t len, unsigned off)
{
	size_t at = off - 0x200;

	return at + 4 <= len && (tab[at] | tab[at + 1] | tab[at + 2] |
				 tab[at + 3]) == 0;
}

static int a64_vectors(target_vector *v, size_t *n, const target_io *io)
{
	/* current EL with SPx, lower EL in AArch64: synchronous, SError
	 * (the SP0 and AArch32 groups serve code bare-metal tests rarely
	 * run, and each entry costs a breakpoint round trip) */
	static const unsigned offsets[] = { 0x200, 0x380, 0x400, 0x580 };
	uint8_t tab[0x584 - 0x200];
	uint64_t vbar;
	int bits, el = a64_el(io);

	*n = 0;
	if (el < 0 || io->reg(&vbar, &bits, a64_vbar[el], io->arg) < 0)
		return 0;
	vbar &= ~(uint64_t)0x7ff;
	/* VBAR 0 is QEMU's reset value, kept by a guest that sets none
	 * (picolibc's crt0): its faults loop at 0x200 on. Only an empty
	 * entry is caught there, where a firmware image's own code may
	 * run; the four are read at once. */
	if (vbar == 0 && io->mem(tab, 0x200, sizeof(tab), io->arg) < 0)
		return 0;
	for (size_t i = 0; i < sizeof(offsets) / sizeof(offsets[0]); i++) {
		if (vbar == 0 && !a64_entry_empty(tab, sizeof(tab), offsets[i]))
			continue;
		v[(*n)++] = (target_vector){ vbar + offsets[i], A64_ID(el, offsets[i]) };
	}
	return 0;
}

/* ESR_ELx.EC values that are faults, with their names; the rest (SVC,
 * HVC, SMC, trapped WFI) are how the guest calls its handlers. */
static const struct a64_ec {
	unsigned ec;
	const char *name;
	int abort;                 /* ISS holds a fault status code */
} a64_ecs[] = {
	{ 0x00, "undefined instruction", 0 },
	{ 0x07, "FP/SIMD access trapped (CPACR_EL1.FPEN)", 0 },
	{ 0x0e, "illegal execution state", 0 },
	{ 0x18, "trapped MSR/MRS", 0 },
	{ 0x20, "instruction abort from a lower EL", 1 },
	{ 0x21, "instruction abort", 1 },
	{ 0x22, "PC alignment fault", 0 },
	{ 0x24, "data abort from a lower EL", 1 },
	{ 0x25, "data abort", 1 },
	{ 0x26, "SP alignment fault", 0 },
	{ 0x28, "floating-point exception (AArch32)", 0 },
	{ 0x2c, "floating-point exception", 0 },
	{ 0x2f, "SError", 0 },
	{ 0x3c, "BRK instruction", 0 },
};

static int a64_decode(target_fault *f, int id, const target_io *io)
{
	uint64_t esr, far = 0, elr, sp, fp, lr;
	int bits, el = id / 16, serror = (id % 16) % 4 == 3;
	const struct a64_ec *ec = NULL;
	char fsc[64] = "";

	memset(f, 0, sizeof(*f));
	if (el < 1 || el > 3 || io->reg(&esr, &bits, a64_esr[el], io->arg) < 0 ||
	    io->reg(&elr, &bits, a64_elr[el], io->arg) < 0 ||
	    io->reg(&sp, &bits, "sp", io->arg) < 0 ||
	    io->reg(&fp, &bits, "x29", io->arg) < 0 ||
	    io->reg(&lr, &bits, "x30", io->arg) < 0)
		return -1;
	for (size_t i = 0; !serror && i < sizeof(a64_ecs) / sizeof(a64_ecs[0]); i++)
		if (a64_ecs[i].ec == (esr >> 26 & 0x3f))
			ec = &a64_ecs[i];
	if (!serror && !ec)
		return 0;
	if (ec && ec->abort) {
		target_arm_fsc(fsc, sizeof(fsc), (unsigned)(esr & 0x3f));
		if (!(esr >> 10 & 1) && io->reg(&far, &bits, a64_far[el], io->arg) == 0) {
			f->addr = far;
			f->has_addr = 1;
		}
	}
	snprintf(f->what, sizeof(f->what), "%s%s%s%s (ESR_EL%d 0x%08" PRIx64 ")",
		 serror ? "SError" : ec->name, fsc[0] ? ": " : "", fsc,
		 ec && ec->abort && ec->ec >= 0x24 ? (esr >> 6 & 1 ? ", on a write" :
		 ", on a read") : "", el, esr);
	f->pc = elr;
	f->sp = sp;
	f->fp = fp;
	f->lr = lr;
	f->has_lr = 1;
	return 1;
}

/* msr VBAR_EL1/EL2/EL3, Xt: op1 (bits 18:16) 0, 4 or 6, Rt any. */
static unsigned a64_vbar_write(const uint8_t *p, size_t avail)
{
	uint32_t w;

	if (avail < 4)
		return 0;
	w = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
	w &= 0xfff8ffe0u;
	return w == 0xd518c000u && ((p[2] & 7) == 0 || (p[2] & 7) == 4 ||
				   (p[2] & 7) == 6) ? 4 : 0;
}

/* The msr of a64_vbar_write(), before it runs: VBAR_EL(n) takes Xt
 * (xzr: 0). Code below EL n traps instead of writing, which only a read
 * after it can see. */
static int a64_vbar_predict(size_t *base, uint64_t *value, const uint8_t *insn,
			    unsigned len, const target_io *io)
{
	static const int el_of_op1[8] = { 1, 0, 0, 0, 2, 0, 3, 0 };
	uint64_t cpsr;
	uint32_t w;
	int bits, el;
	char xt[8];

	if (len < 4)
		return 0;
	w = (uint32_t)insn[0] | (uint32_t)insn[1] << 8 | (uint32_t)insn[2] << 16 |
	    (uint32_t)insn[3] << 24;
	el = el_of_op1[w >> 16 & 7];
	if (el == 0 || io->reg(&cpsr, &bits, "cpsr", io->arg) < 0 ||
	    (int)(cpsr >> 2 & 3) < el)
		return 0;
	*value = 0;
	snprintf(xt, sizeof(xt), "x%u", (unsigned)(w & 31));
	if ((w & 31) != 31 && io->reg(value, &bits, xt, io->arg) < 0)
		return 0;
	*base = (size_t)(el - 1);
	return 1;
}

static const target_faults aarch64_faults = {
	a64_vectors, a64_decode, a64_vbar_write, 4, 0, a64_vbar_predict,
	a64_vbar + 1,
};

/* DWARF for AArch64: x0-x30 are 0-30, sp is 31. */
static const char *const aarch64_dwarf_regs[] = {
	"x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10",
	"x11", "x12", "x13", "x14", "x15", "x16", "x17", "x18", "x19", "x20",
	"x21", "x22", "x23", "x24", "x25", "x26", "x27", "x28", "x29", "x30",
	"sp", NULL,
};

/* QEMU's system registers: the fault catch's VBAR and the post-mortem's
 * full register list need them, a passing run does not. Nor does it need
 * the SVE registers (qemu-user's default CPU has SVE; its annex is three
 * reads of 2 KiB, just before the system registers). */
static const char *const aarch64_lazy[] = { "sve-registers.xml",
					    "system-registers.xml", NULL };

const target_desc target_aarch64 = {
	.name = "aarch64",
	.qemu = "qemu-system-aarch64",
	.qemu_user = "qemu-aarch64",
	.user_sysroot = "/usr/aarch64-linux-gnu",
	.user_libc_package = "libc6-arm64-cross",
	.machine = "virt",
	.cpu = "cortex-a57",       /* virt has no default A-profile 64-bit CPU */
	.memory = NULL,
	.extra_args = aarch64_extra_args,
	.ram = aarch64_ram,
	.load = TARGET_LOAD_KERNEL,
	.elf_machine = EM_AARCH64,
	.elf_class = ELFCLASS64,
	.ptr_size = 8,
	.pc_reg = "pc",
	.lazy_annexes = aarch64_lazy,
	.sp_reg = "sp",
	.fp_reg = "x29",
	.lr_reg = "x30",
	.arg_kind = TARGET_ARG_REGISTER,
	.arg_reg = "x0",           /* AAPCS64 */
	.ret_reg = "x0",
	.bp_kind = 4,              /* fixed 4-byte A64 instructions */
	.cs_arch = CS_ARCH_ARM64,
	.cs_mode = CS_MODE_ARM,
	.semihosting = TARGET_SEMIHOSTING_ARM,
	.dwarf_sp = 31,            /* DWARF for AArch64: x0-x30 = 0-30, sp 31 */
	.dwarf_fp = 29,
	.dwarf_lr = 30,
	.dwarf_regs = aarch64_dwarf_regs,
	.fp_walk = 1,              /* frame record {x29, x30} at x29 */
	.fp_prev_offset = 0,
	.fp_ret_offset = 8,
	.drive_if = "virtio",       /* virt has no IDE */
	.cdrom_drive = "if=virtio,readonly=on",
	.uefi = &aarch64_uefi,
	.kernel_magic = &aarch64_kernel,
	.sh_op_reg = "x0",         /* A64 semihosting: w0 operation, x1 block */
	.sh_arg_reg = "x1",
	.faults = &aarch64_faults,
};
