/* Target description: Arm Cortex-M (Thumb) under qemu-system-arm (mps2-an385),
 * and the A-profile boards its build attributes or --machine choose. */
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
#define ATTR_CPU_ARCH_PROFILE 7   /* 'A', 'R', 'M', 'S' (A or R), 0 */
#define ATTR_FP_ARCH 10
#define ATTR_COMPATIBILITY 32     /* ULEB128 then NTBS; above 32 odd tags
				   * are NTBS, even ones ULEB128 */
#define ATTR_ULEB_MAX 10          /* bytes of a 64-bit ULEB128 */
#define CPU_ARCH_V6M 11
#define CPU_ARCH_V6SM 12
#define CPU_ARCH_V7EM 13
#define CPU_ARCH_V8M_BASE 16
#define CPU_ARCH_V8M_MAIN 17
#define CPU_ARCH_V81M_MAIN 21
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

typedef struct attr_arch_tags {
	uint64_t cpu_arch, profile, fp_arch;  /* 0 when absent */
} attr_arch_tags;

static int attr_file(attr_arch_tags *tags, attr_cur c)
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
			tags->cpu_arch = v;
		else if (tag == ATTR_CPU_ARCH_PROFILE)
			tags->profile = v;
		else if (tag == ATTR_FP_ARCH)
			tags->fp_arch = v;
	}
	return 0;
}

/* Tag_CPU_arch, Tag_CPU_arch_profile and Tag_FP_arch of the "aeabi"
 * subsection's file scope (0 when absent). */
static int attr_arch(attr_arch_tags *tags, const uint8_t *a, size_t len)
{
	attr_cur c = { a + 1, len ? len - 1 : 0 }, sub, vendor, scope;
	uint64_t tag;

	memset(tags, 0, sizeof(*tags));
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
			if (tag == ATTR_FILE && attr_file(tags, scope) < 0)
				return -1;
		}
	}
	return 0;
}

static int attr_m_profile(const attr_arch_tags *t)
{
	return t->profile == 'M' || t->cpu_arch == CPU_ARCH_V6M ||
	       t->cpu_arch == CPU_ARCH_V6SM || t->cpu_arch == CPU_ARCH_V7EM ||
	       t->cpu_arch == CPU_ARCH_V8M_BASE || t->cpu_arch == CPU_ARCH_V8M_MAIN ||
	       t->cpu_arch == CPU_ARCH_V81M_MAIN;
}

/* An image for no M-profile CPU (newlib's stock aprofile-ve.specs:
 * Armv4T code at 0x80010000) cannot start on mps2, whose Cortex-M3
 * locks up at once: the A-profile board whose RAM holds its entry point,
 * the first in arm_ram (vexpress-a15 before vexpress-a7), each with its
 * own default CPU. None: the default, and --machine says which. */
static const char *a_board_for(uint64_t entry)
{
	for (const target_ram *r = arm_ram; r->machine; r++)
		if (entry >= r->base && entry - r->base < r->size)
			return r->machine;
	return NULL;
}

static const char *arm_machine_for_attrs(const uint8_t *attrs, size_t len,
					 uint64_t entry)
{
	attr_arch_tags t;

	if (attr_arch(&t, attrs, len) < 0 || t.cpu_arch == 0)
		return NULL;
	if (!attr_m_profile(&t))
		return a_board_for(entry);
	if (t.cpu_arch != CPU_ARCH_V7EM)
		return NULL;
	return t.fp_arch == FP_ARCH_V8 || t.fp_arch == FP_ARCH_V8_D16 ?
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
	.faults = &target_arm_faults,
	.attrs_section = ".ARM.attributes",
	.machine_for_attrs = arm_machine_for_attrs,
};
