# Passes only while Bazel's premature exit file exists (the children of
# stubrun test see its environment): it must exist while tests run.
if [ -e "$TEST_PREMATURE_EXIT_FILE" ]; then
	echo "the premature exit file exists"
	exit 0
fi
echo "no premature exit file at '$TEST_PREMATURE_EXIT_FILE'" >&2
exit 1
