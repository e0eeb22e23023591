#!/bin/sh
# The "scripted GDB" peer of the benchmarks: what people glue together today.
# Starts QEMU halted with its stub on TCP, then gdb-multiarch -batch connects,
# breaks on the exit symbol, continues, reads the argument register and kills.
#   gdb-run.sh QEMU-COMMAND-FILE IMAGE ARGREG [GDB-EXTRA-EX...]
# QEMU-COMMAND-FILE holds the QEMU command line (one word per line) without
# -S/-gdb. Prints the status the guest passed. Exits 1 on any failure.
set -eu
cmdfile=$1 image=$2 argreg=$3
shift 3
port=$(( 20000 + $$ % 20000 ))
set -- "$@"
extra="$*"
# shellcheck disable=SC2046
setsid $(cat "$cmdfile") -S -gdb tcp:127.0.0.1:$port >/dev/null 2>&1 &
qpid=$!
trap 'kill -KILL -- -$qpid 2>/dev/null || kill -KILL $qpid 2>/dev/null || true' EXIT
gdb-multiarch -nx -batch -q \
	-ex "file $image" \
	-ex "target remote 127.0.0.1:$port" \
	-ex "break stubrun_exit" \
	${extra:+-ex "$extra"} \
	-ex "continue" \
	-ex "printf \"status %d\\n\", \$$argreg" \
	-ex "kill" 2>/dev/null | grep '^status'
wait $qpid 2>/dev/null || true
