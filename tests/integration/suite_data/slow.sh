# Runs until killed; the odd number marks its sleep in the process list.
echo "slow: started"
sleep "${SLOW:-29.71}"
exit 0
