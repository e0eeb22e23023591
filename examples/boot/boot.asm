; A 512-byte PC boot sector for stubrun's boot-sector checks (nasm -f bin).
; Real mode, loaded by the BIOS at 0x7c00 with DL = boot drive. Prints
; "boot ok" through the BIOS (int 0x10) and COM1, stores MAGIC (-DMAGIC=...,
; 0x1234 in boot.img, 0x4321 in boot-bad.img) at 0x7e00 and the boot drive
; at 0x7e02, then exits through isa-debug-exit (port 0xf4, status 0: QEMU
; exits 1). Fixed addresses a runner can rely on:
;   0x7c00  entry (DL untouched)       0x7d00  exit point (store done)
;   0x7dfe  0xaa55 signature           0x7e00  MAGIC, 0x7e02 boot drive

%ifndef MAGIC
%define MAGIC 0x1234
%endif

COM1 equ 0x3f8

	bits 16
	org 0x7c00

start:
	cli
	xor ax, ax
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov sp, 0x7c00
	sti
	mov [0x7e02], dl        ; before anything can change DL

	mov dx, COM1 + 3        ; 8N1, divisor 1 (115200)
	mov al, 0x80
	out dx, al
	mov dx, COM1
	mov al, 1
	out dx, al
	mov dx, COM1 + 1
	xor al, al
	out dx, al
	mov dx, COM1 + 3
	mov al, 3
	out dx, al

	mov si, msg
.next:
	lodsb
	test al, al
	jz .done
	mov ah, 0x0e            ; BIOS teletype
	mov bx, 0x0007
	push ax
	int 0x10
	pop ax
	mov dx, COM1 + 5        ; wait for THRE, then send
	mov ah, al
.wait:
	in al, dx
	test al, 0x20
	jz .wait
	mov al, ah
	mov dx, COM1
	out dx, al
	jmp .next
.done:
	mov word [0x7e00], MAGIC
	jmp exit_point

msg:	db "boot ok", 13, 10, 0

	times 0x100 - ($ - $$) db 0
exit_point:                     ; 0x7d00
	xor al, al
	out 0xf4, al            ; isa-debug-exit: QEMU exits (0 << 1) | 1
.halt:
	cli
	hlt
	jmp .halt

	times 510 - ($ - $$) db 0
	dw 0xaa55
