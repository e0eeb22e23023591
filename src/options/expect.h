/*
 * The --expect language: `LHS OP RHS` with OP one of == != < <= > >=, each
 * side a number (decimal, 0x hex, 0b binary, negative), a name (a register
 * or a symbol, optionally +/- a number), or memory memN[X] (N = 8, 16, 32,
 * 64; X a number or a name +/- a number). Parsed once at startup;
 * evaluated against the stopped guest through callbacks, so this module
 * knows nothing about the stub.
 *
 * Comparison: unsigned at 64 bits, unless one side is a negative literal:
 * then both sides are sign-extended from their width (a register's bitsize,
 * memN's N) and compared signed, so `eax == -1` holds for 0xffffffff.
 */
#ifndef EXPECT_H
#define EXPECT_H

#include <stddef.h>
#include <stdint.h>

/* Why 63: longer than any register or symbol name a check needs, short
 * enough to keep an expression a fixed-size value. */
#define EXPECT_NAME_MAX 63
#define EXPECT_TEXT_MAX 256

typedef enum expect_kind {
	EXPECT_NUM = 0,  /* value */
	EXPECT_NAME,     /* name + value (offset) */
	EXPECT_MEM,      /* memN[ name + value ] or memN[ value ] */
} expect_kind;

typedef enum expect_op {
	EXPECT_EQ = 0, EXPECT_NE, EXPECT_LT, EXPECT_LE, EXPECT_GT, EXPECT_GE,
} expect_op;

typedef struct expect_operand {
	expect_kind kind;
	int mem_bytes;               /* EXPECT_MEM: 1, 2, 4 or 8 */
	int negative;                /* EXPECT_NUM written with a '-' */
	char name[EXPECT_NAME_MAX + 1]; /* "" when none */
	uint64_t value;              /* NUM: the number; else the offset */
} expect_operand;

typedef struct expect_expr {
	char text[EXPECT_TEXT_MAX];  /* as written (truncated), for messages */
	expect_operand lhs, rhs;
	expect_op op;
} expect_expr;

enum {
	EXPECT_ESYNTAX = -1,  /* malformed expression */
	EXPECT_ENAME = -2,    /* a name is neither a register nor a symbol */
	EXPECT_EACCESS = -3,  /* a register or memory read failed */
};

/* Parses `text`. On EXPECT_ESYNTAX errbuf says what is wrong and where. */
int expect_parse(expect_expr *out, const char *text, char *errbuf,
		 size_t errlen);

/* Parses one operand alone (also the syntax of --break/--pass-at LOC:
 * a number, or name +/- number). */
int expect_parse_operand(expect_operand *out, const char *text, char *errbuf,
			 size_t errlen);

/* Access to the stopped guest. `name` resolves a name to a value and its
 * width in bits: a register (its value) or a symbol (its address, 64 bits);
 * it returns EXPECT_ENAME when the name is neither, EXPECT_EACCESS when a
 * read failed. `mem` reads `bytes` little-endian bytes at `addr`. */
typedef struct expect_env {
	int (*name)(uint64_t *value, int *bits, void *arg, const char *name);
	int (*mem)(uint64_t *value, void *arg, uint64_t addr, int bytes);
	void *arg;
} expect_env;

/* The value of one operand (and its width in bits). */
int expect_operand_eval(uint64_t *value, int *bits, const expect_operand *op,
			const expect_env *env, char *errbuf, size_t errlen);

/* Evaluates `e`: *holds gets 1 or 0. On success, `detail` (when not NULL)
 * gets "LHS = 0x.., RHS = 0x.." with each side's actual value, for the
 * "expected vs actual" message. Errors: EXPECT_ENAME, EXPECT_EACCESS (with
 * a message in errbuf). */
int expect_eval(int *holds, const expect_expr *e, const expect_env *env,
		char *detail, size_t detlen, char *errbuf, size_t errlen);

/* Calls `fn` for every name used in `e` (to check them once at startup). */
int expect_foreach_name(const expect_expr *e,
			int (*fn)(void *arg, const char *name), void *arg);

/* The operator's spelling, e.g. "<=". */
const char *expect_op_str(expect_op op);

#endif /* EXPECT_H */
