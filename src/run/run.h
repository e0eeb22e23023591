/*
 * `stubrun run`: the whole run of one image, from the command line to the
 * exit status (see cli.h for the options and the status table in --help).
 */
#ifndef RUN_H
#define RUN_H

/* Exit statuses of stubrun's own making (the guest's own are 0..255). */
enum {
	RUN_EXIT_FAIL = 1,       /* failed check, fail symbol, crash */
	RUN_EXIT_TIMEOUT = 124,
	RUN_EXIT_ERROR = 125,    /* bad arguments or image, QEMU died, stub */
	RUN_EXIT_NOEXEC = 126,   /* QEMU not executable */
	RUN_EXIT_NOTFOUND = 127, /* QEMU not found */
};

/* Runs `stubrun run` with argv[first..argc) as its arguments. Prints the
 * console to stdout and diagnostics to stderr; returns the exit status.
 * Blocks SIGINT, SIGTERM, SIGHUP and SIGPIPE for its duration and restores
 * the mask before returning. */
int run_main(int argc, char **argv, int first);

#endif /* RUN_H */
