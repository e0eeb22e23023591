#!/bin/sh
# Stand-in for `stubrun run` in the suite tests (STUBRUN_SUITE_RUNNER):
# IMAGE is a shell fragment sourced here, with `ev LINE` appending a line
# to the --events file, OPTS holding the run options and "$@" the guest
# arguments. It mimics statuses, output, events and sleeps; nothing else.
[ "$1" = run ] || { echo "suite_runner.sh: expected 'run'" >&2; exit 125; }
shift
EVENTS= IMAGE= OPTS=
while [ $# -gt 0 ]; do
	case "$1" in
	--events) EVENTS=$2; IMAGE=$3; shift 3 ;;
	--) shift; break ;;
	*) OPTS="$OPTS $1"; shift ;;
	esac
done
[ -n "$IMAGE" ] || { echo "suite_runner.sh: no --events FILE IMAGE" >&2; exit 125; }
ev() { printf '%s\n' "$1" >> "$EVENTS"; }
. "$IMAGE"
