#!/bin/sh
# The "scripted GDB" peer of the benchmarks: what people glue together today.
#   gdb-run.sh [-b SYMBOL] ARGEXPR IMAGE QEMU-COMMAND...
# Starts QEMU-COMMAND halted (-S) with its GDB stub on a unix socket in a
# private directory, then gdb-multiarch -batch connects, breaks on
# stubrun_exit, continues, reads the status with ARGEXPR (a gdb expression:
# $x0, $r0, $a0, $rdi, *(int *)($esp + 4)), kills the target and exits with
# that status. With -b SYMBOL, a breakpoint on SYMBOL whose command list is
# `silent; continue` (the usual way to count or trace calls) is set first.
# Exits 255 when gdb did not stop at stubrun_exit. `kill` and `quit` are
# separate -ex commands: QEMU drops the connection on 'k' and gdb reports
# that as an error, which would abort the rest of a sourced script.
# GDB_RUN_LOG=1 copies gdb's output to stderr.
set -eu
hook=
if [ "${1:-}" = -b ]; then
	hook=$2
	shift 2
fi
argexpr=$1 image=$2
shift 2
dir=$(mktemp -d "${TMPDIR:-/tmp}/gdb-run.XXXXXX")
qpid=
cleanup() {
	[ -n "$qpid" ] && kill -KILL "$qpid" 2>/dev/null || true
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 143' TERM INT HUP

"$@" -S -gdb "unix:$dir/gdb.sock,server=on,wait=off" &
qpid=$!

{
	echo "set pagination off"
	echo "set confirm off"
	echo "set \$status = 255"
	echo "target remote $dir/gdb.sock"
	if [ -n "$hook" ]; then
		printf 'break %s\ncommands\nsilent\ncontinue\nend\n' "$hook"
	fi
	echo "break stubrun_exit"
	echo "continue"
	echo "if \$pc == (unsigned long) &stubrun_exit"
	echo "  set \$status = $argexpr"
	echo "end"
} >"$dir/script.gdb"

# QEMU creates the socket a few milliseconds after it starts.
i=0
while [ ! -S "$dir/gdb.sock" ]; do
	i=$((i + 1))
	[ "$i" -le 2000 ] || exit 255
	kill -0 "$qpid" 2>/dev/null || exit 255
	sleep 0.005
done

status=0
gdb-multiarch -nx -batch -q -iex "set debuginfod enabled off" \
	-x "$dir/script.gdb" -ex kill -ex 'quit $status' "$image" >"$dir/gdb.log" 2>&1 || status=$?
[ -z "${GDB_RUN_LOG:-}" ] || cat "$dir/gdb.log" >&2
wait "$qpid" 2>/dev/null || true
qpid=
exit "$status"
