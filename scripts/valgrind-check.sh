#!/bin/sh
# Runs `stubrun run` under valgrind once per target and on the failure
# paths (post-mortem, crash, timeout, semihosting, in-image test events),
# and fails on any memory error or definite/indirect leak in stubrun itself
# (QEMU, a child, is not traced).
#
#   scripts/valgrind-check.sh [STUBRUN [EXAMPLES_DIR [FAULTSTUB]]]
#
# Defaults: build/stubrun, build/examples, build/tests/faultstub. With the
# fake stub (make build/tests/faultstub) the stub-error paths run too. Exit status: 0 all clean;
# 1 a run had a valgrind error, a leak or an unexpected status; 77 valgrind
# is not installed (a skip). Logs of failed runs are printed.
set -u

STUBRUN=${1:-build/stubrun}
EX=${2:-build/examples}
FAULTSTUB=${3:-build/tests/faultstub}

if ! command -v valgrind >/dev/null 2>&1; then
	echo "valgrind-check: valgrind is not installed (make deps)" >&2
	exit 77
fi
[ -x "$STUBRUN" ] || { echo "valgrind-check: no $STUBRUN (make)" >&2; exit 1; }
[ -d "$EX" ] || { echo "valgrind-check: no $EX (make examples)" >&2; exit 1; }

LOGDIR=$(mktemp -d "${TMPDIR:-/tmp}/stubrun-valgrind-XXXXXX") || exit 1
trap 'rm -rf "$LOGDIR"' EXIT INT TERM HUP

# Why 99: a status no run of stubrun returns, so it can only be valgrind's.
VG="valgrind --leak-check=full --errors-for-leak-kinds=definite,indirect \
 --error-exitcode=99 --trace-children=no --quiet"

n=0
# Runs go four at a time (VALGRIND_JOBS): most of a run's time is spent
# waiting (QEMU's start, a timeout, a stub's silence), not in valgrind.
JOBS=${VALGRIND_JOBS:-4}
running=0

# check NAME WANT-STATUS ARGS...: one run, its status compared with WANT;
# a failure leaves $LOGDIR/N.fail behind for the summary.
check() {
	name=$1 want=$2
	shift 2
	log="$LOGDIR/$n.log"
	# shellcheck disable=SC2086
	$VG --log-file="$log" "$STUBRUN" run "$@" >"$LOGDIR/$n.out" 2>"$LOGDIR/$n.err"
	got=$?
	# Debian 12's valgrind does not know pidfd_open (syscall 434) and
	# says so in five lines; it fails the call, and stubrun's wait for
	# QEMU's exit falls back to a short nap (src/run/qemu.c). Not a
	# memory error: those lines alone are dropped.
	[ -f "$log" ] && sed -i '/unhandled amd64-linux syscall: 434$/,+4d' "$log"
	if [ "$got" -eq "$want" ] && [ ! -s "$log" ]; then
		echo "valgrind-check: ok   $name (status $got)"
		return
	fi
	: >"$LOGDIR/$n.fail"
	echo "valgrind-check: FAIL $name: status $got, want $want" >&2
	[ -s "$log" ] && sed 's/^/  valgrind: /' "$log" >&2
	tail -n 5 "$LOGDIR/$n.err" | sed 's/^/  stderr: /' >&2
}

# spawn CMD ARGS...: CMD in the background as run number n, at most
# $JOBS at once (a batch is waited for whole: POSIX sh has no wait -n).
spawn() {
	n=$((n + 1))
	"$@" &
	running=$((running + 1))
	if [ "$running" -ge "$JOBS" ]; then
		wait
		running=0
	fi
}

for arch in aarch64 arm riscv64 riscv32 i386 x86_64; do
	spawn check "$arch-pass" 0 --timeout 60 "$EX/$arch-pass.elf"
done
# Failure paths: a post-mortem each (capstone, the RISC-V decoder, DWARF).
spawn check "aarch64-fail (post-mortem)" 3 --timeout 60 "$EX/aarch64-fail.elf"
spawn check "riscv64-crash (post-mortem)" 1 --timeout 60 "$EX/riscv64-crash.elf"
spawn check "x86_64-crash (post-mortem)" 1 --timeout 60 "$EX/x86_64-crash.elf"
spawn check "arm-hang (timeout)" 124 --timeout 2 "$EX/arm-hang.elf"
# Checkpoints, semihosting and in-image tests with events.
spawn check "riscv64-pass --break/--expect" 1 --timeout 60 --break main \
	--expect "sp==0" "$EX/riscv64-pass.elf"
spawn check "arm-sh-hello (semihosting)" 0 --timeout 60 "$EX/arm-sh-hello.elf"
spawn check "riscv64-multi --events" 1 --timeout 60 --events "$LOGDIR/events.jsonl" \
	"$EX/riscv64-multi.elf"
spawn check "boot.img (i8086)" 0 --timeout 60 --arch i8086 "$EX/boot.img"

# Stub errors (tests/faultstub): the library's error paths free all.
# fault MODE WANT-STATUS: one run against the fake stub in MODE.
fault() {
	sock="$LOGDIR/stub-$1.sock"
	"$FAULTSTUB" "$1" "$sock" >/dev/null 2>&1 &
	stub=$!
	i=0
	while [ ! -S "$sock" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	check "fake stub: $1" "$2" --timeout 3 --connect "unix:$sock" \
		"$EX/riscv64-pass.elf"
	kill "$stub" 2>/dev/null
	wait "$stub" 2>/dev/null
}
if [ -x "$FAULTSTUB" ]; then
	spawn fault control 7
	spawn fault close-mid-packet 125
	spawn fault bad-checksum 125
	spawn fault oversized 125
	spawn fault oversized-stop 125
	spawn fault garbage 125
	spawn fault garbage-stop 125
	spawn fault flood-o 124
else
	echo "valgrind-check: no $FAULTSTUB: stub-error paths not checked" >&2
fi

wait
if ls "$LOGDIR"/*.fail >/dev/null 2>&1; then
	echo "valgrind-check: FAILED" >&2
	exit 1
fi
echo "valgrind-check: all $n runs clean"
exit 0
