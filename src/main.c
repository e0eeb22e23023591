/* stubrun's entry point: dispatches the subcommands (`run`, `test`) and
 * the top-level --help / --version; `stubrun IMAGE` means `stubrun run`. */
#include <stdio.h>
#include <string.h>

#include "run.h"
#include "suite.h"

static const char top_usage[] =
"usage: stubrun run [OPTIONS] IMAGE [-- GUEST-ARG...]   run one image\n"
"       stubrun test [OPTIONS] SUITE...                 run test suites\n"
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
"error; 130/143 interrupted by SIGINT/SIGTERM.\n";

int main(int argc, char **argv)
{
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
	/* stubrun IMAGE ... and stubrun --option ... IMAGE */
	return run_main(argc, argv, 1);
}
