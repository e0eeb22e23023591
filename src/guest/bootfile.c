/* Boot files (bootfile.h): readable, regular, and what their first bytes
 * say; every read bounded by the bytes actually read. */
#include "bootfile.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

/* ECMA-119: sector 16 (2048-byte sectors) holds the first volume
 * descriptor: a type byte, then the standard identifier "CD001". */
#define ISO_ID_OFFSET (16 * 2048 + 1)

/* O_NONBLOCK: a FIFO must not block the run; it is refused as not
 * regular. Returns the fd, or -1 with the message set. */
static int open_checked(const char *option, const char *path, int dir_ok,
			char *errbuf, size_t errlen)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0 || fstat(fd, &st) < 0) {
		util_errf(errbuf, errlen, "%s %s: %s", option, path,
			  strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (S_ISREG(st.st_mode) || (dir_ok && S_ISDIR(st.st_mode)))
		return fd;
	util_errf(errbuf, errlen, "%s %s: %s", option, path,
		  S_ISDIR(st.st_mode) ? "is a directory" : "not a regular file");
	close(fd);
	return -1;
}

int bootfile_check(const char *option, const char *path, int dir_ok,
		   char *errbuf, size_t errlen)
{
	int fd = open_checked(option, path, dir_ok, errbuf, errlen);

	if (fd < 0)
		return BOOTFILE_ENOENT;
	close(fd);
	return 0;
}

/* Reads up to `cap` bytes at `off`; *got says how many came. */
static int read_at(void *buf, size_t cap, size_t *got, int fd, off_t off)
{
	ssize_t n;

	*got = 0;
	while (*got < cap) {
		n = pread(fd, (char *)buf + *got, cap - *got, off + (off_t)*got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		*got += (size_t)n;
	}
	return 0;
}

int bootfile_check_iso(const char *path, char *errbuf, size_t errlen)
{
	char id[5];
	size_t got;
	int fd = open_checked("--cdrom", path, 0, errbuf, errlen), err = 0;

	if (fd < 0)
		return BOOTFILE_ENOENT;
	if (read_at(id, sizeof(id), &got, fd, ISO_ID_OFFSET) < 0) {
		util_errf(errbuf, errlen, "--cdrom %s: %s", path, strerror(errno));
		err = BOOTFILE_ENOENT;
	} else if (got < sizeof(id) || memcmp(id, "CD001", sizeof(id)) != 0) {
		util_errf(errbuf, errlen, "--cdrom %s: not an ISO 9660 image (no "
			  "CD001 at byte %d)", path, ISO_ID_OFFSET);
		err = BOOTFILE_EFORMAT;
	}
	close(fd);
	return err;
}

int bootfile_probe_kernel(bootfile_kernel *out, const char *path,
			  char *errbuf, size_t errlen)
{
	unsigned char head[TARGET_KERNEL_HEADER_MAX];
	size_t got;
	int fd = open_checked("--kernel", path, 0, errbuf, errlen), err = 0;

	memset(out, 0, sizeof(*out));
	if (fd < 0)
		return BOOTFILE_ENOENT;
	if (read_at(head, sizeof(head), &got, fd, 0) < 0) {
		util_errf(errbuf, errlen, "--kernel %s: %s", path, strerror(errno));
		err = BOOTFILE_ENOENT;
	} else if (got == 0) {
		util_errf(errbuf, errlen, "--kernel %s: empty file", path);
		err = BOOTFILE_EFORMAT;
	} else {
		out->is_elf = got >= SELFMAG && !memcmp(head, ELFMAG, SELFMAG);
		out->tgt = target_from_kernel_header(head, got);
	}
	close(fd);
	return err;
}
