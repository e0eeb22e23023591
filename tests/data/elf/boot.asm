; Test boot sector for the raw-image and 16-bit disassembly tests: a
; real-mode loop at 0x7c00 that writes 0x31 to the isa-debug-exit port.
	bits 16
	org 0x7c00
start:
	cli
	xor ax, ax
	mov ds, ax
	mov ax, 0x31
	out 0xf4, ax
.hang:
	hlt
	jmp .hang
	times 510 - ($ - $$) db 0
	dw 0xaa55
