/*
 * What each machine directory (x86/, aarch64/, arm/, riscv/) provides to the
 * shared guest code in common/: console output, early setup, and the
 * architecture's deliberate fault. Freestanding; no libc.
 */
#ifndef EXAMPLES_PLATFORM_H
#define EXAMPLES_PLATFORM_H

#include <stddef.h>
#include <stdint.h>

/* Sets up the console and the trap vector (where the machine has one). */
void plat_init(void);
/* Writes one byte to the machine's serial console (polled, blocking). */
void plat_putc(char c);
/* Performs the fault the crash variants demonstrate; returns only if the
 * fault did not happen. Deliberately not noreturn: GCC saves no return
 * address in a noreturn function, and a post-mortem wants one. */
void plat_crash(void);
/* "i386", "x86_64", "aarch64", "arm", "riscv64" or "riscv32". */
extern const char plat_arch[];

/* console.c: formatted output built on plat_putc. */
void console_puts(const char *s);
void console_put_hex(uintptr_t v);
void console_put_dec(unsigned v);

/* spin.c: loops forever, counting turns in spin_count (global, so a
 * debugger finds it by name). */
__attribute__((noinline, noreturn)) void spin_forever(void);
extern volatile unsigned long spin_count;

/* Each variant (pass.c, fail.c, hang.c, crash.c, multi.c) defines main();
 * entry.c calls it after plat_init and exits with its result. */
int main(void);
/* entry.c: the C entry every start.S jumps to, with a stack set up. */
__attribute__((noreturn)) void guest_entry(void);

#endif
