#!/bin/sh
# Writes the vmlinux ELF that an x86 bzImage carries compressed:
#   tests/boot/extract-vmlinux.sh BZIMAGE OUT
# The payload is found by the boot protocol's setup header (2.08 and
# later), not by searching for a magic number: setup_sects at 0x1f1, the
# "HdrS" signature at 0x202, payload_offset and payload_length at 0x248
# and 0x24c, both counted from the protected-mode code after the setup
# sectors. Why the tests want it: QEMU boots this ELF by its PVH entry,
# and under TCG that skips the seconds the bzImage spends decompressing
# itself. Exits 1, leaving nothing at OUT, when BZIMAGE is not a bzImage
# or its payload is not xz, gzip or zstd.
set -eu
in=${1:?usage: extract-vmlinux.sh BZIMAGE OUT}
out=${2:?usage: extract-vmlinux.sh BZIMAGE OUT}
tmp="$out.tmp.$$"
trap 'rm -f "$tmp"' EXIT

# u8/u32 little-endian at byte offset $2 of file $1, in decimal.
u8() { od -An -t u1 -j "$2" -N 1 "$1" | tr -d ' '; }
u32() { od -An -t u4 --endian=little -j "$2" -N 4 "$1" | tr -d ' '; }
fail() { echo "extract-vmlinux: $in: $*" >&2; exit 1; }

[ "$(od -An -c -j 514 -N 4 "$in" | tr -d ' ')" = HdrS ] ||
	fail "not a bzImage (no HdrS at 0x202)"
sects=$(u8 "$in" 497)
[ "$sects" -ne 0 ] || sects=4
start=$(( (sects + 1) * 512 + $(u32 "$in" 584) ))
length=$(u32 "$in" 588)
[ "$length" -gt 0 ] || fail "no payload (boot protocol before 2.08?)"

# The payload's first $1 bytes (Linux appends the decompressed size to
# an xz or zstd payload, 4 bytes that are not part of the stream).
payload() { tail -c +$((start + 1)) "$in" | head -c "$1"; }
magic=$(payload 4 | od -An -t x1 | tr -d ' ')
case $magic in
fd377a58) payload $((length - 4)) | xz -dc > "$tmp" ;;
1f8b*) payload "$length" | gzip -dc > "$tmp" ;;
28b52ffd) payload $((length - 4)) | zstd -dcq > "$tmp" ;;
*) fail "payload of unknown compression (magic $magic)" ;;
esac
[ "$(od -An -c -N 4 "$tmp" | tr -d ' ')" = 177ELF ] ||
	fail "the payload is not an ELF"
mv "$tmp" "$out"
