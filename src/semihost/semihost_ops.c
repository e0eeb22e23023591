/* The Arm semihosting operations (Semihosting for AArch32 and AArch64 v2.0,
 * section 6), one function each, and their table. Field sizes follow the
 * caller (sh->wide); results and errno values are what QEMU's own
 * implementation gives, so a guest behaves the same under both. */
#include "semihost_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* SYS_OPEN modes "r", "rb", "r+", "r+b", "w", "wb", "w+", "w+b", "a", "ab",
 * "a+", "a+b" (spec 6.1.10) as open(2) flags. */
static const int open_flags[12] = {
	O_RDONLY, O_RDONLY, O_RDWR, O_RDWR,
	O_WRONLY | O_CREAT | O_TRUNC, O_WRONLY | O_CREAT | O_TRUNC,
	O_RDWR | O_CREAT | O_TRUNC, O_RDWR | O_CREAT | O_TRUNC,
	O_WRONLY | O_CREAT | O_APPEND, O_WRONLY | O_CREAT | O_APPEND,
	O_RDWR | O_CREAT | O_APPEND, O_RDWR | O_CREAT | O_APPEND,
};

/* ":semihosting-features" (spec 6.2.1): magic "SHFB", then feature byte 0
 * with EXIT_EXTENDED (bit 0) and STDOUT_STDERR (bit 1). */
static const uint8_t features[] = { 'S', 'H', 'F', 'B', 0x03 };

static int64_t since_start_ns(const semihost *sh)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)(now.tv_sec - sh->start.tv_sec) * 1000000000 +
	       (now.tv_nsec - sh->start.tv_nsec);
}

static sh_file *get_file(semihost *sh, uint64_t handle)
{
	if (handle < 1 || handle > SH_MAX_FILES)
		return NULL;
	sh_file *f = &sh->files[handle - 1];
	return f->kind == SH_FILE_FREE ? NULL : f;
}

/* The one argument of SYS_CLOSE, SYS_ISTTY, SYS_FLEN: an open handle.
 * 0, the guest's EBADF, or an access error. */
static int handle_arg(sh_file **f, sh_call *c, semihost *sh)
{
	uint64_t h;
	int rc;

	if ((rc = sh_read_args(sh, c->io, &h, 1, c->args)))
		return rc;
	*f = get_file(sh, h);
	return *f ? 0 : EBADF;
}

static int ret(sh_call *c, uint64_t value)
{
	c->ret = value;
	c->set_ret = 1;
	return 0;
}

/* --- files ------------------------------------------------------------- */

static int open_host(sh_file *f, semihost *sh, const char *path, uint64_t mode)
{
	int fd, rc = semihost_fs_open(&fd, sh->fs, path, open_flags[mode], 0644);
	if (rc == -EACCES)
		sh_warn(sh, "refused \"%.160s\": outside the "
			"semihosting root or a symbolic link", path);
	if (rc)
		return -rc;
	f->kind = SH_FILE_HOST;
	f->fd = fd;
	return 0;
}

static int op_open(sh_call *c, semihost *sh)
{
	char path[SEMIHOST_FS_PATH_MAX + 1];
	uint64_t a[3];
	size_t slot;
	int rc;

	if ((rc = sh_read_args(sh, c->io, a, 3, c->args)))
		return rc;
	if (a[1] >= 12)
		return EINVAL;
	if ((rc = sh_read_string(sh, c->io, path, sizeof(path), a[0], a[2])))
		return rc;
	for (slot = 0; slot < SH_MAX_FILES; slot++) {
		if (sh->files[slot].kind == SH_FILE_FREE)
			break;
	}
	if (slot == SH_MAX_FILES)
		return EMFILE;
	sh_file *f = &sh->files[slot];
	memset(f, 0, sizeof(*f));
	f->fd = -1;
	if (strcmp(path, ":tt") == 0) {
		/* STDOUT_STDERR: read = stdin, write = stdout, append = stderr. */
		f->kind = a[1] < 4 ? SH_FILE_CONSOLE_IN : SH_FILE_CONSOLE_OUT;
		f->stream = a[1] < 8 ? SEMIHOST_STREAM_STDOUT :
				       SEMIHOST_STREAM_STDERR;
	} else if (strcmp(path, ":semihosting-features") == 0) {
		if (a[1] > 1)
			return EACCES; /* read-only, as the spec requires */
		f->kind = SH_FILE_FEATURES;
	} else if ((rc = open_host(f, sh, path, a[1]))) {
		return rc;
	}
	return ret(c, slot + 1);
}

static int op_close(sh_call *c, semihost *sh)
{
	sh_file *f;
	int rc;

	if ((rc = handle_arg(&f, c, sh)))
		return rc;
	rc = 0;
	if (f->kind == SH_FILE_HOST && close(f->fd) < 0)
		rc = errno;
	f->kind = SH_FILE_FREE;
	f->fd = -1;
	return rc ? rc : ret(c, 0);
}

/* Writes all of buf to a host fd; the count written before any error. */
static size_t write_all(int *err, int fd, const uint8_t *buf, size_t len)
{
	size_t done = 0;
	*err = 0;
	while (done < len) {
		ssize_t n = write(fd, buf + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			*err = n < 0 ? errno : ENOSPC;
			break;
		}
		done += (size_t)n;
	}
	return done;
}

/* SYS_WRITE: the result is the count NOT written (0 = all). */
static int op_write(sh_call *c, semihost *sh)
{
	uint8_t buf[SEMIHOST_IO_CHUNK];
	uint64_t a[3], done = 0;
	int rc;

	if ((rc = sh_read_args(sh, c->io, a, 3, c->args)))
		return rc;
	sh_file *f = get_file(sh, a[0]);
	if (!f || (f->kind != SH_FILE_HOST && f->kind != SH_FILE_CONSOLE_OUT)) {
		sh->err = EBADF;
		return ret(c, a[2]);
	}
	while (done < a[2]) {
		size_t n = a[2] - done < sizeof(buf) ? (size_t)(a[2] - done) :
						       sizeof(buf);
		rc = sh_mem_read(sh, c->io, buf, a[1] + done, n);
		if (rc < 0)
			return rc;
		if (rc > 0) {
			sh->err = rc;
			break;
		}
		if (f->kind == SH_FILE_CONSOLE_OUT) {
			sh_output(sh, f->stream, (const char *)buf, n);
			done += n;
			continue;
		}
		int err;
		size_t w = write_all(&err, f->fd, buf, n);
		done += w;
		if (err) {
			sh->err = err;
			break;
		}
	}
	return ret(c, a[2] - done);
}

/* Reads up to len bytes of a file into buf: 0 at end of file. */
static int read_some(size_t *got, semihost *sh, sh_file *f, uint8_t *buf,
		     size_t len)
{
	ssize_t n;

	*got = 0;
	switch (f->kind) {
	case SH_FILE_FEATURES:
		if (f->pos < sizeof(features)) {
			n = (ssize_t)(sizeof(features) - f->pos);
			if ((size_t)n > len)
				n = (ssize_t)len;
			memcpy(buf, features + f->pos, (size_t)n);
			f->pos += (size_t)n;
			*got = (size_t)n;
		}
		return 0;
	case SH_FILE_CONSOLE_IN:
		if (sh->cfg.stdin_fd < 0)
			return 0;
		do
			n = read(sh->cfg.stdin_fd, buf, len);
		while (n < 0 && errno == EINTR);
		break;
	case SH_FILE_HOST:
		do
			n = read(f->fd, buf, len);
		while (n < 0 && errno == EINTR);
		break;
	default:
		return EBADF;
	}
	if (n < 0)
		return errno;
	*got = (size_t)n;
	return 0;
}

/* SYS_READ: the result is the count NOT read (len = end of file). */
static int op_read(sh_call *c, semihost *sh)
{
	uint8_t buf[SEMIHOST_IO_CHUNK];
	uint64_t a[3], done = 0;
	int rc;

	if ((rc = sh_read_args(sh, c->io, a, 3, c->args)))
		return rc;
	sh_file *f = get_file(sh, a[0]);
	if (!f || f->kind == SH_FILE_CONSOLE_OUT) {
		sh->err = EBADF;
		return ret(c, a[2]);
	}
	while (done < a[2]) {
		size_t want = a[2] - done < sizeof(buf) ?
			      (size_t)(a[2] - done) : sizeof(buf);
		size_t got;
		rc = read_some(&got, sh, f, buf, want);
		if (rc) {
			sh->err = rc;
			break;
		}
		if (got == 0)
			break;
		rc = sh_mem_write(sh, c->io, a[1] + done, buf, got);
		if (rc < 0)
			return rc;
		if (rc > 0) {
			sh->err = rc;
			break;
		}
		done += got;
		/* A console read returns what one line gave, like a tty. */
		if (got < want || f->kind == SH_FILE_CONSOLE_IN)
			break;
	}
	return ret(c, a[2] - done);
}

static int op_readc(sh_call *c, semihost *sh)
{
	sh_file in = { .kind = SH_FILE_CONSOLE_IN, .fd = -1 };
	uint8_t ch;
	size_t got;
	int rc = read_some(&got, sh, &in, &ch, 1);

	if (rc)
		return rc;
	return ret(c, got ? ch : UINT64_MAX);
}

static int op_istty(sh_call *c, semihost *sh)
{
	sh_file *f;
	int rc;

	if ((rc = handle_arg(&f, c, sh)))
		return rc;
	if (f->kind == SH_FILE_CONSOLE_IN || f->kind == SH_FILE_CONSOLE_OUT)
		return ret(c, 1);
	if (f->kind == SH_FILE_HOST && isatty(f->fd))
		return ret(c, 1);
	sh->err = ENOTTY;
	return ret(c, 0);
}

static int op_seek(sh_call *c, semihost *sh)
{
	uint64_t a[2];
	int rc;

	if ((rc = sh_read_args(sh, c->io, a, 2, c->args)))
		return rc;
	sh_file *f = get_file(sh, a[0]);
	if (!f)
		return EBADF;
	if (a[1] > (uint64_t)INT64_MAX)
		return EINVAL;
	if (f->kind == SH_FILE_FEATURES) {
		f->pos = a[1] > sizeof(features) ? sizeof(features) :
						   (size_t)a[1];
		return ret(c, 0);
	}
	if (f->kind != SH_FILE_HOST)
		return ESPIPE;
	if (lseek(f->fd, (off_t)a[1], SEEK_SET) < 0)
		return errno;
	return ret(c, 0);
}

static int op_flen(sh_call *c, semihost *sh)
{
	struct stat st;
	sh_file *f;
	int rc;

	if ((rc = handle_arg(&f, c, sh)))
		return rc;
	if (f->kind == SH_FILE_FEATURES)
		return ret(c, sizeof(features));
	if (f->kind != SH_FILE_HOST)
		return ret(c, 0);
	if (fstat(f->fd, &st) < 0)
		return errno;
	return ret(c, (uint64_t)st.st_size);
}

/* --- names ------------------------------------------------------------- */

static int op_tmpnam(sh_call *c, semihost *sh)
{
	char name[64];
	uint64_t a[3];
	int rc;

	if ((rc = sh_read_args(sh, c->io, a, 3, c->args)))
		return rc;
	/* Relative, so the file lands in the sandbox; the pid keeps parallel
	 * runs sharing a root apart. */
	int len = snprintf(name, sizeof(name), "stubrun-tmp-%d-%02x",
			   (int)getpid(), (unsigned)(a[1] & 0xff));
	if ((uint64_t)len + 1 > a[2])
		return ENAMETOOLONG;
	if ((rc = sh_mem_write(sh, c->io, a[0], name, (size_t)len + 1)))
		return rc;
	return ret(c, 0);
}

static int op_remove(sh_call *c, semihost *sh)
{
	char path[SEMIHOST_FS_PATH_MAX + 1];
	uint64_t a[2];
	int rc;

	if ((rc = sh_read_args(sh, c->io, a, 2, c->args)))
		return rc;
	if ((rc = sh_read_string(sh, c->io, path, sizeof(path), a[0], a[1])))
		return rc;
	rc = semihost_fs_remove(sh->fs, path);
	if (rc == -EACCES)
		sh_warn(sh, "refused to remove \"%.160s\"", path);
	return rc ? -rc : ret(c, 0);
}

static int op_rename(sh_call *c, semihost *sh)
{
	char from[SEMIHOST_FS_PATH_MAX + 1], to[SEMIHOST_FS_PATH_MAX + 1];
	uint64_t a[4];
	int rc;

	if ((rc = sh_read_args(sh, c->io, a, 4, c->args)))
		return rc;
	if ((rc = sh_read_string(sh, c->io, from, sizeof(from), a[0], a[1])) ||
	    (rc = sh_read_string(sh, c->io, to, sizeof(to), a[2], a[3])))
		return rc;
	rc = semihost_fs_rename(sh->fs, from, to);
	if (rc == -EACCES)
		sh_warn(sh, "refused to rename \"%.100s\" to \"%.100s\"",
			from, to);
	return rc ? -rc : ret(c, 0);
}

static int op_system(sh_call *c, semihost *sh)
{
	char cmd[SEMIHOST_FS_PATH_MAX + 1];
	uint64_t a[2];
	int rc, status;

	if ((rc = sh_read_args(sh, c->io, a, 2, c->args)))
		return rc;
	if ((rc = sh_read_string(sh, c->io, cmd, sizeof(cmd), a[0], a[1])))
		return rc;
	if (!sh->cfg.allow_system) {
		sh_warn(sh, "SYS_SYSTEM \"%.120s\" refused "
			"(--semihosting-allow-system)", cmd);
		return EPERM;
	}
	if ((rc = semihost_fs_system(&status, sh->fs, cmd,
				     semihost_config_budget(&sh->cfg),
				     sh->cfg.cancel_fd)))
		return -rc;
	return ret(c, (uint64_t)(int64_t)status);
}

/* --- state, time ------------------------------------------------------- */

static int op_writec(sh_call *c, semihost *sh)
{
	char ch;
	int rc = sh_mem_read(sh, c->io, &ch, c->args, 1);

	/* No result: the register is "corrupted" by the spec, and not writing
	 * it saves a stub round trip per character. */
	if (rc)
		return rc;
	sh_output(sh, SEMIHOST_STREAM_CONSOLE, &ch, 1);
	return 0;
}

/* Reads up to the NUL in pieces that never cross a 256-byte boundary, so
 * reading ahead cannot fault on a page the string does not reach. */
static int op_write0(sh_call *c, semihost *sh)
{
	char buf[256];
	uint64_t addr = c->args;
	size_t total = 0;

	while (total < SH_WRITE0_MAX) {
		size_t n = sizeof(buf) - (size_t)(addr % sizeof(buf));
		int rc = sh_mem_read(sh, c->io, buf, addr, n);
		if (rc)
			return rc;
		char *nul = memchr(buf, '\0', n);
		size_t len = nul ? (size_t)(nul - buf) : n;
		sh_output(sh, SEMIHOST_STREAM_CONSOLE, buf, len);
		if (nul)
			return 0;
		total += n;
		addr += n;
	}
	sh_warn(sh, "SYS_WRITE0 string longer than %u bytes cut",
		SH_WRITE0_MAX);
	return 0;
}

static int op_iserror(sh_call *c, semihost *sh)
{
	uint64_t v;
	int rc;

	if ((rc = sh_read_args(sh, c->io, &v, 1, c->args)))
		return rc;
	int neg = sh->wide ? (int64_t)v < 0 : (int32_t)(uint32_t)v < 0;
	return ret(c, neg ? 1 : 0);
}

static int op_clock(sh_call *c, semihost *sh)
{
	return ret(c, (uint64_t)(since_start_ns(sh) / 10000000));
}

static int op_time(sh_call *c, semihost *sh)
{
	(void)sh;
	return ret(c, (uint64_t)time(NULL));
}

static int op_errno(sh_call *c, semihost *sh)
{
	return ret(c, (uint64_t)sh->err);
}

static int op_elapsed(sh_call *c, semihost *sh)
{
	uint64_t ns = (uint64_t)since_start_ns(sh);
	uint64_t words[2] = { ns & UINT32_MAX, ns >> 32 };
	int rc;

	if (sh->wide)
		rc = sh_write_words(sh, c->io, c->args, &ns, 1);
	else
		rc = sh_write_words(sh, c->io, c->args, words, 2);
	return rc ? rc : ret(c, 0);
}

static int op_tickfreq(sh_call *c, semihost *sh)
{
	(void)sh;
	return ret(c, 1000000000); /* ELAPSED counts nanoseconds */
}

static int op_synccache(sh_call *c, semihost *sh)
{
	(void)sh;
	return ret(c, 0); /* QEMU has no caches to clean */
}

static int op_get_cmdline(sh_call *c, semihost *sh)
{
	uint64_t a[2], len = strlen(sh->cmdline);
	int rc;

	if ((rc = sh_read_args(sh, c->io, a, 2, c->args)))
		return rc;
	if (len + 1 > a[1])
		return E2BIG;
	if ((rc = sh_mem_write(sh, c->io, a[0], sh->cmdline, len + 1)) ||
	    (rc = sh_write_words(sh, c->io, c->args + sh_word(sh), &len, 1)))
		return rc;
	return ret(c, 0);
}

static int op_heapinfo(sh_call *c, semihost *sh)
{
	uint64_t block;
	int rc;

	if ((rc = sh_read_args(sh, c->io, &block, 1, c->args)))
		return rc;
	if (sh->heap[2] == 0)
		sh_warn(sh, "SYS_HEAPINFO: heap and stack unknown, "
			"answering zeros (give --heap)");
	if ((rc = sh_write_words(sh, c->io, block, sh->heap, 4)))
		return rc;
	return ret(c, 0);
}

const sh_op sh_ops[] = {
	{ 0x01, "SYS_OPEN", op_open, 0 },
	{ 0x02, "SYS_CLOSE", op_close, 0 },
	{ 0x03, "SYS_WRITEC", op_writec, 0 },
	{ 0x04, "SYS_WRITE0", op_write0, 0 },
	{ 0x05, "SYS_WRITE", op_write, 0 },
	{ 0x06, "SYS_READ", op_read, 0 },
	{ 0x07, "SYS_READC", op_readc, 0 },
	{ 0x08, "SYS_ISERROR", op_iserror, 0 },
	{ 0x09, "SYS_ISTTY", op_istty, 0 },
	{ 0x0a, "SYS_SEEK", op_seek, 0 },
	{ 0x0c, "SYS_FLEN", op_flen, 0 },
	{ 0x0d, "SYS_TMPNAM", op_tmpnam, 0 },
	{ 0x0e, "SYS_REMOVE", op_remove, 0 },
	{ 0x0f, "SYS_RENAME", op_rename, 0 },
	{ 0x10, "SYS_CLOCK", op_clock, 0 },
	{ 0x11, "SYS_TIME", op_time, 0 },
	{ 0x12, "SYS_SYSTEM", op_system, 0 },
	{ 0x13, "SYS_ERRNO", op_errno, 0 },
	{ 0x15, "SYS_GET_CMDLINE", op_get_cmdline, 0 },
	{ 0x16, "SYS_HEAPINFO", op_heapinfo, 0 },
	{ 0x18, "SYS_EXIT", sh_op_exit, 0 },
	{ 0x19, "SYS_SYNCCACHE", op_synccache, 1 },
	{ 0x20, "SYS_EXIT_EXTENDED", sh_op_exit, 0 },
	{ 0x30, "SYS_ELAPSED", op_elapsed, 0 },
	{ 0x31, "SYS_TICKFREQ", op_tickfreq, 0 },
	{ 0, NULL, NULL, 0 },
};
