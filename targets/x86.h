/*
 * What the x86 targets share: QEMU's isa-debug-exit device and the register
 * names the stub does not send (sub-registers; the 32-bit names on x86_64).
 */
#ifndef TARGETS_X86_H
#define TARGETS_X86_H

#include "target.h"

/* isa-debug-exit at 0xf4: a guest `outl` there makes QEMU exit with
 * (value << 1) | 1, the usual exit path of kernel test suites. */
#define TARGET_X86_EXIT_DEVICE \
	"-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"

/* al, ah, ax, ... ip of the 32-bit and of the 64-bit register file; on
 * x86_64 also eax ... eip. NULL-terminated (targets/x86.c). */
extern const target_alias target_x86_aliases32[];
extern const target_alias target_x86_aliases64[];

/* The IDT fault catch both x86 targets share (targets/x86.c). */
extern const target_faults target_x86_faults;

#endif /* TARGETS_X86_H */
