/* Cortex-M vector table for the newlib/rdimon guest: newlib's crt0 brings
 * _start but no table, and the core takes its reset SP and PC from 0. Any
 * other exception spins in unexpected_exception. */
	.syntax unified
	.thumb
	.section .vectors, "a"
	.balign 4
	.long __stack_top
	.long _start
	.rept 14
	.long unexpected_exception
	.endr

	.text
	.thumb_func
	.type unexpected_exception, %function
unexpected_exception:
	b unexpected_exception
	.size unexpected_exception, . - unexpected_exception
	.section .note.GNU-stack, "", %progbits
