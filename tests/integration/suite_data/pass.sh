echo "hello from the stand-in"
exit 0
