# Ignores SIGTERM, as a wedged run would: only SIGKILL ends it.
trap '' TERM
echo "wedged"
while :; do sleep 1.0417; done
