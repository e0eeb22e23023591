# stubrun: build, test, demo, install.
#
#   make            build/stubrun and build/librsp.a
#   make demo       install what is missing, build, run the examples
#   make check      install what is missing, build, run every test
#   make SANITIZE=1 ...   the same with AddressSanitizer + UBSan (in build/san)
#   make install PREFIX=/usr/local DESTDIR=
#
# Layering is enforced by include paths: each folder of src/ sees only the
# folders below it (INC_* below), rsp/ (libgdb-remote) sees its private
# header, and targets/ sees only itself and include/ (the public API).

PREFIX ?= /usr/local
DESTDIR ?=
VERSION := 0.1.0

# Quiet by default: `make demo` shows the guests and the verdicts, not the
# compiler's command lines. V=1 shows them.
ifeq ($(V),1)
Q :=
else
Q := @
endif

# The sanitizers' run-times are linked in statically: each sanitized
# process (a test case, a stubrun the integration tests start) then exits
# in about 28 ms instead of 48 (LeakSanitizer's exit scan of the shared
# run-times and of the libstdc++ that shared UBSan pulls in; measured on
# this machine with an empty main), and make check starts some 1,600.
# At -O1, AddressSanitizer's own advice: the checks are the same, the
# build takes a third less CPU than at -O2. With -g1: the line tables a
# sanitizer's report needs (file:line in every frame), without the types
# and variables of -g; 45 CPU-s instead of 61.
#
# SAN_POSTLINK turns a sanitized binary's .bss into zero bytes in the file.
# Why: at every exit LeakSanitizer reads all of .bss (5.6 MB, most of it
# the run-time's own stack depot, never written), and each untouched page
# of anonymous memory is a page fault of its own, 1,200 of them; from the
# file, the kernel maps 16 pages a fault. A sanitized `stubrun --version`
# takes 31 ms instead of 41, and make check starts some 1,600 such
# processes. The program sees the same zeros.
ifeq ($(SANITIZE),1)
BUILD ?= build/san
OPT ?= -O1 -g1
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all -static-libasan -static-libubsan
SAN_POSTLINK = objcopy --set-section-flags .bss=alloc,load,contents,data $@
else
BUILD ?= build
SAN_FLAGS :=
SAN_POSTLINK = :
endif
EXAMPLES_OUT := $(abspath build/examples)

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wformat=2 -Wvla -Wpointer-arith
CSTD := -std=c11 -D_GNU_SOURCE
OPT ?= -O2 -g
# The version has one home, VERSION above; the code sees STUBRUN_VERSION.
CFLAGS_ALL = $(CSTD) $(OPT) $(WARN) $(SAN_FLAGS) -MMD -MP \
	-DSTUBRUN_VERSION='"$(VERSION)"' $(CFLAGS)

# Libraries, resolved when a recipe runs (after `make deps` installed them).
LIBS_RSP = $(shell pkg-config --libs expat)
# The libraries are linked statically into a position-dependent stubrun,
# only the C library stays shared: the loader relocated them at every start
# (capstone alone carries about 77,000 relocations), mapped nine files and
# looked up their symbols, a quarter of a passing run's own time
# (docs/BENCHMARKS.md). Each .a is in the -dev package of its library;
# libdw's own dependencies (zlib, lzma, bzip2) are named since a static
# link does not follow them.
LIBS_APP = -Wl,-Bstatic -ldw -lelf -lbz2 -llzma -lz -linih -lpcre2-8 \
	-lcapstone -lexpat -Wl,-Bdynamic -lm -pthread
LDFLAGS_BIN := -no-pie
CFLAGS_PKG = $(shell pkg-config --cflags libdw libelf capstone inih expat libpcre2-8)
LIBS_TEST = $(shell pkg-config --libs criterion)

# The subsystems of src/, bottom first. A folder's include path names the
# folders it may use; a call upward does not compile.
SUBSYS := base coverage options guest report events console semihost debug run suite
INC_base := -Isrc/base
INC_coverage := -Isrc/coverage $(INC_base)
INC_options := -Isrc/options -Isrc/console -Itargets $(INC_base)
INC_guest := -Isrc/guest $(INC_base) -Itargets
INC_report := -Isrc/report $(INC_base)
INC_events := -Isrc/events $(INC_base)
INC_console := -Isrc/console $(INC_base)
INC_semihost := -Isrc/semihost -Isrc/coverage $(INC_guest)
INC_debug := -Isrc/debug $(INC_base)
INC_run := -Isrc/run -Isrc/semihost -Isrc/events -Isrc/console $(INC_guest) \
	-Isrc/options -Isrc/debug -Isrc/coverage
INC_suite := -Isrc/suite -Isrc/events $(INC_report) -Isrc/options -Isrc/coverage
INC_main := -Isrc/run -Isrc/suite
INC_ALL := $(foreach d,$(SUBSYS),-Isrc/$(d)) -Itargets

RSP_SRC := $(wildcard rsp/*.c)
APP_SRC := $(foreach d,$(SUBSYS),$(wildcard src/$(d)/*.c)) $(wildcard targets/*.c)
RSP_OBJ := $(RSP_SRC:%.c=$(BUILD)/%.o)
APP_OBJ := $(APP_SRC:%.c=$(BUILD)/%.o)
MAIN_OBJ := $(BUILD)/src/main.o

LIB := $(BUILD)/librsp.a
BIN := $(BUILD)/stubrun

TEST_RSP_SRC := $(wildcard tests/rsp/*.c)
TEST_UNIT_SRC := $(wildcard tests/src/*.c tests/targets/*.c)
TEST_INT_SRC := $(wildcard tests/integration/*.c)
TEST_RSP := $(BUILD)/tests/rsp_tests
TEST_UNIT := $(BUILD)/tests/unit_tests
TEST_INT := $(BUILD)/tests/integration_tests

ALL_OBJ := $(RSP_OBJ) $(APP_OBJ) $(MAIN_OBJ) \
	$(TEST_RSP_SRC:%.c=$(BUILD)/%.o) $(TEST_UNIT_SRC:%.c=$(BUILD)/%.o) \
	$(TEST_INT_SRC:%.c=$(BUILD)/%.o) $(BUILD)/tests/harness.o \
	$(BUILD)/tests/no_ca_bundle.o

.PHONY: all deps demo check test test-unit test-integration examples headers \
	install clean bench fuzz fuzz-smoke testdata linux-testdata check-integration \
	check-rest check-fuzz check-build-plain check-build-san

all: $(BIN) $(LIB) $(BUILD)/stubrun-rsp-example

# --- objects -----------------------------------------------------------------
$(BUILD)/rsp/%.o: rsp/%.c
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS_ALL) -Iinclude -Irsp $(CFLAGS_PKG) -c $< -o $@

define subsys_rule
$$(BUILD)/src/$(1)/%.o: src/$(1)/%.c
	@mkdir -p $$(@D)
	$$(Q)$$(CC) $$(CFLAGS_ALL) -Iinclude $$(INC_$(1)) $$(CFLAGS_PKG) -c $$< -o $$@
endef
$(foreach d,$(SUBSYS),$(eval $(call subsys_rule,$(d))))

$(MAIN_OBJ): src/main.c
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS_ALL) -Iinclude $(INC_main) $(CFLAGS_PKG) -c $< -o $@

$(BUILD)/targets/%.o: targets/%.c
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS_ALL) -Iinclude -Itargets $(CFLAGS_PKG) -c $< -o $@

$(BUILD)/tests/rsp/%.o: tests/rsp/%.c
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS_ALL) -Iinclude -Irsp -Itests $(CFLAGS_PKG) -c $< -o $@

# The integration harness only starts stubrun and QEMU and reads what they
# say: its own speed never shows, and -O1 -g1 (line tables for a crash's
# report) builds it in 10 CPU-s instead of 18.
$(BUILD)/tests/integration/%.o: OPT = -O1 -g1
$(BUILD)/tests/integration/%.o: tests/integration/%.c
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS_ALL) -Iinclude -Itests $(CFLAGS_PKG) -c $< -o $@

$(BUILD)/tests/src/%.o: tests/src/%.c
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS_ALL) -Iinclude $(INC_ALL) -Itests $(CFLAGS_PKG) -c $< -o $@

$(BUILD)/tests/targets/%.o: tests/targets/%.c
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS_ALL) -Iinclude $(INC_ALL) -Itests $(CFLAGS_PKG) -c $< -o $@

# --- binaries ------------------------------------------------------------------
$(LIB): $(RSP_OBJ)
	@mkdir -p $(@D)
	$(Q)rm -f $@
	$(Q)$(AR) rcs $@ $^

$(BIN): $(MAIN_OBJ) $(APP_OBJ) $(LIB)
	$(Q)$(CC) $(CFLAGS_ALL) $(LDFLAGS_BIN) $(LDFLAGS) -o $@ $(MAIN_OBJ) $(APP_OBJ) $(LIB) $(LIBS_APP)
	$(Q)$(SAN_POSTLINK)

# The library example: uses only the public header and librsp.
$(BUILD)/stubrun-rsp-example: examples/rsp_client.c $(LIB) include/rsp.h
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS_ALL) -Iinclude $(LDFLAGS) -o $@ $< $(LIB) $(LIBS_RSP)

# What every test binary links: the harness, and the CA bundle that
# Criterion's start-up no longer parses in each test's process
# (tests/no_ca_bundle.c, whose two functions the executable must export).
HARNESS_OBJ := $(BUILD)/tests/harness.o $(BUILD)/tests/no_ca_bundle.o
TEST_EXPORTS := -Wl,--export-dynamic-symbol=mbedtls_x509_crt_parse_file \
	-Wl,--export-dynamic-symbol=mbedtls_x509_crt_parse_path
$(HARNESS_OBJ): $(BUILD)/tests/%.o: tests/%.c
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS_ALL) -Itests -c $< -o $@

# The fake stub of the fault-injection tests (tests/faultstub/faultstub.c):
# a test-only program using the library's private framer.
FAULTSTUB := $(BUILD)/tests/faultstub
$(FAULTSTUB): tests/faultstub/faultstub.c $(LIB)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS_ALL) -Iinclude -Irsp $(LDFLAGS) -o $@ $< $(LIB) $(LIBS_RSP)

# Protocol ceilings for `make bench`: public header and librsp only.
$(BUILD)/rsp_bench: bench/rsp_bench.c $(LIB) include/rsp.h
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS_ALL) -Iinclude $(LDFLAGS) -o $@ $< $(LIB) $(LIBS_RSP)

# The console module's cost per byte (docs/CONSOLE.md): src/console/ only.
CONSOLE_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(wildcard src/console/*.c)) \
	$(BUILD)/src/base/util.o
$(BUILD)/console_bench: bench/console_bench.c $(CONSOLE_OBJ)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS_ALL) -Isrc/console $(LDFLAGS) -o $@ $< $(CONSOLE_OBJ) \
		$(shell pkg-config --libs libpcre2-8)

# Peak RSS of one process without its children, for `make bench`.
$(BUILD)/peak_rss: bench/peak_rss.c
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS_ALL) $(LDFLAGS) -o $@ $<

# Commands timed in turn, round by round, for `make bench`'s ratios.
$(BUILD)/alternate: bench/alternate.c
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS_ALL) $(LDFLAGS) -o $@ $<

# The least a debugger does to run a program under qemu-user -g.
$(BUILD)/user_floor: bench/user_floor.c
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS_ALL) $(LDFLAGS) -o $@ $<

# Position-dependent, as stubrun is: Criterion starts every test in a
# process of its own (an exec of the test binary), and as a PIE each of
# them first applied the unit tests' 205,000 relative relocations
# (capstone's tables).
$(TEST_RSP): $(TEST_RSP_SRC:%.c=$(BUILD)/%.o) $(HARNESS_OBJ) $(LIB)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS_ALL) $(LDFLAGS_BIN) $(LDFLAGS) $(TEST_EXPORTS) -o $@ \
		$^ $(LIBS_RSP) $(LIBS_TEST)
	$(Q)$(SAN_POSTLINK)

$(TEST_UNIT): $(TEST_UNIT_SRC:%.c=$(BUILD)/%.o) $(HARNESS_OBJ) $(APP_OBJ) $(LIB)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS_ALL) $(LDFLAGS_BIN) $(LDFLAGS) $(TEST_EXPORTS) -o $@ \
		$^ $(LIBS_APP) $(LIBS_TEST)
	$(Q)$(SAN_POSTLINK)

$(TEST_INT): $(TEST_INT_SRC:%.c=$(BUILD)/%.o) $(HARNESS_OBJ) $(LIB)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS_ALL) $(LDFLAGS) $(TEST_EXPORTS) -o $@ $^ $(LIBS_RSP) \
		$(LIBS_TEST)

# --- setup, demo, tests ----------------------------------------------------------
deps:
	@sh scripts/deps.sh

examples:
	@$(MAKE) --no-print-directory -C examples OUT=$(EXAMPLES_OUT)

demo:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory all examples
	@sh scripts/demo.sh $(BUILD)/stubrun $(EXAMPLES_OUT)

# The README's test command: setup, build, every test once. stubrun and
# the unit tests are built with AddressSanitizer + UBSan (in build/san), so
# CI always runs them so: the same code, slower, which is the harder test
# of timing (`make test` runs everything against build/).
# The integration harness itself is the plain build: what it tests is the
# sanitized stubrun it spawns, and an ASan harness only added its start-up
# (about 0.1 CPU-s) to each of its tests. Only valgrind's test needs the
# plain stubrun (valgrind cannot run an ASan one). The tests then run in
# three lanes: the integration tests; valgrind's test and the unit tests;
# the fuzz build and smoke. The integration tests alone leave part of the
# two cores idle while they wait on purpose (for a timeout, a silent stub,
# an idle Linux guest), and the smoke, which runs for a fixed time at the
# lowest priority, must overlap them rather than follow them: it lasts
# 80 s whatever CPU it gets. Each lane's output is printed whole when it
# ends.
NPROC := $(shell nproc 2>/dev/null || echo 2)
check:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory -j$(NPROC) check-build-plain check-build-san
	@$(MAKE) --no-print-directory -j3 --output-sync=recurse \
		check-integration check-rest check-fuzz

# The two builds at once, sharing make's job slots: neither waits alone
# on its last links (the ASan unit tests' takes seconds).
check-build-plain:
	@$(MAKE) --no-print-directory all examples headers testdata \
		linux-testdata $(TEST_INT) $(FAULTSTUB)

check-build-san:
	@$(MAKE) --no-print-directory SANITIZE=1 all \
		$(TEST_RSP:build/%=build/san/%) $(TEST_UNIT:build/%=build/san/%)

check-integration:
	@$(MAKE) --no-print-directory test-integration TEST_BUILD=build/san

check-rest:
	@$(MAKE) --no-print-directory test-integration \
		INT_ARGS="--filter hygiene_valgrind/*"
	@$(MAKE) --no-print-directory SANITIZE=1 test-unit

check-fuzz:
	@$(MAKE) --no-print-directory fuzz-smoke

# Test ELF files built with the cross compilers (tests/data/elf/Makefile).
# Guest images, the same for every build of stubrun (like the examples).
TESTDATA_OUT := $(abspath build/tests/data/elf)
testdata:
	@$(MAKE) --no-print-directory -s -C tests/data/elf OUT=$(TESTDATA_OUT)

# The vmlinux inside Debian's bzImage, which most Linux tests boot by its
# PVH entry: under TCG the bzImage spends about 4 CPU-s decompressing
# itself, each boot (tests/boot/extract-vmlinux.sh). Nothing without the
# kernel package: those tests then skip.
LINUX_BZIMAGE := $(lastword $(sort $(wildcard /boot/vmlinuz-*-amd64)))
LINUX_VMLINUX := $(abspath build/tests/linux/vmlinux)
ifneq ($(LINUX_BZIMAGE),)
linux-testdata: $(LINUX_VMLINUX)
$(LINUX_VMLINUX): $(LINUX_BZIMAGE) tests/boot/extract-vmlinux.sh
	@mkdir -p $(@D)
	@sh tests/boot/extract-vmlinux.sh $< $@
else
linux-testdata:
endif

# Sanitized test runs excuse Criterion's own leak (see tests/lsan.supp);
# stubrun and the library are still checked for leaks.
ifeq ($(SANITIZE),1)
TEST_ENV_SAN = LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0
else
TEST_ENV_SAN =
endif

# The stubrun the tests spawn: this build's, or TEST_BUILD's (`make check`
# runs the plain integration harness against build/san's).
TEST_BUILD ?= $(BUILD)
TEST_ENV = $(TEST_ENV_SAN) STUBRUN=$(abspath $(TEST_BUILD)/stubrun) \
	STUBRUN_EXAMPLES=$(EXAMPLES_OUT) STUBRUN_TESTDATA=$(TESTDATA_OUT) \
	STUBRUN_RSP_EXAMPLE=$(abspath $(TEST_BUILD)/stubrun-rsp-example) \
	STUBRUN_SRCDIR=$(CURDIR) STUBRUN_FAULTSTUB=$(abspath $(FAULTSTUB)) \
	STUBRUN_VMLINUX=$(LINUX_VMLINUX)

test: test-unit test-integration

test-unit: $(TEST_RSP) $(TEST_UNIT) testdata
	$(TEST_ENV) $(TEST_RSP)
	$(TEST_ENV) $(TEST_UNIT)

# Three at a time on two cores: several tests wait on purpose (for a
# timeout, a silent stub, an idle Linux guest), and a third fills the time.
INT_JOBS ?= 3
test-integration: $(TEST_INT) $(BIN) $(FAULTSTUB) linux-testdata
	$(TEST_ENV) $(TEST_INT) --jobs $(INT_JOBS) $(INT_ARGS)

# Each public header must compile on its own.
headers:
	@mkdir -p $(BUILD)/headers
	@for h in include/*.h include/stubrun/*.h; do \
		[ -f "$$h" ] || continue; \
		echo "#include \"$$(pwd)/$$h\"" > $(BUILD)/headers/t.c; \
		$(CC) $(CSTD) $(WARN) -fsyntax-only $(BUILD)/headers/t.c || exit 1; \
	done

bench:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory -s all examples $(BUILD)/rsp_bench \
		$(BUILD)/peak_rss $(BUILD)/alternate $(BUILD)/user_floor
	@sh bench/run.sh $(abspath $(BUILD)) $(EXAMPLES_OUT)

# libFuzzer harnesses (clang), each run for FUZZ_SECONDS (default 30);
# `make check` runs each for 10 s, two at a time, on top of its corpus, at
# the lowest priority: beside the integration tests it takes the CPU they
# leave, not theirs (each corpus is still run whole: a run without
# libFuzzer's INITED line fails).
fuzz:
	@$(MAKE) --no-print-directory -f tests/fuzz/Makefile run

# Two jobs of its own whatever make runs it (MAKEFLAGS= leaves the
# caller's job server, and make's warning about it, behind).
fuzz-smoke: testdata
	@MAKEFLAGS= $(MAKE) --no-print-directory -s -j2 -f tests/fuzz/Makefile \
		build
	@MAKEFLAGS= $(MAKE) --no-print-directory -s -j2 -f tests/fuzz/Makefile \
		run FUZZ_SECONDS=10 FUZZ_NICE="nice -n 19"

# --- install -------------------------------------------------------------------
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib \
		$(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/lib/pkgconfig
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/stubrun
	install -m 644 $(LIB) $(DESTDIR)$(PREFIX)/lib/librsp.a
	install -m 644 include/rsp.h $(DESTDIR)$(PREFIX)/include/rsp.h
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(VERSION)|g' \
		rsp/librsp.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/librsp.pc

clean:
	rm -rf build

-include $(ALL_OBJ:.o=.d) $(FAULTSTUB).d
