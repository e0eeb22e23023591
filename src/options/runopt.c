/* The options of `stubrun run` (runopt.h): the table (its value parsers
 * are runopt_values.c, the --help text made from it runopt_help.c, the
 * lookups in it runopt_find.c). */
#include "runopt.h"
#include "runopt_values.h"

#define V RUNOPT_VALUE
#define F RUNOPT_FLAG

const runopt_def runopt_table[] = {
	{ "--kernel", NULL, RUNOPT_KERNEL, V, 0, 1, NULL, "FILE", "Boot:",
	  "boot FILE with QEMU's -kernel (a Linux bzImage, an arm64\n"
	  "Image, u-boot.bin, an ELF); IMAGE may then be omitted" },
	{ "--initrd", NULL, RUNOPT_INITRD, V, 0, 1, NULL, "FILE", NULL,
	  "QEMU -initrd (e.g. an initramfs.cpio.gz)" },
	{ "--append", NULL, RUNOPT_APPEND, V, 0, 1, NULL, "TEXT", NULL,
	  "the kernel command line (QEMU -append); guest arguments\n"
	  "after -- are added to it" },
	{ "--dtb", NULL, RUNOPT_DTB, V, 0, 1, NULL, "FILE", NULL,
	  "QEMU -dtb: the device tree handed to the kernel" },
	{ "--drive", NULL, RUNOPT_DRIVE, V, 1, 1, runopt_parse_drive,
	  "FILE[,format=raw|qcow2]", NULL,
	  "a disk, on the machine's usual interface (pc: ide, virt:\n"
	  "virtio), always with snapshot=on: FILE is never written;\n"
	  "fat:DIR serves a directory as a FAT disk (repeatable)" },
	{ "--cdrom", NULL, RUNOPT_CDROM, V, 0, 1, NULL, "ISO", NULL,
	  "boot an ISO 9660 image (e.g. grub-mkrescue's); IMAGE may\n"
	  "then be omitted" },
	{ "--bios", NULL, RUNOPT_BIOS, V, 0, 1, NULL, "FILE", NULL,
	  "QEMU -bios: the firmware" },
	{ "--uefi", NULL, RUNOPT_UEFI, F, 0, 1, NULL, NULL, NULL,
	  "boot through the architecture's UEFI firmware (below),\n"
	  "with a private copy of its variable store;\n"
	  "$STUBRUN_FIRMWARE_DIR replaces the firmware's directory" },
	{ "--symbols", NULL, RUNOPT_SYMBOLS, V, 0, 1, NULL, "FILE", NULL,
	  "where symbols, DWARF and CFI come from when the booted file\n"
	  "is not that ELF (vmlinux, the kernel inside an ISO); also a\n"
	  "System.map (addresses only)" },
	{ "--symbols-offset", NULL, RUNOPT_SYMBOLS_OFFSET, V, 0, 1,
	  runopt_parse_address, "ADDR", NULL,
	  "add ADDR to every symbol (a relocated kernel; Linux needs\n"
	  "nokaslr in --append for its addresses to hold)" },

	{ "--arch", NULL, RUNOPT_ARCH, V, 0, 1, runopt_parse_arch, "ARCH", "Machine:",
	  "one of those below (default: from the ELF header, the\n"
	  "--symbols ELF or the --kernel header; required for raw\n"
	  "images; a real-mode one boots IMAGE as a boot sector)" },
	{ "--machine", NULL, RUNOPT_MACHINE, V, 0, 1, NULL, "M", NULL,
	  "QEMU -machine (default: the architecture's, or the board\n"
	  "an Arm image's build attributes ask for: Armv7E-M boots\n"
	  "on mps2-an386, with FPv5 on mps2-an500)" },
	{ "--cpu", NULL, RUNOPT_CPU, V, 0, 1, NULL, "C", NULL, "QEMU -cpu" },
	{ "--memory", NULL, RUNOPT_MEMORY, V, 0, 1, NULL, "SIZE", NULL,
	  "QEMU -m (a Linux kernel wants 256M or more)" },
	{ "--qemu", NULL, RUNOPT_QEMU, V, 0, 1, NULL, "PATH", NULL,
	  "the QEMU binary (default: qemu-system-ARCH in PATH, or\n"
	  "qemu-ARCH for a Linux program)" },
	{ "--qemu-arg", NULL, RUNOPT_QEMU_ARG, V, 1, 1, NULL, "ARG", NULL,
	  "one more QEMU argument (repeatable)" },

	{ "--user", NULL, RUNOPT_USER, F, 0, 1, NULL, NULL, "Linux programs:",
	  "run IMAGE as a Linux program under qemu-ARCH (user\n"
	  "mode); the default for an ELF with an interpreter or a\n"
	  "GNU ABI tag. Arguments after -- go to the program (with\n"
	  "--user before IMAGE, all that follows IMAGE); stdin is\n"
	  "the program's, its stdout is the console" },
	{ "--system", NULL, RUNOPT_SYSTEM, F, 0, 1, NULL, NULL, NULL,
	  "boot IMAGE on qemu-system-ARCH even when it looks like a\n"
	  "Linux program; before IMAGE, all that follows IMAGE is\n"
	  "the guest's command line (as with --user)" },
	{ "--sysroot", NULL, RUNOPT_SYSROOT, V, 0, 1, NULL, "DIR", NULL,
	  "where a dynamic program's interpreter and libraries are\n"
	  "(QEMU's -L; default: Debian's cross C library directory\n"
	  "of the architecture)" },

	{ "--exit-symbol", NULL, RUNOPT_EXIT_SYMBOL, V, 1, 1, NULL, "NAME",
	  "Verdict:",
	  "a function whose first argument is the exit status\n"
	  "(repeatable; default: whichever of stubrun_exit,\n"
	  "qemu_exit, test_exit the image has)" },
	{ "--fail-symbol", NULL, RUNOPT_FAIL_SYMBOL, V, 1, 1, NULL, "NAME", NULL,
	  "reaching NAME is a failure (repeatable; default:\n"
	  "stubrun_panic, panic when present)" },
	{ "--break", NULL, RUNOPT_BREAK, V, 1, 1, runopt_parse_loc, "LOC", NULL,
	  "a checkpoint; LOC = symbol, symbol+offset, address" },
	{ "--expect", NULL, RUNOPT_EXPECT, V, 1, 1, runopt_parse_expect, "EXPR", NULL,
	  "checked each time the preceding --break or --pass-at\n"
	  "is reached (repeatable). EXPR = LHS OP RHS with OP one\n"
	  "of == != < <= > >=; each side a number (12, 0x1f,\n"
	  "-1), a register (target.xml name; on x86 also al, ax,\n"
	  "dl...), a symbol (its address), NAME+N, or memory\n"
	  "mem8[X] mem16[X] mem32[X] mem64[X] (X: number, symbol,\n"
	  "register, NAME+N). A name is a register when the\n"
	  "target has one so called, else a symbol. A negative\n"
	  "number makes the comparison signed at the other\n"
	  "side's width." },
	{ "--pass-at", NULL, RUNOPT_PASS_AT, V, 1, 1, runopt_parse_loc, "LOC", NULL,
	  "reaching LOC with its --expect checks holding ends\n"
	  "the run with status 0" },
	{ "--watch", NULL, RUNOPT_WATCH, V, 1, 1, runopt_parse_watch, "LOC[:LEN][=r|w|a]",
	  NULL,
	  "fail when the guest writes (w, default), reads (r)\n"
	  "or touches (a) LEN bytes at LOC (default: a pointer's\n"
	  "size); e.g. a stack guard or a canary (repeatable)" },
	{ "--no-fault-catch", NULL, RUNOPT_NO_FAULT_CATCH, F, 0, 1, NULL, NULL,
	  NULL,
	  "do not stop at the guest's fault handlers (by default\n"
	  "a bare-metal image's HardFault/BusFault/..., VBAR's\n"
	  "synchronous and SError entries or mtvec end the run\n"
	  "at once, naming the fault)" },
	{ "--postmortem", NULL, RUNOPT_POSTMORTEM, V, 0, 1, runopt_parse_postmortem,
	  "brief|full|none", NULL,
	  "what a failure prints: brief (default: source lines,\n"
	  "backtrace with arguments and locals, general registers,\n"
	  "code), full (also system registers, the stack and\n"
	  "QEMU's info registers) or none" },
	{ "--postmortem-file", NULL, RUNOPT_POSTMORTEM_FILE, V, 0, 1, NULL, "FILE",
	  NULL, "also write the full post-mortem of a failure to FILE" },
	{ "--record", NULL, RUNOPT_RECORD, RUNOPT_OPTIONAL, 0, 1, runopt_parse_record,
	  "[=N]", NULL,
	  "run under QEMU's record/replay; on a failure, replay\n"
	  "it and print the last N instructions executed (default\n"
	  "32), found by stepping backwards (needs qemu-img)" },
	{ "--watch-back", NULL, RUNOPT_WATCH_BACK, V, 0, 1, runopt_parse_watch,
	  "LOC[:LEN]", NULL,
	  "with --record: find the last write to LOC before the\n"
	  "failure (who corrupted it), with its backtrace" },
	{ "--debug-on-failure", NULL, RUNOPT_DEBUG_ON_FAILURE, F, 0, 0, NULL,
	  NULL, "Debugging (docs/DEBUGGING.md):",
	  "on a failure, keep the machine halted where it failed\n"
	  "and wait for gdb: stubrun prints the command to paste\n"
	  "and relays gdb to QEMU's stub; the run ends with its\n"
	  "verdict when gdb detaches or on Ctrl-C (the timeout\n"
	  "is suspended meanwhile)" },
	{ "--gdb-wait", NULL, RUNOPT_GDB_WAIT, F, 0, 0, NULL, NULL, NULL,
	  "wait for gdb at the first instruction, before anything\n"
	  "runs; the run goes on when gdb detaches" },
	{ "--debug-listen", NULL, RUNOPT_DEBUG_LISTEN, V, 0, 0, NULL,
	  "HOST:PORT", NULL,
	  "where gdb connects (default: a unix socket in a private\n"
	  "directory)" },
	{ "--timeout", NULL, RUNOPT_TIMEOUT, V, 0, 1, runopt_parse_timeout, "SECONDS",
	  NULL, "give up after the guest has run SECONDS (default 60;\n"
	  "fractions allowed): from its first instruction, less the\n"
	  "time gdb or a snapshot's save holds the machine and the\n"
	  "time stubrun services its semihosting calls (at most\n"
	  "SECONDS more of that, so a run ends within twice\n"
	  "SECONDS; the reports' guest time); QEMU's start-up gets\n"
	  "4 s more" },
	{ "--snapshot-at", NULL, RUNOPT_SNAPSHOT_AT, V, 0, 1, runopt_parse_snapshot_at,
	  "LOC|console:REGEX", "Snapshots (docs/SNAPSHOTS.md):",
	  "boot once to LOC, or to the first console text matching\n"
	  "REGEX (a shell prompt; matched as --console-expect is),\n"
	  "save the machine there (QEMU's savevm), then run each\n"
	  "test alone from that snapshot: a crash or a corrupted\n"
	  "global in one cannot reach the next. The tests: the\n"
	  "--snapshot-test ones, else those the image declares (the\n"
	  "guest asks stubrun_test_selected(), include/stubrun/\n"
	  "guest.h). Needs qemu-img" },
	{ "--snapshot-test", NULL, RUNOPT_SNAPSHOT_TEST, V, 1, 1,
	  runopt_parse_snapshot_test, "NAME=TEXT", NULL,
	  "a console test from the snapshot: restore it, type TEXT\n"
	  "(the escapes of --console-send), judge by the console:\n"
	  "the --console-pass/-fail/-expect/-send options after it\n"
	  "are this test's, those before the first --snapshot-test\n"
	  "(and --console-preset) every test's (repeatable)" },

	{ "--gdb", NULL, RUNOPT_GDB, V, 0, 1, runopt_parse_gdb, "unix|tcp[:PORT]",
	  "Stub:",
	  "how QEMU opens its stub (default unix: a unix\n"
	  "socketpair, one end passed to QEMU: no socket file)" },
	{ "--connect", NULL, RUNOPT_CONNECT, V, 0, 1, NULL, "ADDR", NULL,
	  "attach to a stub already running (host:port or\n"
	  "unix:PATH); no QEMU is started" },
	{ "--trace-rsp", NULL, RUNOPT_TRACE_RSP, F, 0, 1, NULL, NULL, NULL,
	  "log every packet to stderr" },
	{ "--trace-timing", NULL, RUNOPT_TRACE_TIMING, F, 0, 1, NULL, NULL, NULL,
	  "print where the run's time went, phase by phase (image,\n"
	  "spawn, connect, handshake, breakpoints, run, ...)" },

	{ "--semihosting", NULL, RUNOPT_SEMIHOSTING, RUNOPT_OPTIONAL, 0, 1,
	  runopt_parse_semihosting, "[=MODE]",
	  "Semihosting (Arm and RISC-V guests; see docs/SEMIHOSTING.md):",
	  "who services the guest's semihosting calls:\n"
	  "stubrun (bare --semihosting; the default when the\n"
	  "image has traps): stubrun itself over the stub, files\n"
	  "confined to the root; qemu: QEMU's own\n"
	  "(target=native, no sandbox); gdb: QEMU decodes the\n"
	  "call and stubrun answers its GDB File-I/O requests;\n"
	  "off: nobody (a trap faults as on hardware)" },
	{ "--semihosting-root", NULL, RUNOPT_SH_ROOT, V, 0, 1, NULL, "DIR", NULL,
	  "the directory guest files are confined to\n"
	  "(default: the current directory)" },
	{ "--semihosting-allow-system", NULL, RUNOPT_SH_ALLOW_SYSTEM, F, 0, 1,
	  NULL, NULL, NULL,
	  "let SYS_SYSTEM run host commands (refused by default)" },
	{ "--heap", NULL, RUNOPT_HEAP, V, 0, 1, runopt_parse_heap,
	  "BASE:LIMIT[:STACK_BASE:STACK_LIMIT]", NULL,
	  "SYS_HEAPINFO's answer (default: the image's\n"
	  "__heap_start, __heap_end, __stack... symbols, then\n"
	  "QEMU's rule)" },

	{ "--console-pass", NULL, RUNOPT_CONSOLE_PASS, V, 1, 1, runopt_parse_regex, "REGEX",
	  "The console (PCRE2 patterns; see docs/CONSOLE.md):",
	  "a console line matching REGEX passes the run\n"
	  "(repeatable)" },
	{ "--console-fail", NULL, RUNOPT_CONSOLE_FAIL, V, 1, 1, runopt_parse_regex, "REGEX",
	  NULL, "a console line matching REGEX fails the run at once,\n"
	  "with a post-mortem where the guest printed it (repeatable)" },
	{ "--console-expect", NULL, RUNOPT_CONSOLE_EXPECT, V, 1, 1, runopt_parse_regex,
	  "REGEX", NULL,
	  "a script step: wait for REGEX (also on a line without\n"
	  "its newline yet, such as a prompt); the run passes when\n"
	  "the last one matches (repeatable, in order)" },
	{ "--console-send", NULL, RUNOPT_CONSOLE_SEND, V, 1, 1, NULL, "TEXT",
	  NULL, "a script step: type TEXT into the console once the\n"
	  "expect before it matched (\\n \\r \\t \\\\ \\xNN)" },
	{ "--console-preset", NULL, RUNOPT_CONSOLE_PRESET, V, 0, 1, runopt_parse_preset,
	  "NAME",
	  NULL, "the failure lines of a known kernel: linux, u-boot,\n"
	  "zephyr (docs/CONSOLE.md lists each rule)" },
	{ "--results", NULL, RUNOPT_RESULTS, V, 0, 1, runopt_parse_results,
	  "ktap|tap|none", NULL,
	  "read KTAP/TAP test results from the console, each a\n"
	  "test of its own in --events and `stubrun test` (default:\n"
	  "after a \"KTAP version 1\" or \"TAP version\" line)" },

	/* --coverage DIR is the suite's own business (each test gets its
	 * own, merged into the suite's): not a key. */
	{ "--coverage", NULL, RUNOPT_COVERAGE, V, 0, 0, NULL, "DIR",
	  "Coverage (docs/COVERAGE.md):",
	  "write the guest's gcov data under DIR: a .gcda per\n"
	  "object, its .gcno copied beside it (build the guest with\n"
	  "--coverage -fprofile-info-section=gcov_info and\n"
	  "STUBRUN_GUEST_COVERAGE); stubrun calls the guest's\n"
	  "stubrun_coverage_dump() at the exit if it did not" },
	{ "--coverage-strip", NULL, RUNOPT_COVERAGE_STRIP, V, 0, 1, runopt_parse_strip,
	  "N", NULL,
	  "drop the first N directories of each object's build\n"
	  "path under DIR (as GCOV_PREFIX_STRIP; default 0)" },

	/* --events is the suite's own business: not a key. */
	{ "--events", NULL, RUNOPT_EVENTS, V, 0, 0, NULL, "FILE",
	  "Tests inside the image:",
	  "append JSON lines: begin/end of each in-image test\n"
	  "and the final verdict" },
	{ "--test-begin-symbol", NULL, RUNOPT_TEST_BEGIN, V, 0, 1, NULL, "NAME",
	  NULL, "(default stubrun_test_begin; arg: the name)" },
	{ "--test-end-symbol", NULL, RUNOPT_TEST_END, V, 0, 1, NULL, "NAME",
	  NULL, "(default stubrun_test_end; arg: the status)" },
	{ "--quiet", "-q", RUNOPT_QUIET, F, 0, 1, NULL, NULL, NULL,
	  "no verdict line on stderr when the run passes" },

	{ "--help", "-h", RUNOPT_HELP, F, 0, 0, NULL, NULL, "Other:",
	  "this text" },
	{ "--version", NULL, RUNOPT_VERSION, F, 0, 0, NULL, NULL, NULL,
	  "stubrun's version" },
};

#undef V
#undef F

size_t runopt_count(void)
{
	return sizeof(runopt_table) / sizeof(runopt_table[0]);
}
