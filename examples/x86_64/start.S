/*
 * x86_64 entry via PVH: QEMU's -kernel takes an ELF64 when it carries a
 * XEN_ELFNOTE_PHYS32_ENTRY note (multiboot v1 would need an ELF32), and its
 * pvh.bin option ROM enters that address in 32-bit protected mode, paging
 * off, flat segments, ebx -> hvm_start_info. From there: identity-map the
 * first 1 GiB with 2 MiB pages, enable PAE + long mode + paging, load a
 * 64-bit GDT and jump to 64-bit code, which calls guest_entry.
 */
#define XEN_ELFNOTE_PHYS32_ENTRY 18
#define CR0_PE 0x1
#define CR0_PG 0x80000000
#define CR4_PAE 0x20
#define MSR_EFER 0xc0000080
#define EFER_LME 0x100
#define PTE_P_RW 0x3
#define PDE_2M 0x83        /* present, writable, page size */

	/* desc is 8 bytes: QEMU reads a 64-bit address from an ELF64's note. */
	.section .note.pvh, "a", @note
	.balign 4
	.long 4
	.long 8
	.long XEN_ELFNOTE_PHYS32_ENTRY
	.asciz "Xen"
	.balign 4
	.quad _start32

	.cfi_sections .debug_frame
	.section .text.boot, "ax", @progbits
	.code32
	.globl _start32
	.type _start32, @function
_start32:
	cli
	cld
	mov $boot_stack_top, %esp

	/* Page tables live in .stack (not .bss, which guest_entry clears). */
	mov $pml4, %edi
	xor %eax, %eax
	mov $(3 * 4096 / 4), %ecx
	rep stosl
	movl $(pdpt + PTE_P_RW), pml4
	movl $(pd + PTE_P_RW), pdpt
	mov $pd, %edi
	mov $PDE_2M, %eax
	mov $512, %ecx
1:	mov %eax, (%edi)
	add $0x200000, %eax
	add $8, %edi
	loop 1b

	mov $pml4, %eax
	mov %eax, %cr3
	mov %cr4, %eax
	or $CR4_PAE, %eax
	mov %eax, %cr4
	mov $MSR_EFER, %ecx
	rdmsr
	or $EFER_LME, %eax
	wrmsr
	mov %cr0, %eax
	or $(CR0_PG | CR0_PE), %eax
	mov %eax, %cr0

	lgdt gdt_ptr
	ljmp $0x08, $start64
	.size _start32, . - _start32

	.code64
	.globl _start
	.type _start, @function
_start:
start64:
	.cfi_startproc
	.cfi_undefined rip      /* outermost frame */
	mov $0x10, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	mov %ax, %fs
	mov %ax, %gs
	mov $stack_top, %rsp
	xor %ebp, %ebp          /* frame-pointer chain ends here */
	call guest_entry
1:	hlt
	jmp 1b
	.cfi_endproc
	.size _start, . - _start

	.section .rodata
	.balign 8
gdt:
	.quad 0
	.quad 0x00af9a000000ffff  /* 0x08: 64-bit code, DPL 0 */
	.quad 0x00cf92000000ffff  /* 0x10: data, DPL 0 */
gdt_end:
gdt_ptr:
	.word gdt_end - gdt - 1
	.long gdt

	.section .stack, "aw", @nobits
	.balign 4096
pml4:	.space 4096
pdpt:	.space 4096
pd:	.space 4096
	.balign 16
	.space 256
boot_stack_top:
	.space 16384
stack_top:
	.section .note.GNU-stack, "", @progbits
