# Ignores SIGTERM, as a wedged run would: only SIGKILL ends it.
trap '' TERM
echo "wedged"
while :; do sleep "${HANG_SLEEP:-1.0417}"; done
