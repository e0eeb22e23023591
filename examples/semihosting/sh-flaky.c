/*
 * A deterministically flaky test for `stubrun test --retry-failed`: counts
 * its runs in a host file through semihosting (argument "file=PATH",
 * default "flaky.count", in stubrun's semihosting sandbox) and fails until
 * the count reaches "pass-at=N" (default 2): the first run fails, the
 * second passes. The image and command line are the same every time; only
 * the counter file, which the test owns, changes. Prints "run K of N".
 */
#include <semihost.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int read_count(const char *path)
{
	char buf[16];
	int fd = sys_semihost_open(path, SH_OPEN_R_B), n = 0;
	intptr_t len;

	if (fd < 0)
		return 0;  /* no file yet: the first run */
	len = (intptr_t)sys_semihost_flen(fd);
	if (len > 0 && len < (intptr_t)sizeof(buf)) {
		memset(buf, 0, sizeof(buf));
		/* SYS_READ returns the number of bytes NOT read. */
		if ((intptr_t)sys_semihost_read(fd, buf, (size_t)len) == 0)
			n = atoi(buf);
	}
	sys_semihost_close(fd);
	return n;
}

static int write_count(const char *path, int n)
{
	char buf[16];
	int fd = sys_semihost_open(path, SH_OPEN_W_B), ok;
	int len = snprintf(buf, sizeof(buf), "%d\n", n);

	if (fd < 0)
		return -1;
	ok = (intptr_t)sys_semihost_write(fd, buf, (size_t)len) == 0;
	sys_semihost_close(fd);
	return ok ? 0 : -1;
}

int main(int argc, char **argv)
{
	const char *path = "flaky.count";
	int pass_at = 2, n;

	for (int i = 1; i < argc; i++) {
		if (strncmp(argv[i], "file=", 5) == 0 && argv[i][5])
			path = argv[i] + 5;
		else if (strncmp(argv[i], "pass-at=", 8) == 0)
			pass_at = atoi(argv[i] + 8);
	}
	n = read_count(path) + 1;
	if (write_count(path, n) < 0) {
		printf("sh-flaky: cannot write %s\n", path);
		return 2;
	}
	printf("sh-flaky: run %d of %d\n", n, pass_at);
	return n >= pass_at ? 0 : 1;
}
