#!/bin/sh
# The integration suite N times in a row (default 10) beside one CPU hog
# per core, so that tests which depend on timing show up (docs/TESTING.md).
#   sh scripts/load-test.sh [N] [BUILD]     (after `make all examples`)
# Exits 1 when any round failed; each failing round's log is kept in
# BUILD/load-test/round-K.log.
set -u
rounds=${1:-10}
build=${2:-build}
top=$(pwd)
logs=$build/load-test
hogs=""

stop_hogs() {
	[ -n "$hogs" ] && kill $hogs 2>/dev/null
	wait 2>/dev/null
}
trap stop_hogs EXIT
trap 'exit 130' INT TERM HUP

make --no-print-directory -s "BUILD=$build" all examples testdata \
	"$build/tests/integration_tests" "$build/tests/faultstub" || exit 125
mkdir -p "$logs"
for _ in $(seq "$(nproc)"); do
	sh -c 'while :; do :; done' &
	hogs="$hogs $!"
done

failed=0
k=1
while [ "$k" -le "$rounds" ]; do
	log=$logs/round-$k.log
	if STUBRUN="$top/$build/stubrun" STUBRUN_EXAMPLES="$top/build/examples" \
	   STUBRUN_TESTDATA="$top/build/tests/data/elf" STUBRUN_SRCDIR="$top" \
	   STUBRUN_RSP_EXAMPLE="$top/$build/stubrun-rsp-example" \
	   STUBRUN_FAULTSTUB="$top/$build/tests/faultstub" \
	   "$build/tests/integration_tests" >"$log" 2>&1; then
		echo "round $k: $(grep Synthesis "$log")"
		rm -f "$log"
	else
		echo "round $k: FAILED, see $log"
		grep -E '\[FAIL\]|\[----\].*:' "$log" | head -20
		failed=$((failed + 1))
	fi
	k=$((k + 1))
done
echo "load test: $((rounds - failed)) of $rounds rounds passed beside $(nproc) CPU hogs"
[ "$failed" -eq 0 ]
