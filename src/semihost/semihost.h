/*
 * Semihosting serviced by stubrun over the GDB stub: the Arm semihosting
 * operations (Arm "Semihosting for AArch32 and AArch64", version 2, which
 * the RISC-V semihosting specification reuses unchanged) for guests whose
 * QEMU runs with its own semihosting OFF.
 *
 * How the run loop uses it (three calls):
 *
 *   semihost *sh;
 *   semihost_config cfg;
 *   semihost_config_init(&cfg);            // then set root, cmdline, output...
 *   if (semihost_new(&sh, &cfg, target, img, err, sizeof err) < 0) ...
 *
 *   size_t n;
 *   const semihost_trap *t = semihost_traps(sh, &n);
 *   for (i = 0; i < n; i++)                // (a) one breakpoint per trap
 *       rsp_bp_insert(c, RSP_BP_SW, t[i].addr, t[i].bp_kind);
 *
 *   ... on a stop whose PC satisfies semihost_is_trap(sh, pc):
 *   semihost_result r;
 *   if (semihost_handle(&r, sh, &io, pc) < 0)   // (b) service the call
 *       fail with semihost_errmsg(sh) (a stub failure: status 125)
 *   switch (r.action) {
 *   case SEMIHOST_CONTINUE: resume the guest (the PC was already moved)
 *   case SEMIHOST_EXIT:     the guest exited; stubrun's status is r.status
 *   case SEMIHOST_FAIL:     the guest reported failure r.reason; r.message
 *                           names it; stubrun's status is 1 (as QEMU's)
 *   }
 *   semihost_free(sh);
 *
 * Errors that belong to the GUEST (bad pointer, file not found, path
 * outside the sandbox, unknown operation, refused SYSTEM) never make
 * semihost_handle() fail: they become the operation's error result in the
 * guest's result register (-1 and SYS_ERRNO set), as the specification
 * says, plus a warning through cfg.warn for the unusual ones. Only a failure
 * of the `io` callbacks to reach the stub is an error of semihost_handle().
 *
 * The GDB File-I/O mode (QEMU's -semihosting-config target=gdb: QEMU decodes
 * the trap and sends 'F' requests) is src/semihost/fileio.h; both share the sandbox.
 *
 * No global state; nothing is printed. Not thread-safe per object.
 */
#ifndef SEMIHOST_H
#define SEMIHOST_H

#include <stddef.h>
#include <stdint.h>

#include "image.h"
#include "semihost_scan.h"
#include "target.h"

/* Error codes: SEMIHOST_E* in semihost_scan.h (shared by the three
 * semihosting headers). */

/*
 * Guest access, given by the run loop, implemented over the stub (e.g. with
 * rsp_reg_get_u64 / rsp_reg_set_u64 / rsp_mem_read / rsp_mem_write).
 * Register names are QEMU target.xml names: "r0", "r1", "pc" (arm),
 * "x0", "x1", "pc" (aarch64), "a0", "a1", "pc" (riscv). Values are the
 * register's value zero-extended to 64 bits.
 *
 * Each callback returns 0 on success, or:
 *   SEMIHOST_IO_FAULT  the stub refused the address (QEMU's "E14", i.e.
 *                      RSP_EREMOTE): the guest passed a bad pointer; the
 *                      operation fails in the guest with EFAULT;
 *   any other negative the stub is unreachable / misbehaved: the call is
 *                      abandoned and semihost_handle() returns SEMIHOST_EIO.
 * Memory callbacks are never asked for more than SEMIHOST_IO_CHUNK bytes
 * at once, so a guest asking to READ 4 GiB costs bounded host memory.
 */
#define SEMIHOST_IO_FAULT (-14)
#define SEMIHOST_IO_CHUNK 4096u  /* one page; fits any stub PacketSize split */

typedef struct semihost_target {
	int (*reg_get)(uint64_t *value, const char *name, void *arg);
	int (*reg_set)(const char *name, uint64_t value, void *arg);
	int (*mem_read)(void *buf, uint64_t addr, size_t len, void *arg);
	int (*mem_write)(uint64_t addr, const void *buf, size_t len, void *arg);
	void *arg;
} semihost_target;

/* Console output of the guest, as it wrote it (not NUL-terminated; may
 * contain NULs). `stream` is SEMIHOST_STREAM_*. `data` is valid during the
 * call. Where QEMU's own -semihosting (no chardev) puts each stream:
 * CONSOLE -> its stderr, STDOUT -> its stdout, STDERR -> its stderr. */
enum {
	SEMIHOST_STREAM_CONSOLE = 0, /* SYS_WRITEC, SYS_WRITE0 (debug console) */
	SEMIHOST_STREAM_STDOUT = 1,  /* SYS_WRITE to ":tt" opened "w" */
	SEMIHOST_STREAM_STDERR = 2,  /* SYS_WRITE to ":tt" opened "a" (the
				      * STDOUT_STDERR extension) */
};
typedef void (*semihost_output_fn)(int stream, const char *data, size_t len,
				   void *arg);

/* A one-line warning (unknown operation, refused SYSTEM, sandbox escape
 * attempt, ...). `msg` is valid during the call. */
typedef void (*semihost_warn_fn)(const char *msg, void *arg);

typedef struct semihost_config {
	/* Host directory the guest's files are confined to (--semihosting-root).
	 * NULL: the current directory. Opened once by semihost_new(); a relative
	 * guest path resolves beneath it; "..", absolute paths and symlinks that
	 * lead outside are refused (ENOENT/EACCES to the guest). */
	const char *root;
	int allow_system;        /* SYS_SYSTEM runs /bin/sh -c in root; default 0:
				  * refused with -1 and a warning */
	/* The bounds of such a host command: it may run host_budget(
	 * host_budget_arg) more ms (no host_budget, or negative: no limit),
	 * and stops when cancel_fd (-1: none; stubrun's signalfd) turns
	 * readable. Either way its process group is killed and the guest's
	 * call fails (ETIMEDOUT, ECANCELED). */
	int64_t (*host_budget)(void *arg);
	void *host_budget_arg;
	int cancel_fd;
	/* A host file the guest may not open for writing, e.g. the image when
	 * running fileio (semihost_new() protects its `img` by itself): stubrun
	 * maps the image and a guest truncating it would crash stubrun. NULL:
	 * none. */
	const char *protect_path;
	/* --coverage DIR: a guest's absolute path ending in .gcda (libgcov's
	 * own file output) opens under DIR, mapped as covout.h says with
	 * `coverage_strip`; the sandbox's one exception to "no absolute
	 * paths". NULL: none. */
	const char *coverage_dir;
	unsigned coverage_strip;
	/* GET_CMDLINE's answer (the guest's argv as one string, e.g.
	 * "prog a b"). NULL: the image's file name, as QEMU's -kernel does.
	 * Copied by semihost_new(). */
	const char *cmdline;
	/* HEAPINFO. When has_heap is 0, the four values come from the image's
	 * symbols (__heap_start/__heap_base/end, __heap_end/__heap_limit,
	 * __stack/__stack_top/_stack, __stack_limit/__StackLimit), and what is
	 * still unknown from QEMU's own rule (heap after the image, stack at
	 * the end of RAM, needs ram_base / ram_size). With has_heap and a zero
	 * stack (--heap BASE:LIMIT), the heap is the user's and the stack still
	 * comes from the image's symbols (else QEMU's rule), its limit from
	 * __stack_limit when the image has one, else the heap's LIMIT: the
	 * stack may grow down to the heap, not into it. Zeros are never
	 * returned when any source exists: newlib's crt0 hangs on a zero
	 * stack. */
	int has_heap;
	uint64_t heap_base, heap_limit, stack_base, stack_limit;
	uint64_t ram_base, ram_size; /* 0: unknown */
	/* Guest stdin (READ/READC on ":tt" in read mode). -1: end of file.
	 * Not closed by this module. Default -1. */
	int stdin_fd;
	semihost_output_fn output; /* optional: without it output is dropped */
	void *output_arg;
	semihost_warn_fn warn;     /* optional */
	void *warn_arg;
} semihost_config;

/* Fills `cfg` with the defaults (root NULL, nothing allowed, stdin_fd and
 * cancel_fd -1). */
void semihost_config_init(semihost_config *cfg);
/* What cfg's host_budget says a host command may take now, in ms (-1: no
 * limit). */
int64_t semihost_config_budget(const semihost_config *cfg);

typedef struct semihost semihost;

/*
 * Creates the service for `target` (its semihosting kind must not be
 * TARGET_SEMIHOSTING_NONE; ptr_size picks 32- or 64-bit parameter blocks)
 * and, when `img` is not NULL, scans it for traps (semihost_scan.h).
 * `cfg` is copied; `target` and `img` must outlive the object.
 * On failure *out is NULL and errbuf holds a one-line message.
 */
int semihost_new(semihost **out, const semihost_config *cfg,
		 const target_desc *target, const image *img, char *errbuf,
		 size_t errlen);
/* Closes the guest's open files and frees everything. NULL is a no-op. */
void semihost_free(semihost *sh);

/* The traps found (sorted by address, no duplicates). Valid until the next
 * semihost_add_trap() or semihost_free(). */
const semihost_trap *semihost_traps(const semihost *sh, size_t *count);
/* Adds one trap by hand (tests; images without sections). */
int semihost_add_trap(semihost *sh, const semihost_trap *trap);
/* 1 when `pc` is the address of a trap. */
int semihost_is_trap(const semihost *sh, uint64_t pc);

typedef enum semihost_action {
	SEMIHOST_CONTINUE = 0,  /* resume the guest: result written, PC moved */
	SEMIHOST_EXIT,          /* ADP_Stopped_ApplicationExit: exit with status */
	SEMIHOST_FAIL,          /* any other exit reason: a failure */
} semihost_action;

typedef struct semihost_result {
	semihost_action action;
	int status;             /* EXIT: the guest's status (0-255 as the host
				 * truncates it); FAIL: 1 */
	uint64_t reason;        /* EXIT/FAIL: the ADP_Stopped_* reason */
	uint64_t op;            /* the operation serviced (SYS_* number) */
	char message[128];      /* FAIL: e.g. "semihosting exit: reason
				 * ADP_Stopped_RunTimeErrorUnknown (0x20023)" */
} semihost_result;

/*
 * Services the trap the guest stopped at (pc must be a trap address):
 * reads the operation and parameter registers, performs the operation,
 * writes the result register and moves the PC past the trap instruction
 * (past the whole slli/ebreak/srai sequence on RISC-V). On EXIT/FAIL the PC
 * is left alone. Returns 0, SEMIHOST_ENOTTRAP, or SEMIHOST_EIO (message in
 * semihost_errmsg()).
 */
int semihost_handle(semihost_result *res, semihost *sh,
		    const semihost_target *io, uint64_t pc);

/* The last error message; never NULL. */
const char *semihost_errmsg(const semihost *sh);

/* The operation's name, e.g. "SYS_WRITE0", or NULL when unknown. */
const char *semihost_op_name(uint64_t op);

#endif /* SEMIHOST_H */
