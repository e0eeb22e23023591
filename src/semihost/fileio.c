/* Answers GDB File-I/O requests (GDB manual, "File-I/O Remote Protocol
 * Extension"): QEMU's semihosting in target=gdb mode; see fileio.h. */
#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "semihost_fs.h"

/* Guest descriptors at once, console included: as SH_MAX_FILES. */
#define FILEIO_MAX_FILES 64

struct fileio {
	semihost_config cfg;
	semihost_fs *fs;
	int fds[FILEIO_MAX_FILES];  /* host fd by guest fd; -1 free; 0-2 console */
	char errmsg[256];
};

typedef struct fio_call {
	const uint64_t *a;
	size_t argc;
	const semihost_target *io;
	fileio_reply *reply;
} fio_call;

int fileio_errno_from_host(int e)
{
	static const int map[][2] = {
		{ EPERM, FILEIO_EPERM }, { ENOENT, FILEIO_ENOENT },
		{ EINTR, FILEIO_EINTR }, { EBADF, FILEIO_EBADF },
		{ EACCES, FILEIO_EACCES }, { EFAULT, FILEIO_EFAULT },
		{ EBUSY, FILEIO_EBUSY }, { EEXIST, FILEIO_EEXIST },
		{ ENODEV, FILEIO_ENODEV }, { ENOTDIR, FILEIO_ENOTDIR },
		{ EISDIR, FILEIO_EISDIR }, { EINVAL, FILEIO_EINVAL },
		{ ENFILE, FILEIO_ENFILE }, { EMFILE, FILEIO_EMFILE },
		{ EFBIG, FILEIO_EFBIG }, { ENOSPC, FILEIO_ENOSPC },
		{ ESPIPE, FILEIO_ESPIPE }, { EROFS, FILEIO_EROFS },
		{ ENAMETOOLONG, FILEIO_ENAMETOOLONG }, { ENOSYS, RSP_FILEIO_ENOSYS },
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (map[i][0] == e)
			return map[i][1];
	}
	return FILEIO_EUNKNOWN;
}

int fileio_new(fileio **out, const semihost_config *cfg, char *errbuf,
	       size_t errlen)
{
	fileio *f = calloc(1, sizeof(*f));
	int err = 0;

	*out = NULL;
	if (!f) {
		snprintf(errbuf, errlen, "out of memory");
		return SEMIHOST_ENOMEM;
	}
	f->cfg = *cfg;
	f->cfg.root = NULL;
	f->cfg.cmdline = NULL;
	f->cfg.protect_path = NULL;
	for (size_t i = 0; i < FILEIO_MAX_FILES; i++)
		f->fds[i] = i < 3 ? (int)i : -1;
	if (semihost_fs_new(&f->fs, cfg->root, errbuf, errlen) < 0) {
		err = SEMIHOST_EINVAL;
		goto out;
	}
	if (cfg->coverage_dir)
		semihost_fs_map_coverage(f->fs, cfg->coverage_dir,
					 cfg->coverage_strip);
	if (cfg->protect_path &&
	    semihost_fs_protect(f->fs, cfg->protect_path) < 0) {
		snprintf(errbuf, errlen, "File-I/O: cannot stat %s",
			 cfg->protect_path);
		err = SEMIHOST_EINVAL;
		goto out;
	}
	*out = f;
	f = NULL;
out:
	fileio_free(f);
	return err;
}

void fileio_free(fileio *f)
{
	if (!f)
		return;
	for (size_t i = 3; i < FILEIO_MAX_FILES; i++) {
		if (f->fds[i] >= 0)
			close(f->fds[i]);
	}
	semihost_fs_free(f->fs);
	free(f);
}

const char *fileio_errmsg(const fileio *f)
{
	return f->errmsg;
}

/* --- guest memory ------------------------------------------------------ */

/* 0, a positive host errno for the guest, or SEMIHOST_EIO. */
static int io_rc(fileio *f, int rc, const char *what, uint64_t addr)
{
	if (rc == 0)
		return 0;
	if (rc == SEMIHOST_IO_FAULT)
		return EFAULT;
	snprintf(f->errmsg, sizeof(f->errmsg),
		 "File-I/O: %s at 0x%llx failed (stub error %d)", what,
		 (unsigned long long)addr, rc);
	return SEMIHOST_EIO;
}

static int mem_read(fileio *f, const semihost_target *io, void *buf,
		    uint64_t addr, size_t len)
{
	if (len > 0 && addr + len - 1 < addr)
		return EFAULT;
	return io_rc(f, len ? io->mem_read(buf, addr, len, io->arg) : 0,
		     "memory read", addr);
}

static int mem_write(fileio *f, const semihost_target *io, uint64_t addr,
		     const void *buf, size_t len)
{
	if (len > 0 && addr + len - 1 < addr)
		return EFAULT;
	return io_rc(f, len ? io->mem_write(addr, buf, len, io->arg) : 0,
		     "memory write", addr);
}

/* A "ptr/len" string argument; len counts the trailing NUL. */
static int read_path(fileio *f, const semihost_target *io, char *buf,
		     size_t cap, uint64_t addr, uint64_t len)
{
	int rc;

	if (len == 0)
		return ENOENT;
	if (len > cap)
		return ENAMETOOLONG;
	if ((rc = mem_read(f, io, buf, addr, (size_t)len)))
		return rc;
	buf[len - 1] = '\0';
	return 0;
}

static void put_be(uint8_t *p, unsigned size, uint64_t v)
{
	for (unsigned i = 0; i < size; i++)
		p[i] = (uint8_t)(v >> (8 * (size - 1 - i)));
}

/* --- calls ------------------------------------------------------------- */

static int done(fio_call *c, int64_t result)
{
	c->reply->result = result;
	return 0;
}

static int host_fd(fileio *f, uint64_t fd)
{
	return fd < FILEIO_MAX_FILES ? f->fds[fd] : -1;
}

static int open_flags(int *flags, uint64_t p)
{
	static const uint64_t known = FILEIO_O_WRONLY | FILEIO_O_RDWR |
		FILEIO_O_APPEND | FILEIO_O_CREAT | FILEIO_O_TRUNC |
		FILEIO_O_EXCL;
	if ((p & ~known) || (p & 3) == 3)
		return EINVAL;
	*flags = ((p & 3) == FILEIO_O_WRONLY ? O_WRONLY :
		  (p & 3) == FILEIO_O_RDWR ? O_RDWR : O_RDONLY) |
		 (p & FILEIO_O_APPEND ? O_APPEND : 0) |
		 (p & FILEIO_O_CREAT ? O_CREAT : 0) |
		 (p & FILEIO_O_TRUNC ? O_TRUNC : 0) |
		 (p & FILEIO_O_EXCL ? O_EXCL : 0);
	return 0;
}

static int f_open(fio_call *c, fileio *f)
{
	char path[SEMIHOST_FS_PATH_MAX + 1];
	int flags, fd, rc;
	size_t slot;

	if ((rc = read_path(f, c->io, path, sizeof(path), c->a[0], c->a[1])) ||
	    (rc = open_flags(&flags, c->a[2])))
		return rc;
	for (slot = 3; slot < FILEIO_MAX_FILES && f->fds[slot] >= 0; slot++)
		;
	if (slot == FILEIO_MAX_FILES)
		return EMFILE;
	/* Permission bits only: the protocol's S_IRUSR... are POSIX's. */
	rc = semihost_fs_open(&fd, f->fs, path, flags, (int)(c->a[3] & 0777));
	if (rc == -EACCES && f->cfg.warn) {
		char msg[256];
		snprintf(msg, sizeof(msg), "File-I/O: refused \"%.160s\": outside "
			 "the semihosting root or a symbolic link", path);
		f->cfg.warn(msg, f->cfg.warn_arg);
	}
	if (rc)
		return -rc;
	f->fds[slot] = fd;
	return done(c, (int64_t)slot);
}

static int f_close(fio_call *c, fileio *f)
{
	int fd = host_fd(f, c->a[0]);

	if (fd < 0)
		return EBADF;
	if (c->a[0] >= 3)
		close(fd);
	f->fds[c->a[0]] = -1;
	return done(c, 0);
}

static int f_read(fio_call *c, fileio *f)
{
	uint8_t buf[SEMIHOST_IO_CHUNK];
	uint64_t want = c->a[2];
	int fd = host_fd(f, c->a[0]);
	ssize_t n;
	int rc;

	if (fd < 0 || c->a[0] == 1 || c->a[0] == 2)
		return EBADF;
	/* One chunk per request: a short read is legal, and the guest asks
	 * again; this caps what one request costs. */
	if (want > sizeof(buf))
		want = sizeof(buf);
	if (c->a[0] == 0) {
		fd = f->cfg.stdin_fd;
		if (fd < 0)
			return done(c, 0);
	}
	do
		n = read(fd, buf, (size_t)want);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno;
	if ((rc = mem_write(f, c->io, c->a[1], buf, (size_t)n)))
		return rc;
	return done(c, n);
}

static int f_write(fio_call *c, fileio *f)
{
	uint8_t buf[SEMIHOST_IO_CHUNK];
	uint64_t total = 0;
	int fd = host_fd(f, c->a[0]);
	int rc;

	if (fd < 0 || c->a[0] == 0)
		return EBADF;
	while (total < c->a[2]) {
		size_t n = c->a[2] - total < sizeof(buf) ?
			   (size_t)(c->a[2] - total) : sizeof(buf);
		rc = mem_read(f, c->io, buf, c->a[1] + total, n);
		if (rc < 0)
			return rc;
		if (rc > 0)
			return total ? done(c, (int64_t)total) : rc;
		if (c->a[0] <= 2) {
			if (f->cfg.output)
				f->cfg.output((int)c->a[0], (const char *)buf, n,
					      f->cfg.output_arg);
			total += n;
			continue;
		}
		ssize_t w = write(fd, buf, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return total ? done(c, (int64_t)total) : errno;
		total += (uint64_t)w;
		if ((size_t)w < n)
			break;
	}
	return done(c, (int64_t)total);
}

static int f_lseek(fio_call *c, fileio *f)
{
	int fd = host_fd(f, c->a[0]);
	off_t r;

	if (fd < 0)
		return EBADF;
	if (c->a[0] <= 2)
		return ESPIPE;
	if (c->a[2] > 2)
		return EINVAL;
	/* The protocol's SEEK_SET/CUR/END are 0/1/2, as the host's. */
	r = lseek(fd, (off_t)(int64_t)c->a[1], (int)c->a[2]);
	return r < 0 ? errno : done(c, (int64_t)r);
}

static int f_rename(fio_call *c, fileio *f)
{
	char from[SEMIHOST_FS_PATH_MAX + 1], to[SEMIHOST_FS_PATH_MAX + 1];
	int rc;

	if ((rc = read_path(f, c->io, from, sizeof(from), c->a[0], c->a[1])) ||
	    (rc = read_path(f, c->io, to, sizeof(to), c->a[2], c->a[3])))
		return rc;
	rc = semihost_fs_rename(f->fs, from, to);
	return rc ? -rc : done(c, 0);
}

static int f_unlink(fio_call *c, fileio *f)
{
	char path[SEMIHOST_FS_PATH_MAX + 1];
	int rc;

	if ((rc = read_path(f, c->io, path, sizeof(path), c->a[0], c->a[1])))
		return rc;
	rc = semihost_fs_remove(f->fs, path);
	return rc ? -rc : done(c, 0);
}

/* struct stat on the wire: big-endian, fixed sizes (GDB manual). */
static void encode_stat(uint8_t out[FILEIO_STAT_SIZE], const struct stat *st)
{
	unsigned type = S_ISDIR(st->st_mode) ? FILEIO_S_IFDIR :
			S_ISREG(st->st_mode) ? FILEIO_S_IFREG : 020000;
	memset(out, 0, FILEIO_STAT_SIZE);
	put_be(out + 0, 4, (uint64_t)st->st_dev);
	put_be(out + 4, 4, (uint64_t)st->st_ino);
	put_be(out + 8, 4, type | (st->st_mode & 0777));
	put_be(out + 12, 4, (uint64_t)st->st_nlink);
	put_be(out + 16, 4, (uint64_t)st->st_uid);
	put_be(out + 20, 4, (uint64_t)st->st_gid);
	put_be(out + 24, 4, (uint64_t)st->st_rdev);
	put_be(out + 28, 8, (uint64_t)st->st_size);
	put_be(out + 36, 8, (uint64_t)st->st_blksize);
	put_be(out + 44, 8, (uint64_t)st->st_blocks);
	put_be(out + 52, 4, (uint64_t)st->st_atime);
	put_be(out + 56, 4, (uint64_t)st->st_mtime);
	put_be(out + 60, 4, (uint64_t)st->st_ctime);
}

static int write_stat(fio_call *c, fileio *f, const struct stat *st,
		      uint64_t addr)
{
	uint8_t buf[FILEIO_STAT_SIZE];
	int rc;

	encode_stat(buf, st);
	if ((rc = mem_write(f, c->io, addr, buf, sizeof(buf))))
		return rc;
	return done(c, 0);
}

static int f_stat(fio_call *c, fileio *f)
{
	char path[SEMIHOST_FS_PATH_MAX + 1];
	struct stat st;
	int rc;

	if ((rc = read_path(f, c->io, path, sizeof(path), c->a[0], c->a[1])))
		return rc;
	if ((rc = semihost_fs_stat(&st, f->fs, path)))
		return -rc;
	return write_stat(c, f, &st, c->a[2]);
}

static int f_fstat(fio_call *c, fileio *f)
{
	struct stat st;
	int fd = host_fd(f, c->a[0]);

	if (fd < 0)
		return EBADF;
	if (c->a[0] <= 2) {
		/* The console: a character device, as GDB describes its own. */
		memset(&st, 0, sizeof(st));
		st.st_mode = S_IFCHR | (c->a[0] == 0 ? S_IRUSR : S_IWUSR);
		st.st_nlink = 1;
		st.st_blksize = 512;
	} else if (fstat(fd, &st) < 0) {
		return errno;
	}
	return write_stat(c, f, &st, c->a[1]);
}

static int f_gettimeofday(fio_call *c, fileio *f)
{
	uint8_t buf[FILEIO_TIMEVAL_SIZE];
	struct timeval tv;
	int rc;

	if (c->a[1] != 0)
		return EINVAL; /* the protocol has no timezone */
	gettimeofday(&tv, NULL);
	put_be(buf, 4, (uint64_t)tv.tv_sec);
	put_be(buf + 4, 8, (uint64_t)tv.tv_usec);
	if ((rc = mem_write(f, c->io, c->a[0], buf, sizeof(buf))))
		return rc;
	return done(c, 0);
}

static int f_isatty(fio_call *c, fileio *f)
{
	if (host_fd(f, c->a[0]) < 0)
		return EBADF;
	return done(c, c->a[0] <= 2);
}

static int f_system(fio_call *c, fileio *f)
{
	char cmd[SEMIHOST_FS_PATH_MAX + 1];
	int rc, status;

	/* A NULL command asks whether a shell is available. */
	if (c->a[1] == 0)
		return done(c, f->cfg.allow_system);
	if (!f->cfg.allow_system) {
		if (f->cfg.warn)
			f->cfg.warn("File-I/O: system() refused "
				    "(--semihosting-allow-system)",
				    f->cfg.warn_arg);
		return EPERM;
	}
	if ((rc = read_path(f, c->io, cmd, sizeof(cmd), c->a[0], c->a[1])))
		return rc;
	if ((rc = semihost_fs_system(&status, f->fs, cmd,
				     semihost_config_budget(&f->cfg),
				     f->cfg.cancel_fd)))
		return -rc;
	return done(c, status);
}

static const struct {
	const char *name;
	size_t argc;
	int (*fn)(fio_call *c, fileio *f);
} calls[] = {
	{ "open", 4, f_open },       /* pathptr/len, flags, mode */
	{ "close", 1, f_close },
	{ "read", 3, f_read },       /* fd, bufptr, count */
	{ "write", 3, f_write },
	{ "lseek", 3, f_lseek },     /* fd, offset, flag */
	{ "rename", 4, f_rename },   /* oldptr/len, newptr/len */
	{ "unlink", 2, f_unlink },
	{ "stat", 3, f_stat },       /* pathptr/len, bufptr */
	{ "fstat", 2, f_fstat },     /* fd, bufptr */
	{ "gettimeofday", 2, f_gettimeofday },
	{ "isatty", 1, f_isatty },
	{ "system", 2, f_system },   /* cmdptr/len */
};

int fileio_handle(fileio_reply *reply, fileio *f, const semihost_target *io,
		  const rsp_stop *stop)
{
	fio_call c = { .a = stop->fileio_args, .argc = stop->fileio_argc,
		       .io = io, .reply = reply };
	int rc = ENOSYS;

	memset(reply, 0, sizeof(*reply));
	f->errmsg[0] = '\0';
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		if (strcmp(stop->fileio_call, calls[i].name) != 0)
			continue;
		rc = stop->fileio_argc < calls[i].argc ? EINVAL :
			calls[i].fn(&c, f);
		break;
	}
	if (rc < 0)
		return rc;
	if (rc > 0) {
		if (rc == ENOSYS && f->cfg.warn) {
			char msg[64];
			snprintf(msg, sizeof(msg), "File-I/O: unknown call %.16s",
				 stop->fileio_call);
			f->cfg.warn(msg, f->cfg.warn_arg);
		}
		reply->result = -1;
		reply->err = fileio_errno_from_host(rc);
	}
	return 0;
}
