# --snapshot-at, sourced by bench/run.sh (its helpers and variables; this
# file's own names are _-prefixed, as there).
# 1. The 100 tests of ARCH-many.elf each alone from one snapshot (one
#    boot, a savevm, 100 loadvm), against a boot per test: 100 times one
#    plain run of the image (its tests take microseconds; the boot is the
#    cost). The arches of the hit section.
# 2. The 20 console tests of bench/linux-console-tests.txt from one boot
#    of Debian's Linux kernel to busybox's prompt (one boot, a savevm, 20
#    restores), against a fresh boot per test: 20 times one run that
#    boots, waits for the prompt, types the first test's text and waits
#    for its pattern. BENCH_LONG_RUNS rounds of one each.

# Why 256M: Debian's kernel with the initramfs uses under 20 MB of it;
# loadvm's time grows with the RAM it restores (BENCH_LINUX_MEMORY tries
# another size). Both sides boot the same machine.
SNAP_LINUX_MEMORY=${BENCH_LINUX_MEMORY:-256M}
SNAP_LINUX_APPEND='console=ttyS0 panic=-1 quiet'

bench_snapshot_images() {
	for a in $HIT_ARCHES; do
		img=$EX/$a-many.elf
		[ -f "$img" ] || continue
		say "snapshot: $a (100 tests; runs: $LONG)"
		check 0 "$STUBRUN" run -q --snapshot-at main "$img" &&
			hf "snapshot-$a" "$LONG" \
				-n snapshot "$STUBRUN run -q --snapshot-at main $img" \
				-n boot "$STUBRUN run -q $img" || continue
		s=$(med "snapshot-$a" snapshot) b=$(med "snapshot-$a" boot)
		r=
		[ -n "$s" ] && [ -n "$b" ] && r=$(calc "printf \"%.1f\", 100 * $b / $s")
		row "100 isolated tests $a: 100 boots / one snapshot" "$(ms "$s")" \
			"100 x $(ms "$b")" "$r" ">= 5" ""
	done
}

# Sets _snap (one run, every test from the snapshot), _fresh (a boot for
# the first test) and _n (the tests) from the table. Each field goes in
# single quotes: hyperfine -N splits its line as a shell would.
snapshot_linux_cmds() {
	_boot="$STUBRUN run -q --kernel $1 --initrd $TMP/initrd.cpio.gz"
	_boot="$_boot --memory $SNAP_LINUX_MEMORY --append '$SNAP_LINUX_APPEND'"
	_snap="$_boot --snapshot-at 'console:/ # '"
	_fresh= _n=0
	_tab=$(printf '\t')
	while IFS=$_tab read -r _name _text _pat; do
		case $_name in '#'* | '') continue ;; esac
		_snap="$_snap --snapshot-test '$_name=$_text' --console-pass '$_pat'"
		[ -n "$_fresh" ] || _fresh="$_boot --console-expect '/ # '"\
" --console-send '$_text' --console-expect '$_pat'"
		_n=$((_n + 1))
	done <"$HERE/linux-console-tests.txt"
}

bench_snapshot_linux() {
	_k=$(ls /boot/vmlinuz-*-amd64 2>/dev/null | tail -n 1)
	if [ -z "$_k" ] || [ ! -x /bin/busybox ]; then
		say "snapshot: no Linux console tests (linux-image-amd64 and" \
			"busybox-static: make deps)"
		return 0
	fi
	printf 'exec sh\n' >"$TMP/init.sh"
	sh "$HERE/../tests/boot/mkinitramfs.sh" "$TMP/initrd.cpio.gz" \
		"$TMP/init.sh" || return 0
	snapshot_linux_cmds "$_k"
	say "snapshot: linux ($_n console tests; rounds: $LONG)"
	eval "check 0 $_snap" && eval "check 0 $_fresh" || return 0
	# One of each a round: each takes seconds.
	_rounds=$OUT/snapshot-linux-rounds.txt
	alternate "$_rounds" snapshot-linux 1 "$_n * b / a" \
		snapshot "$_snap" boot "$_fresh"
	s=$(median_of "$_rounds" snapshot) b=$(median_of "$_rounds" boot)
	r=$(median_of "$_rounds" ratio)
	[ -z "$r" ] || r=$(calc "printf \"%.1f\", $r")
	row "$_n Linux console tests: $_n boots / one snapshot" "$(ms "$s")" \
		"$_n x $(ms "$b")" "$r" ">= 10 $(goal "$r" ">=" 10)" ""
}

bench_snapshot() {
	bench_snapshot_images
	bench_snapshot_linux
}
