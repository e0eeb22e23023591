/*
 * Cortex-M3 (-M mps2-an385) vector table and reset handler. The table is at
 * 0 (VTOR's reset value): word 0 is the initial SP, word 1 the reset
 * handler. Every fault vector goes to fault_entry, which builds a frame
 * record for the faulting code and calls arm_fault(exception number).
 */
	.syntax unified
	.thumb
	/* CFI for debuggers (gdb); .eh_frame is not kept. */
	.cfi_sections .debug_frame

	.section .vectors, "a"
	.balign 4
	.globl vectors
vectors:
	.long stack_top
	.long reset
	.rept 14                /* NMI .. SysTick (exceptions 2..15) */
	.long fault_entry
	.endr
	.rept 32                /* external interrupts 0..31 */
	.long fault_entry
	.endr

	.text
	.thumb_func
	.globl reset
	.type reset, %function
reset:
	.cfi_startproc
	.cfi_undefined lr       /* outermost frame */
	ldr r0, =stack_top
	mov sp, r0
	movs r7, #0             /* Thumb frame pointer: chain ends here */
	mov lr, r7
	bl guest_entry
1:	b 1b
	.cfi_endproc
	.size reset, . - reset

	/* On entry the hardware stacked r0-r3, r12, lr, pc, xpsr on the
	 * stack EXC_RETURN (in lr) names; pass the exception number and that
	 * frame, and make a frame record {r7, faulting pc} for unwinders. */
	.thumb_func
	.globl fault_entry
	.type fault_entry, %function
fault_entry:
	.cfi_startproc
	tst lr, #4
	ite eq
	mrseq r1, msp
	mrsne r1, psp
	ldr r2, [r1, #24]       /* stacked pc */
	sub sp, sp, #8          /* keeps the 8-byte alignment AAPCS wants */
	str r7, [sp]
	str r2, [sp, #4]
	mov r7, sp
	.cfi_def_cfa r7, 8
	.cfi_offset r7, -8
	.cfi_offset lr, -4
	mrs r0, ipsr
	bl arm_fault
	.cfi_endproc
	.size fault_entry, . - fault_entry

	/* Not in .bss: guest_entry clears .bss while running on this stack. */
	.section .stack, "aw", %nobits
	.balign 8
	.space 8192
stack_top:
	.section .note.GNU-stack, "", %progbits
