/*
 * Answers GDB File-I/O requests ('F' stop replies, GDB manual "File-I/O
 * Remote Protocol Extension") that QEMU sends when it runs with
 * -semihosting-config enable=on,target=gdb: QEMU decodes the semihosting
 * trap itself and asks the debugger (stubrun) to do the host side.
 * Flags, modes, errno values and struct stat / timeval layouts are the
 * protocol's (fixed, big-endian), not the host's. Host files are confined
 * to the same sandbox as src/semihost/semihost.h.
 *
 * Use from the run loop:
 *
 *   fileio *fio;
 *   fileio_new(&fio, &cfg, err, sizeof err);   // cfg: semihost_config
 *   ...
 *   rsp_wait(&stop, c, ...);
 *   if (stop.kind == RSP_STOP_FILEIO) {
 *       fileio_reply r;
 *       if (fileio_handle(&r, fio, &io, &stop) < 0)
 *           fail with fileio_errmsg(fio)      // stub unreachable: 125
 *       rsp_fileio_reply(c, r.result, r.err, r.ctrl_c);  // QEMU resumes
 *   }
 *   fileio_free(fio);
 *
 * Guest mistakes (bad pointer, unknown call, path escaping the sandbox)
 * are answered with result -1 and a protocol errno, never an error of
 * fileio_handle().
 */
#ifndef FILEIO_H
#define FILEIO_H

#include <stddef.h>
#include <stdint.h>

#include "rsp.h"
#include "semihost.h"

/* File-I/O protocol errno values (GDB manual, "Errno Values"). */
enum {
	FILEIO_EPERM = 1,
	FILEIO_ENOENT = 2,
	FILEIO_EINTR = 4,
	FILEIO_EBADF = 9,
	FILEIO_EACCES = 13,
	FILEIO_EFAULT = 14,
	FILEIO_EBUSY = 16,
	FILEIO_EEXIST = 17,
	FILEIO_ENODEV = 19,
	FILEIO_ENOTDIR = 20,
	FILEIO_EISDIR = 21,
	FILEIO_EINVAL = 22,
	FILEIO_ENFILE = 23,
	FILEIO_EMFILE = 24,
	FILEIO_EFBIG = 27,
	FILEIO_ENOSPC = 28,
	FILEIO_ESPIPE = 29,
	FILEIO_EROFS = 30,
	FILEIO_ENAMETOOLONG = 91,
	FILEIO_EUNKNOWN = 9999,
};

/* Open flags and mode bits of the protocol. */
enum {
	FILEIO_O_RDONLY = 0x0,
	FILEIO_O_WRONLY = 0x1,
	FILEIO_O_RDWR = 0x2,
	FILEIO_O_APPEND = 0x8,
	FILEIO_O_CREAT = 0x200,
	FILEIO_O_TRUNC = 0x400,
	FILEIO_O_EXCL = 0x800,
};
#define FILEIO_S_IFREG 0100000
#define FILEIO_S_IFDIR 040000
#define FILEIO_STAT_SIZE 64     /* struct stat on the wire */
#define FILEIO_TIMEVAL_SIZE 12  /* struct timeval on the wire */

/* Maps a host errno to the protocol's (EUNKNOWN when it has none). */
int fileio_errno_from_host(int host_errno);

typedef struct fileio fileio;

/* Uses cfg->root, allow_system, protect_path, stdin_fd, output and warn
 * (the rest of a semihost_config is ignored). Descriptors 0, 1, 2 are the
 * console.
 * On failure *out is NULL and errbuf holds a message. */
int fileio_new(fileio **out, const semihost_config *cfg, char *errbuf,
	       size_t errlen);
void fileio_free(fileio *fio);

typedef struct fileio_reply {
	int64_t result;   /* the call's result; -1 on error */
	int err;          /* protocol errno when result is -1, else 0 */
	int ctrl_c;       /* always 0: stubrun never interrupts a call */
} fileio_reply;

/*
 * Performs the request in `stop` (kind RSP_STOP_FILEIO): Fopen, Fclose,
 * Fread, Fwrite, Flseek, Frename, Funlink, Fstat, Ffstat, Fgettimeofday,
 * Fisatty, Fsystem. Returns 0 with *reply filled, or SEMIHOST_EIO when the
 * `io` callbacks failed to reach the stub (message in fileio_errmsg()).
 */
int fileio_handle(fileio_reply *reply, fileio *fio, const semihost_target *io,
		  const rsp_stop *stop);

const char *fileio_errmsg(const fileio *fio);

#endif /* FILEIO_H */
