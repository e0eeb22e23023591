/* i386 entry: the multiboot (v1) header QEMU's -kernel looks for, then a
 * stack and a jump to guest_entry. QEMU's multiboot loader enters in 32-bit
 * protected mode, paging off, flat segments, eax = 0x2badb002. */
#define MB_MAGIC 0x1badb002
#define MB_FLAGS 0x0  /* ELF image: no address fields, no page alignment */

	.section .multiboot, "a"
	.balign 4
	.long MB_MAGIC
	.long MB_FLAGS
	.long -(MB_MAGIC + MB_FLAGS)

	.cfi_sections .debug_frame
	.text
	.globl _start
	.type _start, @function
_start:
	.cfi_startproc
	.cfi_undefined eip      /* outermost frame */
	cli
	cld
	mov $stack_top, %esp
	xor %ebp, %ebp          /* frame-pointer chain ends here */
	call guest_entry
1:	hlt
	jmp 1b
	.cfi_endproc
	.size _start, . - _start

	/* Not in .bss: guest_entry clears .bss while running on this stack. */
	.section .stack, "aw", @nobits
	.balign 16
	.space 16384
stack_top:
	.section .note.GNU-stack, "", @progbits
