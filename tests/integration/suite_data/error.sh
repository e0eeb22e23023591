echo "stubrun: /no/such.elf: No such file or directory" >&2
exit 125
