/* Register aliases of the x86 targets: names QEMU's target.xml does not carry. */
#include "x86.h"

#include <stddef.h>

/* The 8- and 16-bit parts of the general registers, by their base names. */
#define X86_SUBREGS(a, b, c, d, si, di, bp, ip)                               \
	{ "al", a, 0, 8 }, { "ah", a, 8, 8 }, { "ax", a, 0, 16 },            \
	{ "bl", b, 0, 8 }, { "bh", b, 8, 8 }, { "bx", b, 0, 16 },            \
	{ "cl", c, 0, 8 }, { "ch", c, 8, 8 }, { "cx", c, 0, 16 },            \
	{ "dl", d, 0, 8 }, { "dh", d, 8, 8 }, { "dx", d, 0, 16 },            \
	{ "si", si, 0, 16 }, { "di", di, 0, 16 },                            \
	{ "bp", bp, 0, 16 }, { "ip", ip, 0, 16 }

const target_alias target_x86_aliases32[] = {
	X86_SUBREGS("eax", "ebx", "ecx", "edx", "esi", "edi", "ebp", "eip"),
	{ NULL, NULL, 0, 0 },
};

const target_alias target_x86_aliases64[] = {
	X86_SUBREGS("rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rip"),
	{ "eax", "rax", 0, 32 }, { "ebx", "rbx", 0, 32 },
	{ "ecx", "rcx", 0, 32 }, { "edx", "rdx", 0, 32 },
	{ "esi", "rsi", 0, 32 }, { "edi", "rdi", 0, 32 },
	{ "ebp", "rbp", 0, 32 }, { "esp", "rsp", 0, 32 },
	{ "eip", "rip", 0, 32 },
	{ NULL, NULL, 0, 0 },
};
