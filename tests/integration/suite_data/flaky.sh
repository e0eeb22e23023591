# Fails until its run number reaches $1, counting runs in the file
# $TMPDIR/out.flaky-$2 (the same command every time: only the counter,
# which the test owns, changes).
f="$TMPDIR/out.flaky-$2"
n=$(cat "$f" 2>/dev/null || echo 0)
n=$((n + 1))
echo "$n" > "$f"
echo "attempt $n"
[ "$n" -ge "$1" ] && exit 0
echo "post-mortem: not yet ($n < $1)" >&2
exit 1
