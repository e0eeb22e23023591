/* stubrun's entry point: dispatches the subcommands (`run`, `test`,
 * `report merge`) and
 * the top-level --help / --version; `stubrun IMAGE` means `stubrun run`. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "run.h"
#include "suite.h"

static const char top_usage[] =
"usage: stubrun run [OPTIONS] IMAGE [-- GUEST-ARG...]   run one image\n"
"       stubrun test [OPTIONS] SUITE...                 run test suites\n"
"       stubrun report merge [--format F] OUT IN...     merge shard reports\n"
"       stubrun IMAGE ...                               same as stubrun run\n"
"       stubrun --help | --version\n"
"\n"
"stubrun runs kernel and bare-metal tests under QEMU by driving QEMU's GDB\n"
"stub. `stubrun run --help` and `stubrun test --help` list the options.\n"
"\n"
"Exit status of run: the guest's own status; 1 failed check, fail symbol\n"
"or crash; 124 timeout; 125 stubrun's own error (bad arguments or image,\n"
"QEMU died); 126 QEMU not executable; 127 QEMU not found.\n"
"Exit status of test: 0 all passed; 1 any failed or timed out; 125 suite\n"
"error; 3 bad --quarantine file; 4 bad input report; 130/143 interrupted\n"
"by SIGINT/SIGTERM.\n";

/* Started with stdin, stdout or stderr closed (`stubrun IMAGE <&- >&-
 * 2>&-`), the next descriptor opened (QEMU's socketpair, a pipe) would
 * land on 0-2, and the child's dup2 onto its own 0-2 would replace it. As
 * daemons do, fill the gaps with /dev/null first, so that every internal
 * descriptor is above 2. */
static int keep_std_fds_open(void)
{
	for (int fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		int null = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
		if (null < 0)
			return -1;
		if (null != fd) { /* a lower gap was filled first: cannot be */
			close(null);
			return -1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (keep_std_fds_open() < 0)
		return RUN_EXIT_ERROR;
	if (argc < 2) {
		fputs(top_usage, stderr);
		return RUN_EXIT_ERROR;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		fputs(top_usage, stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		puts("stubrun " STUBRUN_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "run"))
		return run_main(argc, argv, 2);
	if (!strcmp(argv[1], "test"))
		return suite_main(argc - 1, argv + 1);
	if (!strcmp(argv[1], "report"))
		return suite_report_main(argc - 1, argv + 1);
	/* stubrun IMAGE ... and stubrun --option ... IMAGE */
	return run_main(argc, argv, 1);
}
