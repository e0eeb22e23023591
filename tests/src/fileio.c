/* Tests for src/semihost/fileio.c: GDB File-I/O requests against an in-memory fake
 * guest; protocol flags, errno values and big-endian struct layouts. */
#include <criterion/criterion.h>
#include <errno.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fileio.h"
#include "semihost_fake.h"

#define STR 0x1000u
#define BUF 0x2000u

typedef struct fenv {
	fake_guest *g;
	fileio *f;
	semihost_target io;
	fileio_reply r;
} fenv;

static void fenv_open(fenv *e, int allow_system, int stdin_fd)
{
	semihost_config cfg;
	char err[256];

	memset(e, 0, sizeof(*e));
	e->g = fake_new();
	e->io = fake_io(e->g);
	fake_config(&cfg, e->g);
	cfg.allow_system = allow_system;
	cfg.stdin_fd = stdin_fd;
	cr_assert_eq(fileio_new(&e->f, &cfg, err, sizeof(err)), 0, "%s", err);
}

static void fenv_close(fenv *e)
{
	fileio_free(e->f);
	fake_free(e->g);
}

/* Sends "Fname,args..." and returns the result. */
static int64_t req(fenv *e, const char *name, size_t argc, const uint64_t *a)
{
	rsp_stop stop;
	memset(&stop, 0, sizeof(stop));
	stop.kind = RSP_STOP_FILEIO;
	snprintf(stop.fileio_call, sizeof(stop.fileio_call), "%s", name);
	stop.fileio_argc = argc;
	for (size_t i = 0; i < argc; i++)
		stop.fileio_args[i] = a[i];
	cr_assert_eq(fileio_handle(&e->r, e->f, &e->io, &stop), 0, "%s",
		     fileio_errmsg(e->f));
	if (e->r.result != -1)
		cr_assert_eq(e->r.err, 0);
	return e->r.result;
}

static uint64_t str(fenv *e, uint64_t off, const char *s)
{
	fake_put(e->g, off, s, strlen(s) + 1);
	return fake_addr(off);
}

static int64_t fopen_(fenv *e, const char *path, uint64_t flags)
{
	uint64_t a[4] = { str(e, STR, path), strlen(path) + 1, flags, 0644 };
	return req(e, "open", 4, a);
}

static uint64_t be(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

Test(fileio, open_write_lseek_read_close)
{
	fenv e;
	fenv_open(&e, 0, -1);
	int64_t fd = fopen_(&e, "f", FILEIO_O_CREAT | FILEIO_O_RDWR |
			    FILEIO_O_TRUNC);
	cr_assert_geq(fd, 3, "0-2 are the console");
	fake_put(e.g, BUF, "abcdef", 6);
	uint64_t w[3] = { (uint64_t)fd, fake_addr(BUF), 6 };
	cr_assert_eq(req(&e, "write", 3, w), 6);
	uint64_t s[3] = { (uint64_t)fd, (uint64_t)-4, 2 }; /* SEEK_END */
	cr_assert_eq(req(&e, "lseek", 3, s), 2);
	uint64_t r[3] = { (uint64_t)fd, fake_addr(BUF + 100), 100 };
	cr_assert_eq(req(&e, "read", 3, r), 4);
	cr_assert_arr_eq(e.g->mem + BUF + 100, "cdef", 4);
	cr_assert_eq(req(&e, "read", 3, r), 0);
	uint64_t c[1] = { (uint64_t)fd };
	cr_assert_eq(req(&e, "close", 1, c), 0);
	cr_assert_eq(req(&e, "close", 1, c), -1);
	cr_assert_eq(e.r.err, FILEIO_EBADF);
	fenv_close(&e);
}

Test(fileio, protocol_flags_and_errnos)
{
	fenv e;
	fenv_open(&e, 0, -1);
	cr_assert_eq(fopen_(&e, "nope", FILEIO_O_RDONLY), -1);
	cr_assert_eq(e.r.err, FILEIO_ENOENT);
	cr_assert_geq(fopen_(&e, "x", FILEIO_O_CREAT | FILEIO_O_WRONLY), 3);
	cr_assert_eq(fopen_(&e, "x", FILEIO_O_CREAT | FILEIO_O_EXCL |
			    FILEIO_O_WRONLY), -1);
	cr_assert_eq(e.r.err, FILEIO_EEXIST);
	cr_assert_eq(fopen_(&e, "x", 0x10000), -1, "unknown flag bit");
	cr_assert_eq(e.r.err, FILEIO_EINVAL);
	/* Append: writes land at the end whatever the offset. */
	int64_t fd = fopen_(&e, "x", FILEIO_O_WRONLY | FILEIO_O_APPEND);
	fake_put(e.g, BUF, "12", 2);
	uint64_t w[3] = { (uint64_t)fd, fake_addr(BUF), 2 };
	req(&e, "write", 3, w);
	req(&e, "write", 3, w);
	struct stat st;
	char path[256];
	cr_assert_eq(stat(fake_path(path, sizeof(path), e.g, "x"), &st), 0);
	cr_assert_eq(st.st_size, 4);
	cr_assert_eq(fileio_errno_from_host(ENAMETOOLONG),
		     FILEIO_ENAMETOOLONG);
	cr_assert_eq(fileio_errno_from_host(EOVERFLOW), FILEIO_EUNKNOWN);
	fenv_close(&e);
}

Test(fileio, console_fds)
{
	int p[2];
	cr_assert_eq(pipe(p), 0);
	cr_assert_eq(write(p[1], "typed", 5), 5);
	close(p[1]);
	fenv e;
	fenv_open(&e, 0, p[0]);
	fake_put(e.g, BUF, "out+err", 7);
	uint64_t w[3] = { 1, fake_addr(BUF), 4 };
	cr_assert_eq(req(&e, "write", 3, w), 4);
	uint64_t w2[3] = { 2, fake_addr(BUF + 4), 3 };
	cr_assert_eq(req(&e, "write", 3, w2), 3);
	cr_assert_str_eq(e.g->out[1], "out+");
	cr_assert_str_eq(e.g->out[2], "err");
	uint64_t r[3] = { 0, fake_addr(BUF + 100), 64 };
	cr_assert_eq(req(&e, "read", 3, r), 5);
	cr_assert_arr_eq(e.g->mem + BUF + 100, "typed", 5);
	uint64_t t[1] = { 1 };
	cr_assert_eq(req(&e, "isatty", 1, t), 1);
	uint64_t wr0[3] = { 0, fake_addr(BUF), 1 };
	cr_assert_eq(req(&e, "write", 3, wr0), -1);
	cr_assert_eq(e.r.err, FILEIO_EBADF);
	uint64_t sk[3] = { 1, 0, 0 };
	cr_assert_eq(req(&e, "lseek", 3, sk), -1);
	cr_assert_eq(e.r.err, FILEIO_ESPIPE);
	close(p[0]);
	fenv_close(&e);
}

Test(fileio, fstat_and_stat_are_big_endian_64_bytes)
{
	fenv e;
	fenv_open(&e, 0, -1);
	int64_t fd = fopen_(&e, "s", FILEIO_O_CREAT | FILEIO_O_WRONLY);
	fake_put(e.g, BUF, "0123456789", 10);
	uint64_t w[3] = { (uint64_t)fd, fake_addr(BUF), 10 };
	req(&e, "write", 3, w);
	memset(e.g->mem + BUF + 0x100, 0xee, 80);
	uint64_t f[2] = { (uint64_t)fd, fake_addr(BUF + 0x100) };
	cr_assert_eq(req(&e, "fstat", 2, f), 0);
	const uint8_t *st = e.g->mem + BUF + 0x100;
	cr_assert_eq(be(st + 28, 8), 10, "st_size");
	cr_assert_eq(be(st + 8, 4), FILEIO_S_IFREG | 0644);
	cr_assert_eq(st[64], 0xee, "exactly 64 bytes");
	memset(e.g->mem + BUF + 0x100, 0, 80);
	uint64_t s[3] = { str(&e, STR, "s"), 2, fake_addr(BUF + 0x100) };
	cr_assert_eq(req(&e, "stat", 3, s), 0);
	cr_assert_eq(be(st + 28, 8), 10);
	uint64_t c[2] = { 1, fake_addr(BUF + 0x100) };
	cr_assert_eq(req(&e, "fstat", 2, c), 0);
	cr_assert_eq(be(st + 8, 4) & 0170000, 020000, "console is a chardev");
	fenv_close(&e);
}

Test(fileio, gettimeofday_layout)
{
	fenv e;
	fenv_open(&e, 0, -1);
	time_t before = time(NULL);
	uint64_t a[2] = { fake_addr(BUF), 0 };
	cr_assert_eq(req(&e, "gettimeofday", 2, a), 0);
	uint64_t sec = be(e.g->mem + BUF, 4);
	uint64_t usec = be(e.g->mem + BUF + 4, 8);
	cr_assert(sec >= (uint64_t)before && sec <= (uint64_t)time(NULL));
	cr_assert_lt(usec, 1000000);
	fenv_close(&e);
}

Test(fileio, unlink_rename_and_escapes)
{
	fenv e;
	fenv_open(&e, 0, -1);
	fopen_(&e, "a", FILEIO_O_CREAT | FILEIO_O_WRONLY);
	uint64_t rn[4] = { str(&e, STR, "a"), 2, str(&e, STR + 0x100, "b"), 2 };
	cr_assert_eq(req(&e, "rename", 4, rn), 0);
	uint64_t ul[2] = { fake_addr(STR + 0x100), 2 };
	cr_assert_eq(req(&e, "unlink", 2, ul), 0);
	cr_assert_eq(req(&e, "unlink", 2, ul), -1);
	cr_assert_eq(e.r.err, FILEIO_ENOENT);
	cr_assert_eq(fopen_(&e, "../escape", FILEIO_O_CREAT | FILEIO_O_WRONLY),
		     -1);
	cr_assert_eq(e.r.err, FILEIO_EACCES);
	cr_assert_eq(e.g->warnings, 1);
	cr_assert_eq(fopen_(&e, "/etc/passwd", FILEIO_O_RDONLY), -1);
	cr_assert_eq(e.r.err, FILEIO_EACCES);
	uint64_t esc[2] = { str(&e, STR, "/etc/passwd"), 12 };
	cr_assert_eq(req(&e, "unlink", 2, esc), -1);
	fenv_close(&e);
}

Test(fileio, system_refused_then_allowed)
{
	fenv e;
	fenv_open(&e, 0, -1);
	uint64_t q[2] = { 0, 0 };
	cr_assert_eq(req(&e, "system", 2, q), 0, "no shell available");
	uint64_t a[2] = { str(&e, STR, "exit 2"), 7 };
	cr_assert_eq(req(&e, "system", 2, a), -1);
	cr_assert_eq(e.r.err, FILEIO_EPERM);
	fenv_close(&e);
	fenv_open(&e, 1, -1);
	a[0] = str(&e, STR, "exit 2");
	cr_assert_eq(req(&e, "system", 2, a), 2 << 8);
	fenv_close(&e);
}

Test(fileio, hostile_requests)
{
	fenv e;
	fenv_open(&e, 0, -1);
	/* Path pointer outside memory, overlong, zero length. */
	uint64_t o[4] = { 0x10, 5, 0, 0 };
	cr_assert_eq(req(&e, "open", 4, o), -1);
	cr_assert_eq(e.r.err, FILEIO_EFAULT);
	o[0] = fake_addr(STR);
	o[1] = 100000;
	cr_assert_eq(req(&e, "open", 4, o), -1);
	cr_assert_eq(e.r.err, FILEIO_ENAMETOOLONG);
	o[1] = 0;
	cr_assert_eq(req(&e, "open", 4, o), -1);
	/* Too few arguments; unknown call; fd out of range. */
	cr_assert_eq(req(&e, "open", 1, o), -1);
	cr_assert_eq(e.r.err, FILEIO_EINVAL);
	cr_assert_eq(req(&e, "frobnicate", 0, o), -1);
	cr_assert_eq(e.r.err, 88, "ENOSYS");
	uint64_t bad[3] = { 1u << 31, fake_addr(BUF), 4 };
	cr_assert_eq(req(&e, "read", 3, bad), -1);
	cr_assert_eq(e.r.err, FILEIO_EBADF);
	/* A 4 GiB read is capped to one chunk per request. */
	int64_t fd = fopen_(&e, "big", FILEIO_O_CREAT | FILEIO_O_RDWR);
	uint64_t w[3] = { (uint64_t)fd, fake_addr(0), FAKE_SIZE };
	cr_assert_eq(req(&e, "write", 3, w), FAKE_SIZE);
	uint64_t s[3] = { (uint64_t)fd, 0, 0 };
	req(&e, "lseek", 3, s);
	uint64_t r[3] = { (uint64_t)fd, fake_addr(0), 0xffffffffu };
	int64_t got = req(&e, "read", 3, r);
	cr_assert(got > 0 && got <= (int64_t)SEMIHOST_IO_CHUNK);
	cr_assert_leq(e.g->max_request, SEMIHOST_IO_CHUNK);
	/* A write from memory that runs out: the part that was there. */
	uint64_t w2[3] = { (uint64_t)fd, fake_addr(FAKE_SIZE - 100), 5000 };
	cr_assert_eq(req(&e, "write", 3, w2), -1, "first chunk faults");
	cr_assert_eq(e.r.err, FILEIO_EFAULT);
	/* A stub failure is fatal. */
	e.g->fail_mem = 1;
	rsp_stop stop;
	memset(&stop, 0, sizeof(stop));
	stop.kind = RSP_STOP_FILEIO;
	strcpy(stop.fileio_call, "open");
	stop.fileio_argc = 4;
	stop.fileio_args[0] = fake_addr(STR);
	stop.fileio_args[1] = 2;
	cr_assert_eq(fileio_handle(&e.r, e.f, &e.io, &stop), SEMIHOST_EIO);
	cr_assert(strstr(fileio_errmsg(e.f), "memory"));
	fenv_close(&e);
}
