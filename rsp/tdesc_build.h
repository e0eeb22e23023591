/*
 * Private to the target-description parser (rsp/tdesc.c, which loads the
 * annexes, and rsp/tdesc_xml.c, which reads each one's elements): the
 * caps, and the state of one load shared by the parsers of its annexes.
 */
#ifndef TDESC_BUILD_H
#define TDESC_BUILD_H

#include "tdesc.h"

#include <expat.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Caps. Every number here bounds something a hostile stub controls.
 * QEMU 7.2's descriptions: at most 6 annexes, 1 level of includes, the
 * largest (aarch64 with SVE) about 100 KiB in all, a few hundred registers,
 * regnums up to ~4200 (RISC-V CSRs are numbered 65 + CSR number), widest
 * register 2048 bits (SVE). The caps leave an order of magnitude of room.
 */
#define TDESC_MAX_DEPTH 8            /* nested xi:include levels */
#define TDESC_MAX_ANNEXES 64         /* annexes fetched in all */
#define TDESC_MAX_BYTES (4u << 20)   /* bytes fetched in all */
#define TDESC_MAX_NESTING 64         /* element nesting, across includes */
#define TDESC_MAX_REGS 16384
#define TDESC_MAX_REGNUM 65535
#define TDESC_MAX_BITSIZE 4096       /* the brief's "absurd" line */
#define TDESC_MAX_STR 256            /* names, types, groups, architecture */
#define TDESC_MAX_STRINGS (8u << 20) /* string arena; 16384 regs fit easily */

/* Element kinds on the shared element stack. */
typedef enum el_kind {
	EL_TARGET,
	EL_ARCH,
	EL_FEATURE,
	EL_REG,
	EL_INCLUDE,
	EL_OTHER, /* types, fields, osabi, ...: not needed for the register table */
} el_kind;

/* A register while parsing: strings are arena offsets, as the arena moves. */
typedef struct breg {
	int regnum;
	int bitsize;
	size_t name, type, group, feature;
} breg;

/* State of one tdesc_load(), shared by the parsers of all its annexes. */
typedef struct build {
	tdesc_fetch_fn fetch;
	void *arg;
	char *errbuf;
	size_t errlen;
	int err;                          /* first error; 0 while all is well */

	const char *open[TDESC_MAX_DEPTH + 1]; /* annexes being parsed: cycles */
	size_t nopen;
	size_t annexes;
	size_t bytes;

	el_kind stack[TDESC_MAX_NESTING]; /* spliced across includes, as GDB does */
	size_t depth;
	size_t feature;                   /* arena offset of the open feature */
	char arch[TDESC_MAX_STR + 1];
	size_t arch_len;
	int has_arch;
	size_t arch_off;

	/* Lazy annexes: an include of one of them by the root document is
	 * left out (its name kept); a register or include after it would be
	 * numbered differently without it, and makes the load eager. */
	const char *const *lazy;
	char deferred[TDESC_MAX_STR + 1];
	int after_deferred;

	breg *regs;
	size_t nregs, capregs;
	int next_regnum;
	uint8_t *used;                    /* bitmap of regnums taken */

	char *str;
	size_t strlen_, strcap;
} build;

/* The parser of one annex. */
typedef struct doc {
	build *b;
	XML_Parser p;
	const char *annex;
} doc;

/* Records the load's first error (RSP_E*): "ANNEX:LINE: " and the message
 * in the caller's buffer, and stops d's parser; d may be NULL. */
void tdesc_fail(build *b, const doc *d, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Appends s[0..len) and a NUL to the arena; its offset goes to *off.
 * 0, RSP_EPROTO past the arena's cap, RSP_ESYS. */
int tdesc_str_add(size_t *off, build *b, const char *s, size_t len);
/* Fetches and parses one annex, guarding depth, count, bytes and cycles
 * (tdesc.c); 0 or the load's error. */
int tdesc_load_annex(build *b, const char *annex);
/* Parses one fetched document; its elements join the shared stack
 * (tdesc_xml.c); 0 or the load's error. */
int tdesc_parse_doc(build *b, const char *annex, const char *buf,
		    size_t len);

#endif /* TDESC_BUILD_H */
