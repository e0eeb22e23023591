/*
 * A small RISC-V decoder for disasm.c, because capstone 4 has none: RV32I,
 * RV64I, M, A, Zicsr, Zifencei, the privileged return/wait instructions and
 * the C extension's integer instructions, printed in objdump's expanded
 * forms with ABI register names. Private to disasm.c.
 */
#ifndef DISASM_RISCV_H
#define DISASM_RISCV_H

#include <stddef.h>
#include <stdint.h>

/*
 * Decodes the instruction at code[0..len) at `addr` for XLEN `xlen` (32 or
 * 64) into text ("mnemonic operands", no address or bytes). *size gets its
 * length (2 or 4) even when it does not decode. Returns 0, -1 when the
 * encoding is not one of the above (text then empty), -2 when len is too
 * short for the instruction's length.
 */
int disasm_riscv(size_t *size, char *text, size_t textlen, const uint8_t *code,
		 size_t len, uint64_t addr, unsigned xlen);

#endif /* DISASM_RISCV_H */
