/*
 * aarch64 entry for -M virt -cpu cortex-a57 -kernel (QEMU enters the ELF
 * entry at EL1, MMU off): stack, exception vectors in VBAR_EL1, then
 * guest_entry. Every vector builds a frame record {x29, ELR_EL1} so a
 * frame-pointer backtrace from the trap handler continues into the code
 * that trapped, then calls aarch64_trap(vector index).
 */
	/* CFI for debuggers (gdb); .eh_frame is discarded by link.ld. */
	.cfi_sections .debug_frame

	.text
	.globl _start
	.type _start, @function
_start:
	.cfi_startproc
	.cfi_undefined x30      /* outermost frame */
	ldr x0, =stack_top
	mov sp, x0
	adr x0, vectors
	msr vbar_el1, x0
	isb
	mov x29, xzr            /* frame-pointer chain ends here */
	mov x30, xzr
	bl guest_entry
1:	wfi
	b 1b
	.cfi_endproc
	.size _start, . - _start

	/* The frame record's "return address" is ELR_EL1, so unwinders
	 * (and the CFI for gdb) step from the handler to the trapping code. */
	.macro vector index
	.balign 0x80
	.cfi_startproc
	sub sp, sp, #16
	mrs x30, elr_el1
	stp x29, x30, [sp]
	mov x29, sp
	.cfi_def_cfa x29, 16
	.cfi_offset x29, -16
	.cfi_offset x30, -8
	mov x0, #\index
	bl aarch64_trap
	.cfi_endproc
	.endm

	.balign 0x800
	.globl vectors
vectors:
	.irp i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	vector \i
	.endr

	/* Not in .bss: guest_entry clears .bss while running on this stack. */
	.section .stack, "aw", @nobits
	.balign 16
	.space 16384
stack_top:
	.section .note.GNU-stack, "", @progbits
