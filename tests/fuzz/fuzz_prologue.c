/* libFuzzer harness for prologue analysis (src/guest/unwind_prologue.c)
 * and the targets' decoders (targets/riscv_prologue.c, arm_prologue.c):
 * byte 0 picks the architecture and instruction set, the rest is a
 * function's code as an image would hold it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "target.h"
#include "unwind_prologue.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The architectures with a decoder, and whether the code is Thumb. */
static const struct {
	const char *name;
	int thumb;
} picks[] = { { "riscv64", 0 }, { "riscv32", 0 }, { "arm", 1 }, { "arm", 0 } };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const target_desc *t;
	prologue_frame f;
	uint8_t *code;
	size_t len;
	int thumb;

	if (size < 1)
		return 0;
	t = target_by_name(picks[data[0] % 4].name);
	thumb = picks[data[0] % 4].thumb;
	len = size - 1 < PROLOGUE_MAX_BODY ? size - 1 : PROLOGUE_MAX_BODY;
	/* A private copy of the exact length: ASan flags any read past it. */
	if (!t || !(code = malloc(len ? len : 1)))
		return 0;
	memcpy(code, data + 1, len);
	if (prologue_analyze(&f, t, code, len < PROLOGUE_MAX_BYTES ? len :
			     PROLOGUE_MAX_BYTES, thumb) == 0) {
		if (f.size > UNWIND_MAX_FRAME)
			abort(); /* a frame past the bound is refused */
		for (int r = 0; r < UNWIND_REGS; r++)
			if ((f.saved >> r & 1) && f.slot[r] >= 0)
				abort(); /* saves lie below the CFA */
		if (f.saved >> UNWIND_REGS)
			abort();
	}
	(void)t->writes(code, len, thumb);
	free(code);
	return 0;
}
