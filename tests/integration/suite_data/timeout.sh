echo "spinning"
echo "timeout: post-mortem at spin_forever" >&2
exit 124
