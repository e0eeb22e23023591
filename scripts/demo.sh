#!/bin/sh
# `make demo`: runs the example guests so that a new user sees what stubrun
# does: a passing run, a failing run with its post-mortem, a boot-sector
# check that passes and one that fails, and a hang cut short by --timeout.
# Usage: demo.sh STUBRUN EXAMPLES-DIR. Exits 0 when every run ended with
# the status it should have.
set -u

STUBRUN=${1:?usage: demo.sh STUBRUN EXAMPLES-DIR}
EX=${2:?usage: demo.sh STUBRUN EXAMPLES-DIR}
failures=0
if [ -t 1 ]; then
	B='\033[1m' G='\033[32m' R='\033[31m' N='\033[0m'
else
	B='' G='' R='' N=''
fi

# check_status WANT GOT: says whether a step ended as announced, and counts
# the ones that did not.
check_status() {
	if [ "$2" -eq "$1" ]; then
		printf '%b-> status %d, as expected%b\n' "$G" "$2" "$N"
	else
		printf '%b-> status %d, expected %d%b\n' "$R" "$2" "$1" "$N"
		failures=$((failures + 1))
	fi
}

# step TITLE WANT-STATUS ARGS...: shows the command, runs it, checks its status.
step() {
	title=$1 want=$2
	shift 2
	shown=""
	for a in "$@"; do
		case $a in
		*" "*) shown="$shown '$a'" ;;
		*) shown="$shown $a" ;;
		esac
	done
	printf '\n%b== %s%b\n$ stubrun%s\n' "$B" "$title" "$N" "$shown"
	"$STUBRUN" "$@"
	got=$?
	check_status "$want" "$got"
}

# step_results TITLE WANT ARGS...: like step, for `stubrun test`, showing
# only the one line per test and the summary (the post-mortems of the
# failing tests are in its full output and in the reports).
step_results() {
	title=$1 want=$2
	shift 2
	printf '\n%b== %s%b\n$ stubrun %s\n' "$B" "$title" "$N" "$*"
	out=$("$STUBRUN" "$@" 2>&1)
	got=$?
	printf '%s\n' "$out" | grep -E '^(PASS|FAIL|SKIP|TIMEOUT|ERROR) |^stubrun test:'
	check_status "$want" "$got"
}

for f in x86_64-pass.elf aarch64-fail.elf boot.img boot-bad.img riscv64-hang.elf \
	aarch64-sh-hello.elf riscv64-multi.elf aarch64-multi.elf; do
	if [ ! -f "$EX/$f" ]; then
		echo "demo: $EX/$f is missing (make examples)" >&2
		exit 1
	fi
done

step "A passing kernel: it calls stubrun_exit(0)" 0 \
	run "$EX/x86_64-pass.elf"

step "A failing kernel: stubrun_exit(3), with a post-mortem" 3 \
	run "$EX/aarch64-fail.elf"

step "A boot sector, checked where the BIOS enters it" 0 \
	run --arch i8086 --pass-at 0x7c00 --expect 'dl == 0x80' \
	--expect 'mem16[0x7dfe] == 0xaa55' "$EX/boot.img"

step "A bad boot sector: it stores the wrong magic" 1 \
	run --arch i8086 --pass-at 0x7d00 --expect 'mem16[0x7e00] == 0x1234' \
	"$EX/boot-bad.img"

step "A hanging kernel, stopped after 2 seconds" 124 \
	run --timeout 2 "$EX/riscv64-hang.elf"

step "Semihosting (picolibc printf and argv), serviced by stubrun, QEMU's off" 0 \
	run "$EX/aarch64-sh-hello.elf" -- hello demo

step_results "A suite of kernels with tests inside: per-test results, one crash, one never reached" 1 \
	test -j 2 "$(dirname "$0")/../examples/suites/multi.ini"

echo
if [ "$failures" -eq 0 ]; then
	echo "demo: every run behaved as expected"
	exit 0
fi
echo "demo: $failures run(s) did not behave as expected" >&2
exit 1
