#!/bin/sh
# `make bench`: stubrun side by side with bare QEMU, gdb-multiarch -batch and
# the protocol ceilings of libgdb-remote, in one run, as ratios.
#   sh bench/run.sh BUILD_DIR EXAMPLES_DIR
# Prints one table (also BUILD_DIR/bench/table.txt); the raw figures go to
# BUILD_DIR/bench/ (hyperfine JSON + CSV per measurement, rsp_bench output,
# peak RSS files, machine.txt, hyperfine.log). POSIX sh + awk; no python.
# Environment:
#   BENCH_RUNS       runs per short measurement (default 20; medians)
#   BENCH_LONG_RUNS  runs per multi-second measurement (default 3)
#   BENCH_GDB_RUNS   runs of gdb's 10,000-hit job (default 1: 30 s each)
#   BENCH_ARCHES     start-to-verdict targets (aarch64 arm riscv64 i386 x86_64)
#   BENCH_HIT_ARCHES breakpoint-hit and in-image-test targets (aarch64 riscv64)
#   BENCH_SH_ARCHES  semihosting targets (aarch64 arm riscv64)
#   BENCH_USER_ARCHES user-mode targets (aarch64)
#   BENCH_USER_SPIN  prog.c's `spin N` of the ~100 ms user-mode run (35)
#   BENCH_LINUX_MEMORY the RAM of the Linux snapshot section (256M)
#   BENCH_ONLY       a subset of: verdict hits semihosting suite tests console record snapshot protocol user
set -eu
# Every sh variable is global: helpers use _-prefixed names for their own.

BUILD=$1
EX=$2
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$BUILD/bench
STUBRUN=$BUILD/stubrun
RSPB=$BUILD/rsp_bench
PEAK=$BUILD/peak_rss
ALT=$BUILD/alternate
FLOOR=$BUILD/user_floor
GDBRUN="sh $HERE/gdb-run.sh"
RUNS=${BENCH_RUNS:-20}
LONG=${BENCH_LONG_RUNS:-3}
GDB_RUNS=${BENCH_GDB_RUNS:-1}
ARCHES=${BENCH_ARCHES:-aarch64 arm riscv64 i386 x86_64}
HIT_ARCHES=${BENCH_HIT_ARCHES:-aarch64 riscv64}
SH_ARCHES=${BENCH_SH_ARCHES:-aarch64 arm riscv64}
USER_ARCHES=${BENCH_USER_ARCHES:-aarch64}
# Why 35: 35 million rounds of prog.c's spin take about 100 ms under
# qemu-aarch64 on the machine of docs/BENCHMARKS.md.
USER_SPIN=${BENCH_USER_SPIN:-35}
ONLY=${BENCH_ONLY:-verdict hits semihosting suite tests console record snapshot protocol user}
# Counts fixed by the guests. The hit count is read from each image
# (bench_hits_target); the test count is checked against the events
# written; sh-writec.c makes LINES * LINE_LEN calls.
TESTS=1000
WRITECS=10000
SUITE_SIZE=64

for tool in hyperfine gdb-multiarch awk nm; do
	command -v "$tool" >/dev/null || {
		echo "bench: $tool not found (make deps installs it)" >&2
		exit 1
	}
done
for f in "$STUBRUN" "$RSPB" "$PEAK" "$ALT" "$FLOOR"; do
	[ -x "$f" ] || { echo "bench: $f missing (make bench builds it)" >&2; exit 1; }
done

mkdir -p "$OUT"
rm -f "$OUT"/*.csv "$OUT"/*.json "$OUT"/*.txt "$OUT"/*.rss "$OUT"/*.ini \
	"$OUT"/*.alt "$OUT"/*.runs \
	"$OUT"/hyperfine.log
TMP=$(mktemp -d "${TMPDIR:-/tmp}/stubrun-bench.XXXXXX")
QPID=
cleanup() {
	[ -z "$QPID" ] || kill -KILL "$QPID" 2>/dev/null || true
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

say() { echo "bench: $*" >&2; }
want() { case " $ONLY " in *" $1 "*) return 0 ;; esac; return 1; }

# --- machine ---------------------------------------------------------------
cpu=$(lscpu 2>/dev/null | awk -F: '/^Model name/ { sub(/^ +/, "", $2); print $2; exit }')
cores=$(nproc)
qver=$(qemu-system-riscv64 --version | awk 'NR == 1 { print $4 }')
{
	echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "cpu: $cpu"
	echo "cores: $cores"
	echo "qemu: $qver"
	echo "gdb: $(gdb-multiarch --version | head -n 1)"
	echo "hyperfine: $(hyperfine --version)"
	echo "stubrun: $("$STUBRUN" --version 2>&1 | head -n 1)"
	echo "runs: $RUNS (long: $LONG, gdb hits: $GDB_RUNS)"
	echo "load at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$OUT/machine.txt"

# --- QEMU command lines ----------------------------------------------------
# The machine stubrun starts for ARCH (targets/ARCH.c, src/run/run_setup.c),
# without -S/-gdb and -action shutdown=pause. $1 ARCH, $2 serial (stdio:
# like stubrun, QEMU's stdout; null: none).
qemu_cmd() {
	case $2 in
	stdio) serial="-chardev stdio,id=con,signal=off -serial chardev:con" ;;
	*) serial="-serial null" ;;
	esac
	common="-display none -nodefaults -no-reboot -monitor none $serial"
	case $1 in
	aarch64) echo "qemu-system-aarch64 -machine virt -cpu cortex-a57 $common" ;;
	arm) echo "qemu-system-arm -machine mps2-an385 $common" ;;
	riscv64) echo "qemu-system-riscv64 -machine virt $common -bios none" ;;
	riscv32) echo "qemu-system-riscv32 -machine virt $common -bios none" ;;
	i386 | x86_64) echo "qemu-system-$1 -machine pc $common" \
		"-device isa-debug-exit,iobase=0xf4,iosize=0x04" ;;
	esac
}
# Bare runs reach their exit through the exit device; on Arm that is
# semihosting SYS_EXIT, which QEMU serves only with semihosting on.
bare_cmd() {
	case $1 in
	aarch64 | arm) echo "$(qemu_cmd "$1" stdio)" \
		"-semihosting-config enable=on,target=native" ;;
	*) qemu_cmd "$1" stdio ;;
	esac
}
# Status a bare run of a passing image ends with (isa-debug-exit: 0 << 1 | 1).
bare_pass() { case $1 in i386 | x86_64) echo 1 ;; *) echo 0 ;; esac; }
# Where the first argument is on entry (include/stubrun/guest.h), for gdb.
# Single-quoted: the result is parsed again by eval and by hyperfine -N.
gdb_arg() {
	case $1 in
	aarch64) echo "'\$x0'" ;; arm) echo "'\$r0'" ;; riscv*) echo "'\$a0'" ;;
	x86_64) echo "'\$rdi'" ;; i386) echo "'*(int *)(\$esp + 4)'" ;;
	esac
}
bp_kind() { case $1 in arm) echo 2 ;; i386 | x86_64) echo 1 ;; *) echo 4 ;; esac; }
sym() { nm "$1" | awk -v s="$2" '$3 == s { print "0x" $1; exit }'; }

# Runs a command once, quietly; fails (with a message) unless it exits $1.
# Bounded: a command that hangs here would hang hyperfine next.
check() {
	want_st=$1
	shift
	st=0
	timeout -k 5 "${BENCH_CHECK_TIMEOUT:-120}" "$@" >"$TMP/check.out" 2>&1 \
		</dev/null || st=$?
	[ "$st" = "$want_st" ] && return 0
	say "validation failed (status $st, expected $want_st): $*"
	tail -n 5 "$TMP/check.out" | sed 's/^/bench:   /' >&2
	return 1
}

# hf NAME RUNS [-n NAME CMD]...: hyperfine into $OUT/NAME.{csv,json}.
# Short jobs get one warm-up run; multi-second ones (fewer runs) none.
# Exit codes are checked afterwards (med), so -i only keeps a failed run
# from hiding the other commands' figures.
hf() {
	name=$1 runs=$2
	shift 2
	warm=1
	[ "$runs" -lt "$RUNS" ] && warm=0
	echo "== $name" >>"$OUT/hyperfine.log"
	hyperfine -N -i --style basic --warmup "$warm" --runs "$runs" \
		--export-csv "$OUT/$name.csv" --export-json "$OUT/$name.json" \
		"$@" >>"$OUT/hyperfine.log" 2>&1 || {
		say "hyperfine failed for $name (see $OUT/hyperfine.log)"
		return 1
	}
}
# med NAME CMDNAME [STATUS]: median seconds of one command of
# $OUT/NAME.csv; empty (with a message) unless every timed run of it exited
# with STATUS (default 0), read from the exit codes in $OUT/NAME.json.
med() {
	[ -f "$OUT/$1.csv" ] || return 0
	bad=$(awk -v n="$2" -v want="${3:-0}" '
		/"command":/ { cur = $0; sub(/^[^:]*: *"/, "", cur); sub(/",? *$/, "", cur) }
		/"exit_codes":/ { in_codes = (cur == n); next }
		in_codes && /\]/ { in_codes = 0 }
		in_codes { v = $0; gsub(/[ ,]/, "", v); if (v != want) bad++ }
		END { print bad + 0 }' "$OUT/$1.json")
	if [ "$bad" != 0 ]; then
		say "$1: $bad run(s) of $2 did not exit ${3:-0}; no figure"
		return 0
	fi
	awk -F, -v n="$2" '$1 == n { print $4 }' "$OUT/$1.csv"
}
rss() { [ -s "$OUT/$1.rss" ] && cat "$OUT/$1.rss" || true; }
# alt NAME RUNS 'CMD-NAME STATUS CMD...'...: bench/alternate into
# $OUT/NAME.alt (its summary) and $OUT/NAME.runs (every run): the commands
# run in turn, round by round, so that a ratio is not the load's drift.
alt() {
	_name=$1 _runs=$2
	shift 2
	"$ALT" "$_runs" "$OUT/$_name.runs" "$@" >"$OUT/$_name.alt" ||
		{ say "$_name: a run ended with the wrong status; no figure"; : >"$OUT/$_name.alt"; }
}
# altv NAME CMD-NAME median|ratio|cpu: one value of $OUT/NAME.alt.
altv() { awk -v n="$2" -v k="$3" '$1 == n && $2 == k { print $3 }' "$OUT/$1.alt" 2>/dev/null || true; }

# Table rows: measure|value|reference|ratio|goal|rss, formatted at the end.
ROWS=$OUT/rows.txt
: >"$ROWS"
row() { printf '%s|%s|%s|%s|%s|%s\n' "$1" "$2" "$3" "$4" "$5" "$6" >>"$ROWS"; }
calc() { awk "BEGIN { $1 }" </dev/null; }
# ms S: seconds -> "123.4 ms"; empty stays empty.
ms() { [ -n "$1" ] && calc "printf \"%.1f ms\", $1 * 1000" || true; }
# goal VALUE OP LIMIT: "ok" / "MISS" / "" (no value).
goal() { [ -n "$1" ] && calc "print ($1 $2 $3) ? \"ok\" : \"MISS\"" || true; }

# Starts QEMU halted for rsp_bench: $1 ARCH, $2 image, $3 stub (unix:PATH
# or tcp:HOST:PORT as in QEMU's -gdb). Sets QPID.
start_halted() {
	# shellcheck disable=SC2046
	$(qemu_cmd "$1" null) -kernel "$2" -S -gdb "$3,server=on,wait=off" \
		>/dev/null 2>&1 &
	QPID=$!
}
stop_halted() {
	[ -z "$QPID" ] && return 0
	# rsp_bench kills the target; QEMU then exits by itself.
	_w=0
	while kill -0 "$QPID" 2>/dev/null && [ "$_w" -lt 100 ]; do
		sleep 0.02
		_w=$((_w + 1))
	done
	kill -KILL "$QPID" 2>/dev/null || true
	wait "$QPID" 2>/dev/null || true
	QPID=
}

# --- 1. one image, start to verdict ----------------------------------------
bench_verdict() {
	for a in $ARCHES; do
		img=$EX/$a-pass.elf
		[ -f "$img" ] || { say "no $img"; continue; }
		say "start to verdict: $a"
		bare="$(bare_cmd "$a") -kernel $img"
		gdbc="$GDBRUN $(gdb_arg "$a") $img $(qemu_cmd "$a" stdio) -kernel $img"
		sr="$STUBRUN run -q $img"
		# shellcheck disable=SC2086
		check "$(bare_pass "$a")" $bare &&
			check 0 "$STUBRUN" run -q "$img" &&
			eval "check 0 $gdbc" &&
			"$PEAK" "$OUT/verdict-$a.rss" "$STUBRUN" run -q "$img" \
				>/dev/null 2>&1 &&
			hf "verdict-$a" "$RUNS" -n bare "$bare" -n stubrun "$sr" \
				-n gdb "$gdbc" || true
		# The ratio to bare QEMU from runs in turn (hyperfine runs
		# each command's block after the other's).
		alt "verdict-alt-$a" "$RUNS" "bare $(bare_pass "$a") $bare" \
			"stubrun 0 $sr"
		s=$(altv "verdict-alt-$a" stubrun median)
		b=$(altv "verdict-alt-$a" bare median)
		r1=$(altv "verdict-alt-$a" stubrun ratio)
		g=$(med "verdict-$a" gdb)
		r2=''
		[ -z "$r1" ] || r1=$(calc "printf \"%.2f\", $r1")
		[ -n "$s" ] && [ -n "$g" ] && r2=$(calc "printf \"%.2f\", $g / $s")
		row "start->verdict $a: stubrun/bare" "$(ms "$s")" "bare $(ms "$b")" \
			"$r1" "<= 1.10 $(goal "$r1" "<=" 1.10)" "$(rss "verdict-$a")"
		row "start->verdict $a: gdb/stubrun" "$(ms "$s")" "gdb $(ms "$g")" \
			"${r2:+${r2}x}" ">= 3x $(goal "$r2" ">=" 3)" ""
	done
}

# --- 2. breakpoint hits ------------------------------------------------------
# Rates are differential: (time with the breakpoint - time without) / hits,
# so start-up and the guest's own work cancel out. Ceiling and stubrun are
# measured in alternating rounds and compared round by round (median of
# the per-round ratios): load on a shared machine drifts within minutes.
# ceiling_once ARCH IMAGE hits|hits-step: one rsp_bench run, appended to
# $OUT/ceiling-ARCH.txt.
ceiling_once() {
	addr=$(sym "$2" bench_hook) counter=$(sym "$2" bench_hook_calls)
	start_halted "$1" "$2" "unix:$TMP/ceil.sock"
	"$RSPB" "$3" "unix:$TMP/ceil.sock" "$addr" "$HITS" "$(bp_kind "$1")" \
		"$counter" >>"$OUT/ceiling-$1.txt" || {
		stop_halted
		say "rsp_bench $3 failed on $1"
		return 1
	}
	stop_halted
}
last_of() { # the value of the last NAME line of a file
	awk -v n="$2" '$1 == n { v = $2 } END { if (v != "") print v }' "$1"
}
# alternate FILE NAME RUNS RATIO A CMD_A B CMD_B: $LONG rounds of hf
# NAME-k (RUNS runs of each command a round; load on a shared machine
# drifts between rounds, not within one), each round's medians into FILE
# as "A s", "B s" and "ratio R", R the awk expression RATIO of a and b.
alternate() {
	_file=$1 _name=$2 _runs=$3 _ratio=$4 _na=$5 _ca=$6 _nb=$7 _cb=$8
	: >"$_file"
	_round=1
	while [ "$_round" -le "$LONG" ]; do
		_hn=$_name-$_round
		hf "$_hn" "$_runs" -n "$_na" "$_ca" -n "$_nb" "$_cb" || break
		_a=$(med "$_hn" "$_na") _b=$(med "$_hn" "$_nb")
		[ -n "$_a" ] && [ -n "$_b" ] &&
			calc "a = $_a; b = $_b; printf \"$_na %s\n$_nb %s\nratio %.4f\n\", a, b, $_ratio" \
				>>"$_file"
		_round=$((_round + 1))
	done
}
median_of() { # median of the values of NAME lines in a file
	awk -v n="$2" '$1 == n { v[++c] = $2 } END {
		if (!c) exit
		for (i = 1; i <= c; i++) for (j = i + 1; j <= c; j++)
			if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
		print (c % 2) ? v[(c + 1) / 2] : (v[c / 2] + v[c / 2 + 1]) / 2
	}' "$1"
}
# percall N T_WITH T_WITHOUT: microseconds per event; "<0.5" when the
# difference is within the noise of the medians, "" when unknown.
percall() {
	[ -n "$2" ] && [ -n "$3" ] &&
		calc "d = ($2 - $3) * 1e6 / $1; if (d < 0.5) print \"<0.5\"; else printf \"%.1f\", d" ||
		true
}
# ratio A B [SUFFIX]: A / B to two places when both are positive numbers.
ratio() {
	case "$1$2" in *"<"*) return 0 ;; esac
	[ -n "$1" ] && [ -n "$2" ] &&
		calc "if ($2 > 0) printf \"%.3g%s\", $1 / $2, \"${3:-}\"" || true
}
rate() { # rate N T_WITH T_WITHOUT: events per second, "" when unknown
	[ -n "$2" ] && [ -n "$3" ] && calc "d = $2 - $3; if (d > 0) printf \"%.0f\", $1 / d" || true
}

bench_hits() {
	for a in $HIT_ARCHES; do
		img=$EX/$a-hits.elf
		[ -f "$img" ] || { say "no $img"; continue; }
		HITS=$(gdb-multiarch -nx -batch -ex 'print bench_hits_target' "$img" \
			2>/dev/null | awk '$1 == "$1" && $2 == "=" { print $3 }')
		case $HITS in
		'' | *[!0-9]*) say "$img: no bench_hits_target"; continue ;;
		esac
		say "breakpoint hits: $a ($HITS hits; runs: $LONG, gdb $GDB_RUNS)"
		arg=$(gdb_arg "$a")
		q="$(qemu_cmd "$a" stdio) -kernel $img"
		rounds=$OUT/hits-rounds-$a.txt
		: >"$OUT/ceiling-$a.txt"
		: >"$rounds"
		_round=1
		while [ "$_round" -le "$LONG" ]; do
			ceiling_once "$a" "$img" hits || break
			ceiling_once "$a" "$img" hits-step || break
			hf "hits-$a-$_round" 1 \
				-n stubrun-base "$PEAK $OUT/hits-base-$a.rss $STUBRUN run -q $img" \
				-n stubrun-break "$PEAK $OUT/hits-$a.rss $STUBRUN run -q --break bench_hook $img" ||
				break
			_s=$(rate "$HITS" "$(med "hits-$a-$_round" stubrun-break)" \
				"$(med "hits-$a-$_round" stubrun-base)")
			_c=$(last_of "$OUT/ceiling-$a.txt" ceiling_hits_per_s)
			_cs=$(last_of "$OUT/ceiling-$a.txt" ceiling_step_hits_per_s)
			if [ -n "$_s" ] && [ -n "$_c" ] && [ -n "$_cs" ]; then
				echo "stubrun $_s" >>"$rounds"
				calc "printf \"ratio %.3f\\nratio_step %.3f\\n\", $_s / $_c, $_s / $_cs" \
					>>"$rounds"
			fi
			_round=$((_round + 1))
		done
		c=$(median_of "$OUT/ceiling-$a.txt" ceiling_hits_per_s)
		cs=$(median_of "$OUT/ceiling-$a.txt" ceiling_step_hits_per_s)
		s=$(median_of "$rounds" stubrun)
		r1=$(median_of "$rounds" ratio)
		r3=$(median_of "$rounds" ratio_step)
		hf "hits-gdb-$a" "$GDB_RUNS" -n gdb-base "$GDBRUN $arg $img $q" \
			-n gdb-break "$GDBRUN -b bench_hook $arg $img $q" || true
		g=$(rate "$HITS" "$(med "hits-gdb-$a" gdb-break)" "$(med "hits-gdb-$a" gdb-base)")
		r2=''
		[ -n "$g" ] && [ -n "$c" ] && r2=$(calc "printf \"%.2f\", $g / $c")
		[ -z "$r1" ] || r1=$(calc "printf \"%.2f\", $r1")
		[ -z "$r3" ] || r3=$(calc "printf \"%.2f\", $r3")
		echo "$a ${c:-0}" >>"$TMP/ceilings"
		row "hits $a: stubrun/ceiling" "${s:+$s/s}" "ceiling ${c:+$c/s}" \
			"$r1" ">= 0.90 $(goal "$r1" ">=" 0.90)" "$(rss "hits-$a")"
		row "hits $a: gdb/ceiling" "${g:+$g/s}" "ceiling ${c:+$c/s}" "$r2" "" ""
		row "hits $a: stubrun/step-only ceiling" "${s:+$s/s}" \
			"s+c only ${cs:+$cs/s}" "$r3" "" ""
	done
}

# --- 3. semihosting ------------------------------------------------------------
# Per-call rates are differential against sh-exit-0 (same picolibc start-up,
# a few calls). Modes of `stubrun run --semihosting=` measured when offered:
# the default (stubrun services the traps over the stub), qemu (QEMU's own,
# stubrun only watching), gdb (QEMU decodes, stubrun answers File-I/O).
bench_semihosting() {
	modes=
	for m in qemu gdb; do
		"$STUBRUN" run --help 2>&1 | grep -q -- "--semihosting\[=MODE\]" &&
			check 0 "$STUBRUN" run -q --semihosting=$m "$EX/riscv64-sh-exit-0.elf" &&
			modes="$modes $m"
	done
	for a in $SH_ARCHES; do
		img=$EX/$a-sh-writec.elf base=$EX/$a-sh-exit-0.elf
		[ -f "$img" ] && [ -f "$base" ] || { say "no $img"; continue; }
		say "semihosting: $a ($WRITECS SYS_WRITEC; runs: $LONG)"
		n="$(qemu_cmd "$a" stdio) -semihosting-config enable=on,target=native"
		set -- -n native-base "$n -kernel $base" -n native "$n -kernel $img" \
			-n stubrun-base "$PEAK $OUT/sh-base-$a.rss $STUBRUN run -q $base" \
			-n stubrun "$PEAK $OUT/sh-$a.rss $STUBRUN run -q $img"
		for m in $modes; do
			set -- "$@" -n "$m-base" "$STUBRUN run -q --semihosting=$m $base" \
				-n "$m" "$STUBRUN run -q --semihosting=$m $img"
		done
		# shellcheck disable=SC2086
		check 0 $n -kernel "$img" && hf "sh-$a" "$LONG" "$@" || true
		nat=$(percall "$WRITECS" "$(med "sh-$a" native)" "$(med "sh-$a" native-base)")
		sr=$(percall "$WRITECS" "$(med "sh-$a" stubrun)" "$(med "sh-$a" stubrun-base)")
		c=$(awk -v a="$a" '$1 == a && $2 > 0 { printf "%.1f", 1e6 / $2 }' \
			"$TMP/ceilings" 2>/dev/null || true)
		row "semihosting $a: stubrun/native" "${sr:+$sr us/call}" \
			"native ${nat:+$nat us/call}" "$(ratio "$sr" "$nat" x)" "" \
			"$(rss "sh-$a")"
		[ -z "$c" ] || row "semihosting $a: stubrun/one hit" \
			"${sr:+$sr us/call}" "ceiling $c us/hit" "$(ratio "$sr" "$c")" "" ""
		for m in qemu gdb; do
			case " $modes " in
			*" $m "*)
				v=$(percall "$WRITECS" "$(med "sh-$a" "$m")" "$(med "sh-$a" "$m-base")")
				row "semihosting $a: --semihosting=$m" "${v:+$v us/call}" \
					"default ${sr:+$sr us/call}" "$(ratio "$v" "$sr")" "" "" ;;
			*) row "semihosting $a: --semihosting=$m" "n/a" \
				"(not available)" "" "" "" ;;
			esac
		done
	done
}

# --- 4. suites -----------------------------------------------------------------
bench_suite() {
	ini=$OUT/suite$SUITE_SIZE.ini
	set -- $ARCHES
	narch=$#
	{
		echo "; Generated by bench/run.sh: $SUITE_SIZE passing images,"
		echo "; round robin over: $ARCHES."
		echo "[defaults]"
		echo "timeout = 60"
		i=1
		while [ "$i" -le "$SUITE_SIZE" ]; do
			k=$(( (i - 1) % narch + 1 ))
			eval "a=\${$k}"
			echo
			printf '[test "t%02d-%s"]\n' "$i" "$a"
			echo "image = $EX/$a-pass.elf"
			echo "expect-exit = 0"
			i=$((i + 1))
		done
	} >"$ini"
	say "suite: $SUITE_SIZE images, -j1 vs -j2 (runs: $LONG)"
	check 0 "$STUBRUN" test -j2 "$ini" &&
		"$PEAK" "$OUT/suite.rss" "$STUBRUN" test -j2 "$ini" >/dev/null 2>&1 &&
		hf suite "$LONG" -n j1 "$STUBRUN test -j1 $ini" \
			-n j2 "$STUBRUN test -j2 $ini" || true
	j1=$(med suite j1) j2=$(med suite j2)
	r=
	[ -n "$j1" ] && [ -n "$j2" ] && r=$(calc "printf \"%.2f\", $j1 / $j2")
	row "suite of $SUITE_SIZE: -j1/-j2" "-j2 $(ms "$j2")" "-j1 $(ms "$j1")" \
		"${r:+${r}x}" ">= 1.8x $(goal "$r" ">=" 1.8)" "$(rss suite)"
}

bench_tests() {
	for a in $HIT_ARCHES; do
		img=$EX/$a-tests1k.elf base=$EX/$a-pass.elf
		[ -f "$img" ] || { say "no $img"; continue; }
		say "in-image tests: $a ($TESTS tests; runs: $LONG)"
		ev=$TMP/events.jsonl
		if check 0 "$STUBRUN" run -q --events "$ev" "$img" &&
			[ "$(wc -l <"$ev")" -eq $((2 * TESTS + 1)) ]; then
			hf "tests-$a" "$LONG" --prepare "rm -f $ev" \
				-n base "$PEAK $OUT/tests-base-$a.rss $STUBRUN run -q --events $ev $base" \
				-n tests "$PEAK $OUT/tests-$a.rss $STUBRUN run -q --events $ev $img" ||
				true
		else
			say "validation failed: $TESTS tests need $((2 * TESTS + 1)) event lines"
		fi
		rm -f "$ev"
		t=$(med "tests-$a" tests) b=$(med "tests-$a" base)
		per=
		[ -n "$t" ] && [ -n "$b" ] && per=$(calc "printf \"%.2f ms\", ($t - $b) * 1000 / $TESTS")
		row "in-image tests $a: cost per test" "$per" "$(ms "$t") for $TESTS" \
			"" "" "$(rss "tests-$a")"
	done
}

# --- 5. console matching ---------------------------------------------------------
# A guest printing 10 MiB through its UART (x86_64-flood10m.elf), run with
# 20 --console-fail patterns of the kind kernel tests use, none of which
# matches, against the same run without them. Goal: ratio <= 1.05.
CONSOLE_PATTERNS='Kernel panic - not syncing|BUG: |Oops|Unable to handle kernel|WARNING: CPU: \d+ PID|Call Trace:|general protection fault|stack-protector|KASAN|UBSAN|kernel BUG at|self-detected stall|soft lockup|blocked for more than \d+ seconds|Out of memory|double fault|invalid opcode|page allocation failure|Assertion failed|>>> ZEPHYR FATAL ERROR'
bench_console() {
	img=$EX/x86_64-flood10m.elf
	[ -f "$img" ] || { say "no $img"; return 0; }
	say "console matching: 10 MiB, 20 fail patterns (runs: $LONG)"
	pats=
	_ifs=$IFS
	IFS='|'
	for p in $CONSOLE_PATTERNS; do pats="$pats --console-fail '$p'"; done
	IFS=$_ifs
	# hyperfine -N splits on blanks and honours quotes.
	check 0 sh -c "$STUBRUN run -q $pats $img >/dev/null" &&
		hf console "$LONG" -n none "$STUBRUN run -q $img" \
			-n patterns "$STUBRUN run -q $pats $img" || true
	w=$(med console patterns) n=$(med console none)
	r=
	[ -n "$w" ] && [ -n "$n" ] && r=$(calc "printf \"%.3f\", $w / $n")
	row "console: 10 MiB, 20 patterns / none" "$(ms "$w")" "$(ms "$n")" \
		"$r" "<= 1.05 $(goal "$r" "<=" 1.05)" ""
}

# --- 6. recording ---------------------------------------------------------------
# --record's cost: a passing run (nothing is replayed) and a failing one
# (the replay walks back 32 instructions and finds the last write), each
# against the same run without --record, on RISC-V virt.
bench_record() {
	pass=$EX/riscv64-pass.elf corrupt=$EX/riscv64-corrupt.elf
	[ -f "$pass" ] && [ -f "$corrupt" ] || { say "no $pass or $corrupt"; return 0; }
	say "recording (runs: $RUNS)"
	check 0 "$STUBRUN" run -q --record "$pass" &&
		hf record-pass "$RUNS" -n plain "$STUBRUN run -q $pass" 			-n record "$STUBRUN run -q --record $pass" || true
	hf record-fail "$RUNS" -n plain "$STUBRUN run -q --postmortem none $corrupt" 		-n record "$STUBRUN run -q --postmortem none --record --watch-back expected_magic $corrupt" || true
	for k in pass fail; do
		st=0
		[ "$k" = fail ] && st=1
		w=$(med record-$k record $st) n=$(med record-$k plain $st)
		r=
		[ -n "$w" ] && [ -n "$n" ] && r=$(calc "printf \"%.2f\", $w / $n")
		row "record: a $k run, --record / plain" "$(ms "$w")" "$(ms "$n")" \
			"$r" "" ""
	done
}

# --- 7. snapshots: bench/snapshot.sh ------------------------------------------
. "$HERE/snapshot.sh"

# --- 8. protocol -----------------------------------------------------------------
bench_protocol() {
	for a in $HIT_ARCHES; do
		img=$EX/$a-pass.elf
		[ -f "$img" ] || continue
		base=$(sym "$img" _start)
		say "protocol: $a (rtt over unix and TCP, 1 MiB read)"
		port=$((20000 + $$ % 20000))
		# Alternated, three rounds: load on a shared machine drifts.
		rm -f "$OUT/rtt-unix-$a.txt" "$OUT/rtt-tcp-$a.txt"
		for t in unix tcp unix tcp unix tcp; do
			case $t in
			unix) stub=unix:$TMP/p.sock addr=unix:$TMP/p.sock ;;
			tcp) stub=tcp:127.0.0.1:$port addr=127.0.0.1:$port ;;
			esac
			start_halted "$a" "$img" "$stub"
			"$RSPB" rtt "$addr" 2000 "$base" >>"$OUT/rtt-$t-$a.txt" ||
				say "rsp_bench rtt failed ($t, $a)"
			stop_halted
		done
		start_halted "$a" "$img" "unix:$TMP/p.sock"
		"$RSPB" read1m "unix:$TMP/p.sock" "$base" >"$OUT/read1m-$a.txt" ||
			say "rsp_bench read1m failed ($a)"
		stop_halted
		v() { median_of "$OUT/$1" "$2" 2>/dev/null || true; }
		for m in g m4k; do
			u=$(v "rtt-unix-$a.txt" "rtt_${m}_median")
			p=$(v "rtt-tcp-$a.txt" "rtt_${m}_median")
			r=
			[ -n "$u" ] && [ -n "$p" ] && r=$(calc "printf \"%.2f\", $p / $u")
			label=g
			[ "$m" = m4k ] && label="m 4 KiB"
			row "rtt $label $a: tcp/unix" "${u:+unix $u us}" "${p:+tcp $p us}" \
				"$r" "" ""
		done
		r=$(v "read1m-$a.txt" read_1mib_median)
		row "read 1 MiB $a (unix)" "${r:+$r ms}" "" "" "" ""
	done
}

# --- 8. user mode ------------------------------------------------------------------
# qemu-user's command line as stubrun builds it (src/run/run_qemu_args.c),
# without -g: $1 ARCH, $2 the binary's suffix (-static: Debian's
# qemu-user-static, which stubrun runs when it is installed). The sysroot
# is Debian's cross C library's.
user_qemu() {
	case $1 in
	aarch64) echo "qemu-aarch64${2:-} -L /usr/aarch64-linux-gnu" ;;
	arm) echo "qemu-arm${2:-} -L /usr/arm-linux-gnueabihf" ;;
	riscv64) echo "qemu-riscv64${2:-} -L /usr/riscv64-linux-gnu" ;;
	esac
}
# Start to verdict of `stubrun run` on examples/user/prog.c (dynamic, as
# Debian links by default) vs the same program under bare qemu-user: one
# that exits at once and one that computes for about 100 ms. Two bare
# references: qemu-ARCH, what build systems call today (the issue's
# reference), and qemu-ARCH-static, the binary stubrun runs. The floor,
# bench/user_floor, is qemu-ARCH-static -g driven by one continue: no
# runner under -g can be faster. BENCH_LONG_RUNS x BENCH_RUNS rounds in
# turn, compared round by round: load on a shared machine drifts.
bench_user() {
	for a in $USER_ARCHES; do
		p=$EX/user-$a-dynamic
		[ -f "$p" ] || { say "no $p"; continue; }
		command -v "qemu-$a-static" >/dev/null ||
			{ say "no qemu-$a-static (qemu-user-static)"; continue; }
		for k in exit spin; do
			args="exit 0"
			[ "$k" = spin ] && args="spin $USER_SPIN"
			bare="$(user_qemu "$a") $p $args"
			bares="$(user_qemu "$a" -static) $p $args"
			sr="$STUBRUN run -q $p -- $args"
			say "user mode: $a, $args (runs: $LONG x $RUNS)"
			# shellcheck disable=SC2086
			check 0 $bare && check 0 $bares && check 0 $sr &&
				"$PEAK" "$OUT/user-$a-$k.rss" $sr >/dev/null 2>&1 || continue
			alt "user-$a-$k" "$((LONG * RUNS))" "bare 0 $bare" \
				"static 0 $bares" \
				"floor 0 $FLOOR $(user_qemu "$a" -static) $p $args" \
				"stubrun 0 $sr"
			s=$(altv "user-$a-$k" stubrun median)
			b=$(altv "user-$a-$k" bare median)
			bs=$(altv "user-$a-$k" static median)
			f=$(altv "user-$a-$k" floor median)
			r=$(altv "user-$a-$k" stubrun ratio)
			rs= rf=
			[ -z "$r" ] || r=$(calc "printf \"%.2f\", $r")
			[ -z "$s" ] || [ -z "$bs" ] || rs=$(calc "printf \"%.2f\", $s / $bs")
			[ -z "$f" ] || [ -z "$bs" ] || rf=$(calc "printf \"%.2f\", $f / $bs")
			lim=1.10 what="exit at once"
			[ "$k" = spin ] && lim=1.02 what="~100 ms run"
			row "user $a $what: stubrun/bare" "$(ms "$s")" \
				"qemu-$a $(ms "$b")" "$r" "<= $lim $(goal "$r" "<=" "$lim")" \
				"$(rss "user-$a-$k")"
			row "user $a $what: stubrun/static" "$(ms "$s")" \
				"qemu-$a-static $(ms "$bs")" "$rs" "" ""
			row "user $a $what: -g floor/static" "$(ms "$f")" \
				"qemu-$a-static $(ms "$bs")" "$rf" "" ""
		done
	done
}

want verdict && bench_verdict
want hits && bench_hits
want semihosting && bench_semihosting
want suite && bench_suite
want tests && bench_tests
want console && bench_console
want record && bench_record
want snapshot && bench_snapshot
want protocol && bench_protocol
want user && bench_user
echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/machine.txt"

# --- the table ---------------------------------------------------------------------
{
	echo "stubrun benchmarks: $cpu, $cores cores, QEMU $qver"
	echo "medians of $RUNS runs ($LONG for multi-second jobs); $(grep '^load' "$OUT/machine.txt" | tr '\n' ' ')"
	echo
	awk -F'|' 'BEGIN {
		printf "%-46s %-18s %-28s %-7s %-14s %s\n", "measure", "stubrun",
			"reference", "ratio", "goal", "stubrun RSS"
	}
	{
		r = ($6 == "") ? "" : sprintf("%.1f MB", $6 / 1024)
		printf "%-46s %-18s %-28s %-7s %-14s %s\n", $1, ($2 == "" ? "-" : $2),
			$3, ($4 == "" ? "-" : $4), $5, r
	}' "$ROWS"
} | tee "$OUT/table.txt"
