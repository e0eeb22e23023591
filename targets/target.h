/*
 * Target descriptions: one file per architecture in targets/, each exporting
 * one `const target_desc`, and one table (targets/table.c) listing them.
 * Adding an architecture is one file and one row in that table.
 */
#ifndef TARGET_H
#define TARGET_H

#include <stddef.h>
#include <stdint.h>

/* How QEMU is given the image. */
typedef enum target_load {
	TARGET_LOAD_KERNEL = 0,   /* -kernel IMAGE (ELF; multiboot/PVH on x86) */
	TARGET_LOAD_BOOTSECTOR,   /* -drive file=IMAGE,format=raw,if=floppy|ide */
} target_load;

/* Where the first integer argument of a call is, on function entry. */
typedef enum target_arg_kind {
	TARGET_ARG_REGISTER = 0,  /* in register arg_reg */
	TARGET_ARG_STACK,         /* at [sp + arg_stack_offset], ptr_size bytes */
} target_arg_kind;

/* Semihosting convention of the architecture (see the semihosting work). */
typedef enum target_semihosting {
	TARGET_SEMIHOSTING_NONE = 0,
	TARGET_SEMIHOSTING_ARM,    /* A64 HLT 0xF000; A32/T32 SVC/HLT; M BKPT 0xAB */
	TARGET_SEMIHOSTING_RISCV,  /* slli x0,x0,0x1f; ebreak; srai x0,x0,7 */
} target_semihosting;

/* QEMU arguments that silence the audio of Arm boards. vexpress, realview
 * and versatile have a PL041 whose default back-end probes ALSA,
 * PulseAudio, JACK and SDL at start and prints about 30 lines when the
 * host has none; with a "none" back-end named for it QEMU probes nothing.
 * Harmless on boards without a PL041. */
#define TARGET_ARM_AUDIO_OFF \
	"-audiodev", "none,id=stubrun_snd", "-global", "pl041.audiodev=stubrun_snd"

/* cs_arch value of targets capstone 4 cannot disassemble. */
#define TARGET_CS_NONE (-1)

/* The main RAM of one QEMU machine: where SYS_HEAPINFO's answer lives
 * when the image names no heap (QEMU's rule: the largest RAM region, and
 * in it the largest gap after the loaded image). `size` is QEMU's default
 * -m for the machine; an explicit --memory replaces it. */
typedef struct target_ram {
	const char *machine;       /* -machine name; NULL ends a list */
	uint64_t base, size;
} target_ram;

/* UEFI firmware as Debian packages it: a read-only code image and a
 * variable store template, each mapped as pflash (the store is copied to
 * the run's private directory first: the guest writes it). */
typedef struct target_firmware {
	const char *dir;           /* e.g. "/usr/share/OVMF" */
	const char *code, *vars;   /* file names in dir */
	const char *package;       /* the Debian package that installs them */
} target_firmware;

/* Bytes at a fixed offset of a kernel image that name its architecture
 * when the image is not an ELF (a Linux bzImage's "HdrS", an arm64
 * Image's "ARM\x64"). */
typedef struct target_magic {
	size_t offset;
	const char *bytes;
	size_t len;
	const char *what;          /* "a Linux bzImage", for messages */
} target_magic;
/* A register name the stub does not send but users expect: a bit field of
 * a base register (x86's al, ah, ax, ... and eax on x86_64). */
typedef struct target_alias {
	const char *name;          /* NULL ends a list */
	const char *base;          /* the target.xml register it lives in */
	int shift, bits;
} target_alias;

/*
 * Fault catch (src/run/run_fault.c): the entry points where the hardware
 * takes a fault, breakpointed, and what a stop at one of them means. The
 * knowledge of vector tables and fault registers is here; the run only
 * reads the guest through a target_io.
 */
typedef struct target_io {
	/* A register by its target.xml name, and its width in bits; 0 or a
	 * negative error (the register does not exist, or cannot be read). */
	int (*reg)(uint64_t *v, int *bits, const char *name, void *arg);
	/* Guest memory, little-endian; 0 or a negative error. */
	int (*mem)(void *buf, uint64_t addr, size_t len, void *arg);
	/* QEMU's monitor: the output of `cmd` (malloc'd, the caller frees)
	 * for what the stub has no register for (x86's IDTR); 0 or a
	 * negative error. */
	int (*monitor)(char **out, const char *cmd, void *arg);
	void *arg;
} target_io;

/* Why 4: AArch64's VBAR_EL1..EL3, RISC-V's mtvec and stvec. */
#define TARGET_BASES_MAX 4

/* Why 8: above the most entries any architecture's fault catch names
 * (x86: five IDT gates; AArch64: four vector-table entries). */
#define TARGET_VECTORS_MAX 8

typedef struct target_vector {
	uint64_t addr;             /* first instruction of the handler */
	int id;                    /* which entry, for decode() */
} target_vector;

/* A fault decoded at its handler's entry. */
typedef struct target_fault {
	char what[160];            /* "UsageFault: UNDEFINSTR", "load access
				    * fault", ... without the address */
	uint64_t pc;               /* the faulting instruction */
	uint64_t sp, fp, lr;       /* the faulting code's registers, to
				    * unwind from */
	int has_lr;
	uint64_t addr;             /* the data address it faulted on */
	int has_addr;
} target_fault;

typedef struct target_faults {
	/* The fault entries as the guest has them now: up to
	 * TARGET_VECTORS_MAX into v, *n set. 0 or a negative error. */
	int (*vectors)(target_vector *v, size_t *n, const target_io *io);
	/* At entry `id`: 1 with *f filled when a fault was taken, 0 when the
	 * entry was taken for something else (an interrupt, a system call),
	 * negative on a read error. */
	int (*decode)(target_fault *f, int id, const target_io *io);
	/* The length of an instruction at p (avail bytes readable) that
	 * writes the vector base (msr vbar_el1, csrw mtvec, lidt), or 0:
	 * after it, vectors() may answer differently. Tried at every
	 * `write_align`-th byte of the image's code; NULL: never moves. */
	unsigned (*vector_write)(const uint8_t *p, size_t avail);
	unsigned write_align;
	/* The entries exist at reset (M-profile's table comes with the
	 * image): vectors() is asked at the first instruction. Otherwise the
	 * vector base is 0 until the guest writes it, and asking costs the
	 * start-up round trips for nothing. */
	int at_reset;
	/* The new value of a vector base, from the write about to run (the
	 * PC is on it; insn: its len bytes, which vector_write() matched),
	 * read off its source register or immediate through io: 1 with
	 * *base (an index into `bases`) and *value set; 0 when only reading
	 * the base after the write can tell. With it the breakpoint sits on
	 * the write and the bases are kept by the run, so a passing guest
	 * costs no system-register read; NULL: the breakpoint follows the
	 * write and the bases are read there. */
	int (*predict)(size_t *base, uint64_t *value, const uint8_t *insn,
		       unsigned len, const target_io *io);
	/* The vector-base registers vectors() reads, by name, NULL-ended
	 * (at most TARGET_BASES_MAX): 0 until the guest writes them. */
	const char *const *bases;
} target_faults;

/*
 * Prologue analysis (src/guest/unwind_prologue.c), for code without DWARF
 * CFI or an EHABI entry: what one instruction at the start of a function
 * does to the stack. Registers are DWARF numbers.
 */
typedef struct target_prologue_op {
	int64_t sp_delta;          /* added to sp (negative: the frame grows) */
	uint64_t saved;            /* the registers it stores, a bit each */
	int64_t save_at;           /* where the lowest-numbered of them goes,
				    * relative to sp before the instruction;
				    * the others follow at ptr_size steps in
				    * rising register order (a push) */
	uint64_t clobbered;        /* the registers other than sp it writes:
				    * a callee-saved one written before it
				    * is saved no longer holds the caller's
				    * value */
} target_prologue_op;

/*
 * Decodes a function's first instructions, code[0..len) (bytes of the
 * image, untrusted; `thumb`: Arm Thumb code), into ops[0..*n), one per
 * instruction, at most cap. The decode ends before the first instruction
 * that ends straight-line prologue code: control flow, a write to sp
 * other than a constant decrement, one it cannot decode, or one cut by
 * the end of the bytes. 0, or a negative error when the decoder cannot
 * run (*n is then 0).
 */
typedef int (*target_prologue_fn)(target_prologue_op *ops, size_t *n,
				  size_t cap, const uint8_t *code, size_t len,
				  int thumb);

/* The registers (DWARF numbers, a bit each) any instruction of a whole
 * function's code[0..len) writes, branches or not; every one when it
 * cannot tell (bytes it cannot decode are skipped: Thumb's literal
 * pools). What a function that never returns leaves of its caller's
 * callee-saved registers. */
typedef uint64_t (*target_writes_fn)(const uint8_t *code, size_t len,
				     int thumb);

typedef struct target_desc {
	const char *name;          /* "x86_64", "i386", "i8086", "aarch64", "arm",
				    * "riscv64", "riscv32" */
	const char *qemu;          /* QEMU binary name, e.g. "qemu-system-aarch64" */
	/* User mode (a Linux program under qemu-user): the binary, e.g.
	 * "qemu-aarch64", or NULL when none; the sysroot of Debian's cross
	 * C library (QEMU's -L, where the interpreter is looked up), or NULL
	 * for the host's own; the Debian package that ships the interpreter
	 * there. */
	const char *qemu_user;
	const char *user_sysroot;
	const char *user_libc_package;
	const char *machine;       /* default -machine */
	const char *cpu;           /* default -cpu, or NULL for QEMU's */
	const char *memory;        /* default -m, or NULL for QEMU's */
	const char *const *extra_args; /* NULL-terminated default QEMU args, or NULL
				    * (e.g. "-bios", "none"; the exit device) */
	const char *const *bare_args; /* NULL-terminated QEMU args for an IMAGE
				    * run bare (riscv: "-bios", "none"), left
				    * out with --kernel, --bios, --uefi; or NULL */
	target_load load;

	/* ELF identification: e_machine and ELFCLASS32/ELFCLASS64. */
	int elf_machine;
	int elf_class;

	unsigned ptr_size;         /* bytes in a pointer: 2, 4 or 8 */

	/* Register names as QEMU's target.xml spells them. */
	const char *pc_reg;
	const char *sp_reg;
	const char *fp_reg;        /* frame pointer, for frame-pointer unwinding */
	const char *lr_reg;        /* link register, or NULL when the return
				    * address is on the stack (x86) */
	/* Annexes of QEMU's target.xml whose registers only a post-mortem
	 * or the fault catch reads (system registers, CSRs): fetched at the
	 * first lookup of one of them, not at the handshake
	 * (rsp_config.lazy_annexes). NULL-terminated; NULL: none. */
	const char *const *lazy_annexes;

	/* First integer argument on function entry. */
	target_arg_kind arg_kind;
	const char *arg_reg;       /* TARGET_ARG_REGISTER */
	int arg_stack_offset;      /* TARGET_ARG_STACK: bytes above sp */
	const char *ret_reg;       /* where results are written, e.g. "x0", "a0" */

	/* Software breakpoint kind for Z0 (GDB's "kind": instruction length). */
	int bp_kind;

	/* Capstone arch and mode (cs_arch, cs_mode as ints, so this header does
	 * not need capstone's). The Thumb mode is chosen from the PC at use.
	 * TARGET_CS_NONE when capstone 4 cannot decode the ISA (RISC-V: it came
	 * in capstone 5); disasm.c then prints raw instruction words. */
	int cs_arch;
	int cs_mode;

	/* Unwinding (src/guest/unwind.c). DWARF register numbers, as in .eh_frame and
	 * .debug_frame, of the stack pointer, frame pointer and link register
	 * (-1: none). */
	int dwarf_sp;
	int dwarf_fp;
	int dwarf_lr;
	/* target.xml names by DWARF register number (0, 1, ...), NULL-
	 * terminated: where DWARF locations of variables point; NULL when
	 * unknown. */
	const char *const *dwarf_regs;
	/* Prologue analysis: the decoders, or NULL for none; the registers
	 * a call preserves (the ABI's callee-saved ones, DWARF numbers, a
	 * bit each), which a caller has as its callee had them unless the
	 * callee saved or wrote them. */
	target_prologue_fn prologue;
	target_writes_fn writes;
	uint64_t callee_saved;
	/* Frame-pointer walking: the caller's frame pointer and the return
	 * address are saved at fp + fp_prev_offset and fp + fp_ret_offset
	 * (ptr_size bytes each). Meaningful only when fp_walk is nonzero. */
	int fp_walk;
	int fp_prev_offset;
	int fp_ret_offset;

	target_semihosting semihosting;
	/* Where a semihosting call has its operation number and its argument
	 * (block pointer) when it traps; NULL without semihosting. */
	const char *sh_op_reg;
	const char *sh_arg_reg;
	const target_ram *ram;     /* machines whose RAM is known, or NULL */

	/* Boot inputs of the default machine. */
	const char *drive_if;      /* --drive's if= ("ide" on pc, "virtio" on
				    * virt), or NULL: the machine has no disk */
	const char *cdrom_drive;   /* --cdrom's -drive properties besides file=
				    * (e.g. "media=cdrom,if=ide"), or NULL */
	const target_firmware *uefi; /* --uefi's firmware, or NULL: none known */
	const target_magic *kernel_magic; /* identifies a non-ELF --kernel */
	/* Code addresses carry the instruction set in bit 0 (Arm Thumb): a
	 * symbol's or return address's instruction is at the even address
	 * (target_code_addr()). The PC is in Thumb state when `thumb_only_reg`
	 * exists (M-profile's xpsr: always Thumb) or when `thumb_state_reg`
	 * has a bit of `thumb_state_mask` set (A-profile cpsr.T). */
	int thumb;
	const char *thumb_only_reg;
	const char *thumb_state_reg;
	uint64_t thumb_state_mask;

	/* Real mode: the linear PC and SP are segment * 16 + (offset & 0xffff)
	 * with these segment registers; NULL for a flat address space. */
	const char *pc_seg_reg;
	const char *sp_seg_reg;

	/* Register aliases (NULL-terminated), or NULL. */
	const target_alias *aliases;

	/* Targets whose ELF images this one also runs (a 32-bit multiboot
	 * kernel on qemu-system-x86_64), NULL-terminated names, or NULL. */
	const char *const *also_runs;

	/* The board's own exit device: on machines whose name starts with
	 * `exit_machine`, QEMU exits with the status the guest wrote to
	 * `exit_device` (RISC-V virt's sifive_test: 0 pass). NULL: none. */
	const char *exit_machine;
	const char *exit_device;

	/* Fault catch, or NULL: none (x86 has its triple fault). */
	const target_faults *faults;

	/* The board an image was built for, when `machine`'s CPU cannot run
	 * it: `attrs_section` names the ELF section of build attributes
	 * (Arm's ".ARM.attributes"), and machine_for_attrs() reads its `len`
	 * bytes (untrusted: every read stays inside them), with the image's
	 * entry point, and returns a -machine, or NULL for the default (also
	 * for malformed bytes). NULL: the target has none. --machine wins
	 * over both. */
	const char *attrs_section;
	const char *(*machine_for_attrs)(const uint8_t *attrs, size_t len,
					 uint64_t entry);

	/* 1 when loadvm does not take the guest's clock back: under TCG
	 * QEMU never lets x86's TSC run backwards within one process, so a
	 * restored guest reads it ahead of the snapshot by the time the
	 * machine ran since. 0: restored with the machine (Arm's generic
	 * timer and RISC-V's mtime run on QEMU's virtual clock). */
	int clock_outlives_loadvm;
} target_desc;

/* The table of all targets, NULL-terminated. */
extern const target_desc *const target_table[];

/* The target named `name`, or NULL. */
const target_desc *target_by_name(const char *name);

/* The target for an ELF header (e_machine, class, e_flags), or NULL.
 * EM_386 gives i386, EM_X86_64 x86_64, EM_ARM arm, EM_AARCH64 aarch64,
 * EM_RISCV riscv32 or riscv64 by class. */
const target_desc *target_from_elf(int e_machine, int elf_class,
				   uint32_t e_flags);

/* The target whose kernel_magic the first `len` bytes of a kernel image
 * carry, or NULL. Every comparison stays inside buf[0..len). */
const target_desc *target_from_kernel_header(const uint8_t *buf, size_t len);

/* Bytes of a kernel image's header target_from_kernel_header() needs at
 * most (the largest offset + length in the table). */
#define TARGET_KERNEL_HEADER_MAX 1024

/* The RAM of `machine` under `t` (a name as QEMU takes it; "virt" also
 * covers "virt-7.2"), or NULL when the table does not know it. */
const target_ram *target_ram_of(const target_desc *t, const char *machine);

/* The names of all targets in table order, separated by `sep`, into `buf`
 * (always NUL-terminated; truncated when `cap` is too small). For usage
 * and error messages. */
void target_names(char *buf, size_t cap, const char *sep);

/* 1 when `t` runs an ELF image that identifies as `elf` (the same target,
 * or one listed in t->also_runs). */
int target_runs_elf(const target_desc *t, const target_desc *elf);

/* The address of the instruction at code address `addr` (bit 0 cleared
 * on Thumb targets, unchanged elsewhere). */
uint64_t target_code_addr(const target_desc *t, uint64_t addr);

/* The first alias named `name` (case-insensitively) of `t`, or NULL. */
const target_alias *target_alias_find(const target_desc *t, const char *name);

/* 1 when QEMU's -machine `machine` of `t` has the board exit device. */
int target_has_board_exit(const target_desc *t, const char *machine);

#endif /* TARGET_H */
