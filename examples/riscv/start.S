/*
 * RISC-V entry for -M virt -bios none -kernel (QEMU jumps to the ELF entry
 * in M-mode, a0 = hart id, a1 = DTB): park every hart but 0, set the stack
 * and mtvec, then guest_entry. The trap vector builds a frame record
 * {s0, mepc} so a frame-pointer backtrace from the handler continues into
 * the code that trapped, then calls riscv_trap. Shared by RV64 and RV32.
 */
#if __riscv_xlen == 64
#define REG_S sd
#define SZREG 8
#else
#define REG_S sw
#define SZREG 4
#endif

	/* CFI for debuggers (gdb); .eh_frame is not kept. */
	.cfi_sections .debug_frame

	.section .text.start, "ax", @progbits
	.globl _start
	.type _start, @function
_start:
	.cfi_startproc
	.cfi_undefined ra       /* outermost frame */
	csrw mie, zero
	bnez a0, park
	.option push
	.option norelax
	la gp, __global_pointer$
	.option pop
	la sp, stack_top
	la t0, trap_entry
	csrw mtvec, t0
	li s0, 0                /* frame-pointer chain ends here */
	li ra, 0
	call guest_entry
park:
	wfi
	j park
	.cfi_endproc
	.size _start, . - _start

	/* mtvec needs 4-byte alignment (direct mode). GCC's frame record is
	 * {ra at s0-SZREG, old s0 at s0-2*SZREG}. */
	.text
	.balign 4
	.globl trap_entry
	.type trap_entry, %function
trap_entry:
	.cfi_startproc
	addi sp, sp, -4 * SZREG
	csrr t0, mepc
	REG_S t0, 3 * SZREG(sp)
	REG_S s0, 2 * SZREG(sp)
	addi s0, sp, 4 * SZREG
	.cfi_def_cfa s0, 0
	.cfi_offset ra, -SZREG
	.cfi_offset s0, -2 * SZREG
	call riscv_trap
1:	j 1b
	.cfi_endproc
	.size trap_entry, . - trap_entry

	/* Not in .bss: guest_entry clears .bss while running on this stack. */
	.section .stack, "aw", @nobits
	.balign 16
	.space 16384
stack_top:
	.section .note.GNU-stack, "", @progbits
