/* libFuzzer harness for rsp_stop_parse() (rsp/stop.c): any bytes, checked
 * against the invariants callers rely on. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rsp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A private copy, so ASan flags any read past `size`. */
	char *pkt = malloc(size ? size : 1);
	rsp_stop s;
	int rc;

	if (!pkt)
		return 0;
	memcpy(pkt, data, size);
	rc = rsp_stop_parse(&s, pkt, size);
	if (rc != 0 && rc != RSP_EPROTO)
		abort();
	if (rc != 0 && (s.kind != RSP_STOP_NONE || s.nregs || s.fileio_argc))
		abort(); /* errors leave the documented reset state */
	if (s.nregs > RSP_STOP_MAX_REGS || s.fileio_argc > RSP_FILEIO_MAX_ARGS)
		abort();
	for (size_t i = 0; i < s.nregs; i++)
		if (s.regs[i].len == 0 || s.regs[i].len > RSP_STOP_REG_BYTES)
			abort();
	if (!memchr(s.fileio_call, '\0', sizeof(s.fileio_call)))
		abort();
	if (rc == 0 && s.kind == RSP_STOP_NONE)
		abort();
	free(pkt);
	return 0;
}
