sleep "${SLEEP:-0.3}"
echo "slept"
exit 0
