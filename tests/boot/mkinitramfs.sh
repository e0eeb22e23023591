#!/bin/sh
# Builds a gzip'd newc initramfs around Debian's static busybox:
#   tests/boot/mkinitramfs.sh OUT.cpio.gz [INIT-SCRIPT]    (default: stdin)
# The init script (a file, or stdin) becomes /init (run by `busybox sh`); every
# busybox applet is a symlink in /bin, so the script may call sh, mount,
# echo, poweroff -f ... directly. /proc, /sys and /dev are mounted first.
# Exits 77 (the automake "skip" status) when busybox-static or cpio is
# missing, 1 on any other failure; leaves nothing behind but OUT.
set -eu
out=${1:?usage: mkinitramfs.sh OUT.cpio.gz [INIT-SCRIPT]}
script=${2:--}
busybox=${BUSYBOX:-/bin/busybox}
if [ ! -x "$busybox" ] || ! command -v cpio >/dev/null 2>&1; then
	echo "mkinitramfs: needs $busybox (busybox-static) and cpio" >&2
	exit 77
fi
dir=$(mktemp -d "${TMPDIR:-/tmp}/stubrun-initramfs.XXXXXX")
tmp="$out.tmp.$$"
trap 'rm -rf "$dir" "$tmp"' EXIT
mkdir -p "$dir/bin" "$dir/proc" "$dir/sys" "$dir/dev" "$dir/tmp"
cp "$busybox" "$dir/bin/busybox"
# One process for all ~400 links (perl is Essential in Debian): an ln
# each cost 1 CPU-s per initramfs, and the Linux tests build a dozen.
"$busybox" --list | perl -e 'my $bin = shift; while (<STDIN>) { chomp;
	next if $_ eq "busybox"; symlink("busybox", "$bin/$_") or
	die "mkinitramfs: $bin/$_: $!\n"; }' "$dir/bin"
{
	echo '#!/bin/busybox sh'
	echo 'export PATH=/bin'
	echo 'mount -t proc proc /proc; mount -t sysfs sys /sys'
	echo 'mount -t devtmpfs dev /dev 2>/dev/null'
	cat -- "$script"
} > "$dir/init"
chmod 755 "$dir/init"

(cd "$dir" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) | gzip -1 > "$tmp"
mv "$tmp" "$out"
