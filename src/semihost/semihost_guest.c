/* Guest access for the semihosting service: memory in chunks with the
 * guest's faults told apart from the stub's, parameter blocks of the
 * caller's word size, names, and the warning/output callbacks. */
#include "semihost_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

void sh_warn(semihost *sh, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (!sh->cfg.warn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sh->cfg.warn(msg, sh->cfg.warn_arg);
}

void sh_output(semihost *sh, int stream, const char *data, size_t len)
{
	if (sh->cfg.output && len > 0)
		sh->cfg.output(stream, data, len, sh->cfg.output_arg);
}

int sh_set_errmsg(semihost *sh, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sh->errmsg, sizeof(sh->errmsg), fmt, ap);
	va_end(ap);
	return err;
}

/* --- guest access ------------------------------------------------------ */

/* Maps an io callback's failure: a refused address is the guest's EFAULT
 * (positive), anything else is fatal. */
static int io_fail(semihost *sh, int rc, const char *what, uint64_t addr)
{
	if (rc == SEMIHOST_IO_FAULT)
		return EFAULT;
	return sh_set_errmsg(sh, SEMIHOST_EIO,
			  "%s at 0x%llx failed (stub error %d)",
			  what, (unsigned long long)addr, rc);
}

/* [addr, addr + len) does not wrap around, nor leave a 32-bit guest's
 * address space. */
static int in_address_space(const semihost *sh, uint64_t addr, size_t len)
{
	if (len == 0)
		return 1;
	if (addr + len - 1 < addr)
		return 0;
	return sh->wide || addr + len - 1 <= UINT32_MAX;
}

int sh_mem_read(semihost *sh, const semihost_target *io, void *buf,
		uint64_t addr, size_t len)
{
	uint8_t *p = buf;

	if (!in_address_space(sh, addr, len))
		return EFAULT;
	while (len > 0) {
		size_t n = len < SEMIHOST_IO_CHUNK ? len : SEMIHOST_IO_CHUNK;
		int rc = io->mem_read(p, addr, n, io->arg);
		if (rc)
			return io_fail(sh, rc, "memory read", addr);
		p += n;
		addr += n;
		len -= n;
	}
	return 0;
}

int sh_mem_write(semihost *sh, const semihost_target *io, uint64_t addr,
		 const void *buf, size_t len)
{
	const uint8_t *p = buf;

	if (!in_address_space(sh, addr, len))
		return EFAULT;
	while (len > 0) {
		size_t n = len < SEMIHOST_IO_CHUNK ? len : SEMIHOST_IO_CHUNK;
		int rc = io->mem_write(addr, p, n, io->arg);
		if (rc)
			return io_fail(sh, rc, "memory write", addr);
		p += n;
		addr += n;
		len -= n;
	}
	return 0;
}

/* Little-endian words of the caller's size: all supported targets are LE. */
static uint64_t get_word(const uint8_t *p, unsigned size)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < size; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static void put_word(uint8_t *p, unsigned size, uint64_t v)
{
	for (unsigned i = 0; i < size; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

int sh_read_args(semihost *sh, const semihost_target *io, uint64_t *args,
		 size_t n, uint64_t block)
{
	uint8_t buf[8 * SH_MAX_ARGS];
	unsigned w = sh_word(sh);
	int rc;

	rc = sh_mem_read(sh, io, buf, block, n * w);
	if (rc)
		return rc;
	for (size_t i = 0; i < n; i++)
		args[i] = get_word(buf + i * w, w);
	return 0;
}

int sh_write_words(semihost *sh, const semihost_target *io, uint64_t addr,
		   const uint64_t *vals, size_t n)
{
	uint8_t buf[8 * SH_MAX_ARGS];
	unsigned w = sh_word(sh);

	for (size_t i = 0; i < n; i++)
		put_word(buf + i * w, w, vals[i]);
	return sh_mem_write(sh, io, addr, buf, n * w);
}

int sh_read_string(semihost *sh, const semihost_target *io, char *buf,
		   size_t cap, uint64_t addr, uint64_t len)
{
	int rc;

	if (len >= cap)
		return ENAMETOOLONG;
	rc = sh_mem_read(sh, io, buf, addr, (size_t)len);
	if (rc)
		return rc;
	buf[len] = '\0'; /* an embedded NUL ends the name, as in QEMU */
	return 0;
}
