# A run of console tests from a snapshot: its options go on a line of
# $TMPDIR/out.snap-runs; each --snapshot-test NAME=TEXT (TEXT one word)
# begins and ends, with status 1 when TEXT is "false"; so does the run.
echo "$OPTS" >> "$TMPDIR/out.snap-runs"
st=0 next=
for w in $OPTS; do
	if [ -n "$next" ]; then
		s=0
		[ "${w#*=}" = false ] && s=1 st=1
		ev "{\"event\":\"begin\",\"name\":\"${w%%=*}\",\"time_ms\":1}"
		ev "{\"event\":\"end\",\"name\":\"${w%%=*}\",\"status\":$s,\"time_ms\":2,\"output\":\"\"}"
	fi
	next=
	[ "$w" = --snapshot-test ] && next=1
done
exit $st
