echo "argc=$# [$1] [$2] [$3]"
echo "opts=$OPTS"
echo "cwd=$(pwd)"
exit 0
