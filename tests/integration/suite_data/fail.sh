echo "checking"
echo "post-mortem: pc=0x1234 <check_value+8>" >&2
exit 3
