/* Console output for the example guests: strings and numbers over plat_putc. */
#include "platform.h"

void console_puts(const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			plat_putc('\r');
		plat_putc(*s);
	}
}

void console_put_hex(uintptr_t v)
{
	/* Shifts only: no division, so no libgcc helper on 32-bit targets. */
	int shift = (int)sizeof(v) * 8 - 4;

	console_puts("0x");
	for (; shift >= 0; shift -= 4)
		plat_putc("0123456789abcdef"[(v >> shift) & 0xf]);
}

void console_put_dec(unsigned v)
{
	char buf[12];
	int i = (int)sizeof(buf) - 1;

	buf[i] = '\0';
	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0 && i > 0);
	console_puts(&buf[i]);
}
