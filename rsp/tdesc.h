/*
 * Target descriptions (private to libgdb-remote): parses the GDB target
 * description XML (GDB manual, appendix "Target Descriptions") into a
 * register table. Owned by rsp/tdesc.c.
 *
 * Parsing uses expat, never string scanning: QEMU's i386 description keeps
 * whole <reg> elements inside XML comments, which must not be counted.
 * <xi:include href="..."/> is resolved by fetching the named annex through a
 * caller-supplied callback (normally qXfer:features:read:ANNEX), with caps on
 * the include depth, the number of annexes and the total bytes fetched, and
 * with include cycles rejected.
 *
 * Register numbering follows the manual: a <reg> with regnum= takes that
 * number, any other <reg> takes one more than the previous register in
 * document order (across features and included files); the first register
 * defaults to 0.
 *
 * g_offset is the byte offset of the register in the 'g' packet as GDB lays
 * it out: all described registers in ascending regnum order, back to back,
 * gaps in the numbering ignored. A stub may send a shorter 'g' reply (QEMU
 * sends only its core feature, e.g. riscv x0..pc, aarch64 x0..cpsr), so a
 * caller must check g_offset + bitsize/8 against the reply length and use
 * 'p' otherwise. g_offset is -1 from the first register whose bitsize is
 * not a whole number of bytes on (its layout, and all after it, unknown).
 */
#ifndef RSP_TDESC_H
#define RSP_TDESC_H

#include <stddef.h>

#include "rsp.h"

/*
 * Fetches one annex (e.g. "target.xml", "i386-64bit.xml") and hands back its
 * bytes: *out is malloc'd (need not be NUL-terminated; *len bytes long) and
 * becomes owned by the caller of fetch -- tdesc frees it with free(), on
 * success and on error alike. Returns 0 or a negative rsp_error (then *out
 * is ignored; set it to NULL). `arg` is the pointer given to tdesc_load().
 */
typedef int (*tdesc_fetch_fn)(char **out, size_t *len, const char *annex,
			      void *arg);

/* Opaque: the register table and the strings it points to. */
typedef struct tdesc tdesc;

/*
 * Fetches `annex` (normally "target.xml") and everything it includes, parses
 * it, and builds the register table.
 *
 * On success *out is a new tdesc the caller frees with tdesc_free().
 * On failure *out is NULL, and when `errbuf` is not NULL a one-line message
 * naming the annex at fault is written there (truncated to errlen).
 * Errors: RSP_EPROTO for malformed XML, an invalid register (no name,
 * bitsize 0 or > 4096, duplicate regnum, bad number), an include cycle, or a
 * cap exceeded; the fetch callback's own error code is passed through
 * unchanged (e.g. RSP_EUNSUPPORTED, RSP_EREMOTE) for a missing annex;
 * RSP_ESYS when memory runs out.
 */
int tdesc_load(tdesc **out, const char *annex, tdesc_fetch_fn fetch,
	       void *arg, char *errbuf, size_t errlen);

/*
 * tdesc_load() that leaves out the annexes named in `lazy` (NULL-
 * terminated; NULL: none) when the root document includes them after
 * every register it describes: *out is then a partial table, the
 * registers before them, numbered and laid out as in the whole one
 * provided the left-out registers number above them (the caller checks
 * that on completing it with tdesc_load()). A register or include after
 * a lazy include would be numbered differently without it: the
 * description is then read whole (fetched again through `fetch`).
 */
int tdesc_load_lazy(tdesc **out, const char *annex, tdesc_fetch_fn fetch,
		    void *arg, const char *const *lazy, char *errbuf,
		    size_t errlen);

/* 1 when tdesc_load_lazy() left an annex out; its name (the first left
 * out), "" for a whole table. */
int tdesc_partial(const tdesc *t);
const char *tdesc_lazy_annex(const tdesc *t);
/* Marks the table partial, `annex` left out (copied). RSP_ESYS. */
int tdesc_set_lazy(tdesc *t, const char *annex);

/* The table of `nregs` registers (sorted here by regnum, g_offset laid
 * out here) whose strings and `arch` point into `strings`: takes ownership
 * of `regs` and, on success, of `strings`. RSP_ESYS when out of memory
 * (`regs` freed). For tdesc.c's parser. */
int tdesc_table_new(tdesc **out, rsp_reg *regs, size_t nregs, char *strings,
		    const char *arch);

/* Frees the table and all its strings. NULL is a no-op. */
void tdesc_free(tdesc *t);

/* Number of registers. 0 for NULL. */
size_t tdesc_count(const tdesc *t);

/*
 * The i-th register, in ascending regnum order (so i == regnum when the
 * numbering has no gaps). NULL when out of range. The rsp_reg and its
 * strings are owned by `t` and valid until tdesc_free(t).
 */
const rsp_reg *tdesc_at(const tdesc *t, size_t i);

/* Lookup by exact name first, then case-insensitively. NULL when absent.
 * Same lifetime as tdesc_at(). */
const rsp_reg *tdesc_find(const tdesc *t, const char *name);

/* The <architecture> text, e.g. "i386:x86-64", "aarch64", "riscv:rv64";
 * "" when absent (never NULL). Owned by `t`. */
const char *tdesc_architecture(const tdesc *t);

#endif /* RSP_TDESC_H */
