/* libFuzzer harness for the --expect language (src/run/expect.c): any text
 * is parsed, and what parses is evaluated against a fake guest whose names
 * and memory answer from the input's own bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "expect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int fake_name(uint64_t *value, int *bits, void *arg, const char *name)
{
	const uint8_t *seed = arg;

	if (name[0] == 'x')
		return EXPECT_ENAME;
	if (name[0] == 'y')
		return EXPECT_EACCESS;
	*value = (uint64_t)seed[0] * 0x0101010101010101ull;
	*bits = name[0] == 'w' ? 32 : 64;
	return 0;
}

static int fake_mem(uint64_t *value, void *arg, uint64_t addr, int bytes)
{
	const uint8_t *seed = arg;

	if (bytes != 1 && bytes != 2 && bytes != 4 && bytes != 8)
		abort(); /* the parser admits only these widths */
	if (addr & 1)
		return EXPECT_EACCESS;
	*value = seed[0];
	return 0;
}

static int count_name(void *arg, const char *name)
{
	if (strlen(name) > EXPECT_NAME_MAX)
		abort();
	++*(int *)arg;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	uint8_t seed = size ? data[0] : 0;
	expect_env env = { fake_name, fake_mem, &seed };
	char err[256], detail[256];
	expect_expr e;
	expect_operand op;
	int holds, names = 0;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (expect_parse(&e, text, err, sizeof(err)) == 0) {
		if (!memchr(e.text, '\0', sizeof(e.text)))
			abort();
		expect_foreach_name(&e, count_name, &names);
		if (expect_eval(&holds, &e, &env, detail, sizeof(detail), err,
				sizeof(err)) == 0 && holds != 0 && holds != 1)
			abort();
	} else if (!memchr(err, '\0', sizeof(err))) {
		abort();
	}
	if (expect_parse_operand(&op, text, err, sizeof(err)) == 0 &&
	    op.kind == EXPECT_MEM && op.mem_bytes != 1 && op.mem_bytes != 2 &&
	    op.mem_bytes != 4 && op.mem_bytes != 8)
		abort();
	free(text);
	return 0;
}
