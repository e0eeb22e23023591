/*
 * Private to the semihosting service: the service object, one call's
 * state, the operation table (semihost_ops.c), the guest access helpers
 * (semihost_guest.c) and the heap (semihost_heap.c). semihost.c (object,
 * dispatch) uses all three; the operations use guest access only.
 * Helpers and operations return 0, a positive host errno for a mistake of
 * the GUEST (it gets -1 and SYS_ERRNO), or SEMIHOST_EIO when the stub
 * failed (the message is in sh->errmsg).
 */
#ifndef SEMIHOST_INT_H
#define SEMIHOST_INT_H

#include <stdint.h>
#include <time.h>

#include "semihost.h"
#include "semihost_fs.h"

/* Open guest files at once: newlib and picolibc keep at most ~20; 64
 * bounds what a guest looping on SYS_OPEN can hold open on the host. */
#define SH_MAX_FILES 64
/* Most words in any parameter block (SYS_RENAME). */
#define SH_MAX_ARGS 4
/* Longest SYS_WRITE0 string: a missing NUL must not stream guest memory
 * forever. 1 MiB is far beyond any real message. */
#define SH_WRITE0_MAX (1u << 20)

typedef enum sh_file_kind {
	SH_FILE_FREE = 0,
	SH_FILE_HOST,         /* fd: a file in the sandbox */
	SH_FILE_CONSOLE_IN,   /* ":tt" for reading: cfg.stdin_fd */
	SH_FILE_CONSOLE_OUT,  /* ":tt" for writing: stream */
	SH_FILE_FEATURES,     /* ":semihosting-features": pos into the data */
} sh_file_kind;

typedef struct sh_file {
	sh_file_kind kind;
	int fd;
	int stream;
	size_t pos;
} sh_file;

struct semihost {
	semihost_config cfg;      /* root cleared: not kept */
	const target_desc *target;
	semihost_fs *fs;
	char *cmdline;
	int wide;                 /* 64-bit parameter blocks (A64, RV64) */
	const char *op_reg, *arg_reg, *pc_reg;
	semihost_trap *traps;
	size_t ntraps, traps_cap;
	sh_file files[SH_MAX_FILES];
	int err;                  /* SYS_ERRNO: the last failure's host errno */
	uint64_t heap[4];         /* HEAPINFO: base, limit, stack base, limit */
	struct timespec start;    /* for CLOCK and ELAPSED */
	char errmsg[256];
};

typedef struct sh_call {
	uint64_t nr;              /* operation */
	uint64_t args;            /* parameter register */
	uint64_t ret;             /* result register, when set_ret */
	int set_ret;
	semihost_result *res;
	const semihost_target *io;
} sh_call;

typedef struct sh_op {
	uint64_t nr;
	const char *name;
	int (*fn)(sh_call *c, semihost *sh);
	int a64_only;             /* SYS_SYNCCACHE */
} sh_op;

/* The operations, terminated by a NULL name (semihost_ops.c). */
extern const sh_op sh_ops[];
/* SYS_EXIT and SYS_EXIT_EXTENDED, a row of that table (semihost_exit.c). */
int sh_op_exit(sh_call *c, semihost *sh);

static inline unsigned sh_word(const semihost *sh)
{
	return sh->wide ? 8u : 4u;
}

/* Sets sh->errmsg and returns `err` (a SEMIHOST_E* code). */
int sh_set_errmsg(semihost *sh, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void sh_warn(semihost *sh, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void sh_output(semihost *sh, int stream, const char *data, size_t len);
int sh_mem_read(semihost *sh, const semihost_target *io, void *buf,
		uint64_t addr, size_t len);
int sh_mem_write(semihost *sh, const semihost_target *io, uint64_t addr,
		 const void *buf, size_t len);
/* n words of the caller's size from the parameter block at `block`. */
int sh_read_args(semihost *sh, const semihost_target *io, uint64_t *args,
		 size_t n, uint64_t block);
int sh_write_words(semihost *sh, const semihost_target *io, uint64_t addr,
		   const uint64_t *vals, size_t n);
/* A name of `len` bytes at addr into buf (NUL-terminated); ENAMETOOLONG
 * when len >= cap. */
int sh_read_string(semihost *sh, const semihost_target *io, char *buf,
		   size_t cap, uint64_t addr, uint64_t len);
/* Fills sh->heap from the configuration, the image's symbols or RAM
 * (semihost_heap.c). */
void sh_heap_init(semihost *sh, const image *img);

#endif /* SEMIHOST_INT_H */
