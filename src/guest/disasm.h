/*
 * Disassembly for post-mortems: a capstone 4 wrapper that formats
 * "ADDR:  BYTES  MNEMONIC OPERANDS" lines into caller buffers, and finds
 * the instruction before a PC on variable-length ISAs. RISC-V, which
 * capstone 4 does not decode, goes through our own decoder
 * (disasm_riscv.c: integer ISA, M, A, Zicsr, C); other RISC-V encodings
 * print as ".insn WORD" with their correct length.
 */
#ifndef DISASM_H
#define DISASM_H

#include <stddef.h>
#include <stdint.h>

#include "target.h"

typedef struct disasm disasm;

enum {
	DISASM_EUNSUPPORTED = -1, /* capstone cannot open this arch/mode */
	DISASM_EDECODE = -2,      /* the bytes are not a valid instruction
				   * (or too few bytes were given) */
	DISASM_ENOSPACE = -3,     /* the output buffer is too small */
	DISASM_ENOMEM = -4,
};

/*
 * Opens a disassembler for target `t`. `thumb` matters for Arm only:
 * nonzero decodes Thumb (with the target's M-class flag), zero A32.
 * Free with disasm_free(); disasm_free(NULL) is a no-op.
 */
int disasm_open(disasm **out, const target_desc *t, int thumb);
void disasm_free(disasm *d);

/*
 * Decodes the one instruction at code[0..len), which sits at guest
 * address `addr`, into one line (no newline) in buf. *size gets its
 * length in bytes. Bytes that do not decode give DISASM_EDECODE, with
 * buf holding a ".byte" line for one alignment unit (x86: a byte, Thumb:
 * a halfword, A32/A64: a word; RISC-V: ".2byte" of a halfword) and *size
 * its length, so that callers can skip it. *size is 0 only when len is 0.
 */
int disasm_one(size_t *size, char *buf, size_t buflen, disasm *d,
	       const uint8_t *code, size_t len, uint64_t addr);

/*
 * Disassembles up to `max` instructions from code[0..len) at `addr`,
 * one line each, '\n'-terminated, into buf (NUL-terminated). Undecodable
 * bytes become ".byte" lines and decoding goes on after them. *count
 * gets the number of lines. DISASM_ENOSPACE when buf fills up (buf then
 * holds the whole lines that fitted).
 */
int disasm_lines(size_t *count, char *buf, size_t buflen, disasm *d,
		 const uint8_t *code, size_t len, uint64_t addr, size_t max);

/*
 * The address of the instruction that ends exactly at `pc`, given the
 * bytes code[0..len) at `base` (base < pc <= base + len). On fixed-length
 * ISAs that is pc - 4. On x86, Thumb-2 and compressed RISC-V the bytes are
 * decoded from every start in [base, pc) in turn, and the first start whose
 * instructions all decode and land on pc wins: pass a function's start as
 * base for an exact answer, or a window of a few dozen bytes before pc.
 * DISASM_EDECODE when no start lands on pc.
 */
int disasm_prev(uint64_t *out, disasm *d, const uint8_t *code, size_t len,
		uint64_t base, uint64_t pc);

#endif /* DISASM_H */
