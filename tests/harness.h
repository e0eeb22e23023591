/*
 * Test harness shared by the integration tests: run a command with a time
 * limit and capture its output and status; find the built binaries and
 * example guests (paths come from the environment `make test` sets).
 */
#ifndef TESTS_HARNESS_H
#define TESTS_HARNESS_H

#include <stddef.h>
#include <sys/types.h>

typedef struct harness_result {
	int status;      /* exit status; 128+N when killed by signal N; -1 on error */
	int timed_out;   /* the command outlived its limit and was killed */
	char *out;       /* all of stdout, NUL-terminated (never NULL) */
	char *err;       /* all of stderr, NUL-terminated (never NULL) */
	size_t out_len;
	size_t err_len;
} harness_result;

/* Runs argv (argv[0] searched in PATH) with stdin from /dev/null, in its own
 * process group, killing the group after `timeout_s` seconds. */
int harness_run(harness_result *res, const char *const argv[], int timeout_s);
/* The same with `input` as stdin (a pipe holding it, then end of file;
 * at most 64 KiB), or /dev/null when NULL. */
int harness_run_input(harness_result *res, const char *const argv[],
		      int timeout_s, const char *input);
void harness_result_free(harness_result *res);

/* $STUBRUN, or "build/stubrun". */
const char *harness_stubrun(void);
/* Writes "$STUBRUN_EXAMPLES/name" to buf and returns buf. */
const char *harness_example(char *buf, size_t len, const char *name);

/* Copies the example `name` into the directory `dir`: 0, -1 when the
 * example is not built (the caller skips), -2 when the copy fails. */
int harness_copy_example(const char *name, const char *dir);

/* Starts argv (argv[0] searched in PATH) in the background with stdin,
 * stdout and stderr on /dev/null: its pid, or -1. The caller waits. */
pid_t harness_spawn_quiet(const char *const argv[]);

/* Number of processes whose command line contains `needle` (via /proc),
 * used to check that no QEMU outlives a test. */
int harness_count_processes(const char *needle);

/* The whole of a file (up to 1 MiB) as a string; "" when it is absent,
 * NULL only when out of memory. Free it. */
char *harness_slurp(const char *path);

/* A scratch directory from the mkdtemp template `tmpl` (0, or -1), and
 * its removal with everything in it; the removal does nothing for a
 * template never made. */
int harness_scratch_make(char *tmpl);
void harness_scratch_remove(const char *dir);

#endif
