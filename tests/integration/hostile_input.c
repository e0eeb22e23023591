/*
 * Integration: bad and hostile input to `stubrun run` and `stubrun test`,
 * one table row per case: how to make the input (generated at test time in
 * a scratch directory), the arguments, the status and the message. Each
 * case must give exactly one line on stderr, "stubrun: " (or "stubrun
 * test: "), naming the file or option and the problem, with the status
 * documented in `stubrun --help`.
 */
#include "faults_common.h"

#include <grp.h>

/* How the input of a row is made; PATH below is the made file. */
typedef enum make_kind {
	MK_NONE = 0,      /* nothing: PATH does not exist */
	MK_EMPTY,         /* a file of 0 bytes */
	MK_DIR,           /* a directory */
	MK_FIFO,          /* a named pipe with no writer */
	MK_TEXT,          /* a short text file */
	MK_RAW,           /* 4 KiB of bytes with no ELF magic */
	MK_NOEXEC,        /* a file without exec permission (as QEMU) */
	MK_UNREADABLE,    /* mode 000; the row runs as nobody when root */
	MK_ELF_TRUNC,     /* the first 200 bytes of an ELF */
	MK_ELF_PATCH,     /* an ELF with bytes patched at an offset */
	MK_SUITE,         /* a suite file with the given text */
} make_kind;

typedef struct hcase {
	const char *name;
	make_kind make;
	const char *file;       /* its name in the scratch directory */
	size_t patch_at;        /* MK_ELF_PATCH */
	const char *patch;      /* MK_ELF_PATCH bytes; MK_SUITE text */
	size_t patch_len;
	/* Arguments after "stubrun"; "PATH" is the made file, "EXAMPLE" a
	 * riscv64 example (riscv64 QEMU prints no warnings on stderr). */
	const char *args[10];
	int status;
	const char *msg1, *msg2; /* fragments of the line; msg1 may be PATH */
	const char *absent;      /* must not appear, or NULL */
} hcase;

#define ELF "riscv64-pass.elf"

static const hcase cases[] = {
	/* --- the image file ----------------------------------------------- */
	{ "missing_file", MK_NONE, "nope.elf", 0, NULL, 0,
	  { "run", "PATH" }, 125, "PATH", "No such file or directory", NULL },
	{ "empty_file", MK_EMPTY, "empty.elf", 0, NULL, 0,
	  { "run", "PATH" }, 125, "PATH", "empty file", "needs --arch" },
	{ "directory", MK_DIR, "dir.elf", 0, NULL, 0,
	  { "run", "PATH" }, 125, "PATH", "is a directory", NULL },
	{ "fifo_does_not_block", MK_FIFO, "fifo.elf", 0, NULL, 0,
	  { "run", "--timeout", "2", "PATH" }, 125, "PATH", "not a regular file",
	  NULL },
	{ "events_fifo_does_not_block", MK_FIFO, "events.fifo", 0, NULL, 0,
	  { "run", "--events", "PATH", "EXAMPLE" }, 125, "--events PATH",
	  "not a regular file", NULL },
	{ "char_device", MK_NONE, "/dev/zero", 0, NULL, 0,
	  { "run", "/dev/zero" }, 125, "/dev/zero", "not a regular file", NULL },
	{ "unreadable", MK_UNREADABLE, "secret.elf", 0, NULL, 0,
	  { "run", "PATH" }, 125, "PATH", "Permission denied", NULL },
	{ "not_elf_text", MK_TEXT, "notes.elf", 0, NULL, 0,
	  { "run", "PATH" }, 125, "PATH", "not an ELF file (a raw image needs "
	  "--arch)", NULL },
	{ "raw_image_without_arch", MK_RAW, "disk.img", 0, NULL, 0,
	  { "run", "PATH" }, 125, "PATH", "a raw image needs --arch", NULL },
	{ "truncated_elf", MK_ELF_TRUNC, "trunc.elf", 0, NULL, 0,
	  { "run", "PATH" }, 125, "PATH", "outside the file", NULL },
	{ "elf_for_sparc", MK_ELF_PATCH, "sparc.elf", 18, "\x02\x00", 2,
	  { "run", "PATH" }, 125, "PATH", "no target for ELF machine 2", NULL },
	{ "elf_bad_class", MK_ELF_PATCH, "class.elf", 4, "\x03", 1,
	  { "run", "PATH" }, 125, "PATH", "bad ELF class 3", NULL },
	{ "elf_big_endian", MK_ELF_PATCH, "be.elf", 5, "\x02", 1,
	  { "run", "PATH" }, 125, "PATH", "not a little-endian ELF", NULL },
	{ "elf_section_headers_out_of_file", MK_ELF_PATCH, "shoff.elf", 40,
	  "\xff\xff\xff\xff\xff\xff\x00\x00", 8,
	  { "run", "PATH" }, 125, "PATH", "section headers lie outside the file",
	  NULL },
	{ "elf_section_count_huge", MK_ELF_PATCH, "shnum.elf", 60, "\xff\xff", 2,
	  { "run", "PATH" }, 125, "PATH", "65535 entries", NULL },
	{ "elf_bad_name_table_index", MK_ELF_PATCH, "shstrndx.elf", 62,
	  "\xf0\xff", 2,
	  { "run", "PATH" }, 125, "PATH", "bad section name table index", NULL },
	{ "elf_program_headers_out_of_file", MK_ELF_PATCH, "phoff.elf", 32,
	  "\xff\xff\xff\xff\xff\xff\x00\x00", 8,
	  { "run", "--timeout", "3", "PATH" }, 125, "PATH", "program header",
	  NULL },
	{ "elf_truncated_names_no_raw_hint", MK_ELF_TRUNC, "trunc2.elf", 0, NULL,
	  0, { "run", "PATH" }, 125, "PATH", "outside the file", "needs --arch" },

	/* --- options ------------------------------------------------------ */
	{ "unknown_symbol", MK_NONE, NULL, 0, NULL, 0,
	  { "run", "--exit-symbol", "no_such_exit", "EXAMPLE" }, 125, "EXAMPLE",
	  "no symbol no_such_exit", NULL },
	{ "unknown_expect_name", MK_NONE, NULL, 0, NULL, 0,
	  { "run", "--pass-at", "main", "--expect", "nosuchreg==1", "EXAMPLE" },
	  125, "--expect 'nosuchreg==1'", "neither a register nor a symbol",
	  NULL },
	{ "malformed_expect", MK_NONE, NULL, 0, NULL, 0,
	  { "run", "--pass-at", "main", "--expect", "a0=1", "EXAMPLE" }, 125,
	  "--expect 'a0=1'", "'=='", NULL },
	{ "expect_without_break", MK_NONE, NULL, 0, NULL, 0,
	  { "run", "--expect", "a0==1", "EXAMPLE" }, 125, "--expect 'a0==1'",
	  "needs a --break or --pass-at", NULL },
	{ "unknown_option", MK_NONE, NULL, 0, NULL, 0,
	  { "run", "--frobnicate", "EXAMPLE" }, 125, "--frobnicate",
	  "unknown option", NULL },
	{ "bad_timeout", MK_NONE, NULL, 0, NULL, 0,
	  { "run", "--timeout", "-1", "EXAMPLE" }, 125, "--timeout '-1'",
	  "expected seconds (0 < S <= 86400)", NULL },
	{ "bad_gdb_port", MK_NONE, NULL, 0, NULL, 0,
	  { "run", "--gdb", "tcp:99999", "EXAMPLE" }, 125, "--gdb 'tcp:99999'",
	  NULL, NULL },
	{ "unknown_arch", MK_NONE, NULL, 0, NULL, 0,
	  { "run", "--arch", "vax", "EXAMPLE" }, 125, "--arch 'vax'",
	  "unknown architecture", NULL },
	{ "connect_to_nothing", MK_NONE, "none.sock", 0, NULL, 0,
	  { "run", "--timeout", "1", "--connect", "unix:PATH", "EXAMPLE" }, 125,
	  "cannot connect to the stub at unix:PATH", NULL, NULL },

	/* --- QEMU --------------------------------------------------------- */
	{ "qemu_missing_is_127", MK_NONE, "qemu-nope", 0, NULL, 0,
	  { "run", "--qemu", "PATH", "EXAMPLE" }, 127, "PATH", "QEMU not found",
	  NULL },
	{ "qemu_not_executable_is_126", MK_NOEXEC, "qemu-noexec", 0, NULL, 0,
	  { "run", "--qemu", "PATH", "EXAMPLE" }, 126, "PATH",
	  "Permission denied", NULL },
	{ "qemu_is_a_directory_is_126", MK_DIR, "qemu-dir", 0, NULL, 0,
	  { "run", "--qemu", "PATH", "EXAMPLE" }, 126, "PATH", NULL, NULL },

	/* --- suites ------------------------------------------------------- */
	{ "suite_missing", MK_NONE, "nope.ini", 0, NULL, 0,
	  { "test", "PATH" }, 125, "PATH", "No such file or directory", NULL },
	{ "suite_malformed_header", MK_SUITE, "hdr.ini", 0,
	  "[test \"x\"\nimage = a.elf\n", 0,
	  { "test", "PATH" }, 125, "PATH:1:", "malformed section header", NULL },
	{ "suite_unknown_key", MK_SUITE, "key.ini", 0,
	  "[test \"x\"]\nimage = a.elf\nfrob = 1\n", 0,
	  { "test", "PATH" }, 125, "PATH:3:", "unknown key 'frob'", NULL },
	{ "suite_bad_expect_exit", MK_SUITE, "exit.ini", 0,
	  "[test \"x\"]\nimage = a.elf\nexpect-exit = banana\n", 0,
	  { "test", "PATH" }, 125, "PATH:3:", "banana", NULL },
	{ "suite_glob_matches_nothing", MK_SUITE, "glob.ini", 0,
	  "[test \"x\"]\nimage = nomatch/*.elf\n", 0,
	  { "test", "PATH" }, 125, "PATH:2:", "nomatch/*.elf", NULL },
	{ "suite_is_a_directory", MK_DIR, "dir.ini", 0, NULL, 0,
	  { "test", "PATH" }, 125, "PATH", NULL, NULL },
	{ "suite_unknown_option", MK_NONE, NULL, 0, NULL, 0,
	  { "test", "--frobnicate", "x.ini" }, 125, "--frobnicate",
	  "unknown option", NULL },
};

#define NCASES (sizeof(cases) / sizeof(cases[0]))

/* --- making the inputs ---------------------------------------------------- */

static void write_file(const char *path, const void *data, size_t len,
		       mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	cr_assert_geq(fd, 0, "%s: %s", path, strerror(errno));
	cr_assert_eq(write(fd, data, len), (ssize_t)len);
	close(fd);
	cr_assert_eq(chmod(path, mode), 0);
}

static void copy_elf(const hcase *c, const char *path)
{
	static char buf[1 << 20];
	char src[512];
	FILE *f;
	size_t n;

	example_or_skip(src, sizeof(src), ELF);
	cr_assert_not_null(f = fopen(src, "rb"));
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	if (c->make == MK_ELF_TRUNC)
		n = 200;
	else
		memcpy(buf + c->patch_at, c->patch, c->patch_len);
	write_file(path, buf, n, 0644);
}

static void make_input(const hcase *c, const char *path)
{
	static const char text[] = "these are notes, not a kernel\n";
	char raw[4096];

	switch (c->make) {
	case MK_NONE:
		break;
	case MK_EMPTY:
		write_file(path, "", 0, 0644);
		break;
	case MK_DIR:
		cr_assert_eq(mkdir(path, 0755), 0);
		break;
	case MK_FIFO:
		cr_assert_eq(mkfifo(path, 0644), 0);
		break;
	case MK_TEXT:
		write_file(path, text, sizeof(text) - 1, 0644);
		break;
	case MK_RAW:
		for (size_t i = 0; i < sizeof(raw); i++)
			raw[i] = (char)(i * 7 + 3);
		write_file(path, raw, sizeof(raw), 0644);
		break;
	case MK_NOEXEC:
		write_file(path, "#!/bin/sh\n", 10, 0644);
		break;
	case MK_UNREADABLE:
		write_file(path, "x", 1, 0);
		break;
	case MK_ELF_TRUNC:
	case MK_ELF_PATCH:
		copy_elf(c, path);
		break;
	case MK_SUITE:
		write_file(path, c->patch, strlen(c->patch), 0644);
		break;
	}
}

/* "PATH" and "EXAMPLE" in `in` replaced by their values, into out. */
static const char *expand(char *out, size_t cap, const char *in,
			  const char *path, const char *example)
{
	const char *p = strstr(in, "PATH"), *e = strstr(in, "EXAMPLE");

	if (p)
		snprintf(out, cap, "%.*s%s%s", (int)(p - in), in, path, p + 4);
	else if (e)
		snprintf(out, cap, "%.*s%s%s", (int)(e - in), in, example, e + 7);
	else
		snprintf(out, cap, "%s", in);
	return out;
}

/* --- running -------------------------------------------------------------- */

/* Runs argv as user nobody (root reads mode-000 files regardless): stderr
 * to `errfile`; returns the wait status. */
static int run_as_nobody(const char *const argv[], const char *errfile)
{
	pid_t pid = fork();

	cr_assert_geq(pid, 0);
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		int err = open(errfile, O_WRONLY | O_CREAT | O_TRUNC, 0666);
		setpgid(0, 0);
		dup2(null, 0);
		dup2(null, 1);
		dup2(err, 2);
		if (setgroups(0, NULL) || setgid(65534) || setuid(65534))
			_exit(99);
		execv(argv[0], (char *const *)argv);
		_exit(98);
	}
	return reap_or_fail(pid, "stubrun as nobody");
}

static void check_case(const hcase *c)
{
	char dir[80], path[512], example[512], args[10][600], errfile[160];
	char want1[700], want2[700];
	const char *argv[12];
	harness_result res;
	int n = 0, st;

	scratch_new(dir, sizeof(dir), "input");
	cr_assert_eq(chmod(dir, 0755), 0); /* nobody must reach the files */
	example_or_skip(example, sizeof(example), ELF);
	if (c->file && c->file[0] == '/')
		snprintf(path, sizeof(path), "%s", c->file);
	else
		snprintf(path, sizeof(path), "%s/%s", dir, c->file ? c->file : "-");
	make_input(c, path);

	argv[n++] = harness_stubrun();
	for (int i = 0; c->args[i]; i++, n++)
		argv[n] = expand(args[i], sizeof(args[i]), c->args[i], path, example);
	argv[n] = NULL;

	memset(&res, 0, sizeof(res));
	if (c->make == MK_UNREADABLE && geteuid() == 0) {
		snprintf(errfile, sizeof(errfile), "%s/stderr", dir);
		st = run_as_nobody(argv, errfile);
		res.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		res.err = slurp_file(errfile);
		res.out = strdup("");
	} else {
		cr_assert_eq(harness_run(&res, argv, FAULTS_LIMIT_S), 0);
	}

	const char *prefix = !strcmp(c->args[0], "test") ? "stubrun test: " :
			     "stubrun: ";
	cr_expect_eq(res.timed_out, 0, "%s: stubrun hung", c->name);
	cr_expect_eq(res.status, c->status, "%s: status %d, want %d; stderr:\n%s",
		     c->name, res.status, c->status, res.err);
	cr_expect_eq(count_lines(res.err), 1, "%s: not one line:\n%s", c->name,
		     res.err);
	cr_expect(!strncmp(res.err, prefix, strlen(prefix)), "%s: '%s' lacks '%s'",
		  c->name, res.err, prefix);
	if (c->msg1)
		cr_expect(strstr(res.err, expand(want1, sizeof(want1), c->msg1,
						 path, example)),
			  "%s: '%s' lacks '%s'", c->name, res.err, want1);
	if (c->msg2)
		cr_expect(strstr(res.err, expand(want2, sizeof(want2), c->msg2,
						 path, example)),
			  "%s: '%s' lacks '%s'", c->name, res.err, want2);
	if (c->absent)
		cr_expect(!strstr(res.err, c->absent), "%s: '%s' says '%s'",
			  c->name, res.err, c->absent);
	cr_expect(!strstr(res.err, "post-mortem"), "%s: an input error has no "
		  "post-mortem", c->name);
	harness_result_free(&res);
	scratch_rm(dir);
}

static void check_named(const char *name)
{
	for (size_t i = 0; i < NCASES; i++)
		if (!strcmp(cases[i].name, name)) {
			check_case(&cases[i]);
			return;
		}
	cr_assert_fail("no row named %s", name);
}

#define HOSTILE(name) \
	Test(hostile_input, name) { check_named(#name); }

HOSTILE(missing_file)
HOSTILE(empty_file)
HOSTILE(directory)
HOSTILE(fifo_does_not_block)
HOSTILE(events_fifo_does_not_block)
HOSTILE(char_device)
HOSTILE(unreadable)
HOSTILE(not_elf_text)
HOSTILE(raw_image_without_arch)
HOSTILE(truncated_elf)
HOSTILE(elf_for_sparc)
HOSTILE(elf_bad_class)
HOSTILE(elf_big_endian)
HOSTILE(elf_section_headers_out_of_file)
HOSTILE(elf_section_count_huge)
HOSTILE(elf_bad_name_table_index)
HOSTILE(elf_program_headers_out_of_file)
HOSTILE(elf_truncated_names_no_raw_hint)
HOSTILE(unknown_symbol)
HOSTILE(unknown_expect_name)
HOSTILE(malformed_expect)
HOSTILE(expect_without_break)
HOSTILE(unknown_option)
HOSTILE(bad_timeout)
HOSTILE(bad_gdb_port)
HOSTILE(unknown_arch)
HOSTILE(connect_to_nothing)
HOSTILE(qemu_missing_is_127)
HOSTILE(qemu_not_executable_is_126)
HOSTILE(qemu_is_a_directory_is_126)
HOSTILE(suite_missing)
HOSTILE(suite_malformed_header)
HOSTILE(suite_unknown_key)
HOSTILE(suite_bad_expect_exit)
HOSTILE(suite_glob_matches_nothing)
HOSTILE(suite_is_a_directory)
HOSTILE(suite_unknown_option)
