/*
 * Semihosting file calls through picolibc: SYS_OPEN, SYS_WRITE, SYS_CLOSE,
 * SYS_READ, SYS_SEEK, SYS_FLEN, SYS_REMOVE, SYS_TIME, SYS_ISTTY. Works on
 * the host file named by an argument "file=PATH" (default "sh-files.tmp",
 * relative to the directory the semihosting host runs in) and removes it
 * at the end. Not a bare argv[1]: with no arguments QEMU's command line is
 * the -kernel path, and this program would overwrite its own image. Prints
 * one line per step; exits 0 only if every step gave the expected answer,
 * else the number of the first failed step.
 */
#include <semihost.h>
#include <stdio.h>
#include <string.h>

static const char text[] = "stubrun semihosting file test\n";

static int step(int n, const char *what, int ok)
{
	printf("%d %s: %s\n", n, what, ok ? "ok" : "FAILED");
	return ok ? 0 : n;
}

static int run(const char *path)
{
	char buf[64];
	int fd, bad;
	intptr_t got;

	fd = sys_semihost_open(path, SH_OPEN_W_B);
	if ((bad = step(1, "open for writing", fd >= 0)))
		return bad;
	got = (intptr_t)sys_semihost_write(fd, text, sizeof(text) - 1);
	/* SYS_WRITE returns the number of bytes NOT written. */
	if ((bad = step(2, "write", got == 0)))
		return bad;
	if ((bad = step(3, "close", sys_semihost_close(fd) == 0)))
		return bad;

	fd = sys_semihost_open(path, SH_OPEN_R_B);
	if ((bad = step(4, "open for reading", fd >= 0)))
		return bad;
	if ((bad = step(5, "flen", sys_semihost_flen(fd) == (intptr_t)sizeof(text) - 1)))
		return bad;
	if ((bad = step(6, "istty is 0 for a file", sys_semihost_istty(fd) == 0)))
		return bad;
	memset(buf, 0, sizeof(buf));
	got = (intptr_t)sys_semihost_read(fd, buf, sizeof(text) - 1);
	if ((bad = step(7, "read back", got == 0 && strcmp(buf, text) == 0)))
		return bad;
	/* Seek to the word "semihosting" (offset 8) and read 11 bytes. */
	if ((bad = step(8, "seek", sys_semihost_seek(fd, 8) == 0)))
		return bad;
	memset(buf, 0, sizeof(buf));
	got = (intptr_t)sys_semihost_read(fd, buf, 11);
	if ((bad = step(9, "read after seek", got == 0 && strcmp(buf, "semihosting") == 0)))
		return bad;
	if ((bad = step(10, "close", sys_semihost_close(fd) == 0)))
		return bad;

	if ((bad = step(11, "remove", sys_semihost_remove(path) == 0)))
		return bad;
	if ((bad = step(12, "gone after remove", sys_semihost_open(path, SH_OPEN_R_B) < 0)))
		return bad;
	/* SYS_TIME: seconds since 1970; anything after 2020 is plausible. */
	if ((bad = step(13, "time", sys_semihost_time() > 1577836800)))
		return bad;
	return 0;
}

int main(int argc, char **argv)
{
	const char *path = "sh-files.tmp";
	int status;

	for (int i = 1; i < argc; i++)
		if (strncmp(argv[i], "file=", 5) == 0 && argv[i][5] != '\0')
			path = argv[i] + 5;
	printf("sh-files: using %s\n", path);
	status = run(path);

	printf("sh-files: %s\n", status ? "FAILED" : "all ok");
	return status;
}
