/*
 * A freestanding UEFI application (PE/COFF, no gnu-efi): prints a line
 * through the firmware's ConOut (OVMF copies it to the serial port) and
 * ends the run through QEMU's isa-debug-exit at port 0xf4, with STATUS as
 * the run's exit status (QEMU exits (STATUS << 1) | 1; stubrun decodes
 * it). Only the fields of the UEFI 2.x tables it uses are spelled out
 * (UEFI spec 4.3 System Table, 12.4 Simple Text Output Protocol).
 */
#include <stdint.h>

#ifndef STATUS
#define STATUS 0
#endif

typedef uint16_t char16;

typedef struct text_out {
	void *reset;
	uint64_t (*output_string)(struct text_out *self, const char16 *s);
} text_out;

typedef struct system_table {
	uint64_t signature;
	uint32_t revision, header_size, crc32, reserved;
	char16 *firmware_vendor;
	uint32_t firmware_revision;
	void *console_in_handle, *con_in;
	void *console_out_handle;
	text_out *con_out;
} system_table;

static void put(system_table *st, const char *s)
{
	char16 buf[128];
	int i = 0;

	while (*s && i < 126) {
		if (*s == '\n')
			buf[i++] = '\r';
		buf[i++] = (char16)*s++;
	}
	buf[i] = 0;
	st->con_out->output_string(st->con_out, buf);
}

static void debug_exit(uint32_t code)
{
	__asm__ volatile("outl %0, %1" : : "a"(code), "Nd"((uint16_t)0xf4));
}

uint64_t efi_main(void *image, system_table *st);

uint64_t efi_main(void *image, system_table *st)
{
	(void)image;
	put(st, STATUS == 0 ? "stubrun-uefi: pass\n" : "stubrun-uefi: fail\n");
	debug_exit(STATUS);
	for (;;)
		__asm__ volatile("hlt");
}
