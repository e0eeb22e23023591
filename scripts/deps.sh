#!/bin/sh
# Installs the Debian packages stubrun needs to build, test and run its
# examples. Idempotent and quiet when everything is present (`make deps`).
set -eu

PACKAGES="
make gcc pkg-config
qemu-system-x86 qemu-system-arm qemu-system-misc qemu-user qemu-user-static
libelf-dev libdw-dev libcapstone-dev libcriterion-dev libexpat1-dev libinih-dev
zlib1g-dev liblzma-dev libbz2-dev
gcc-arm-none-eabi gcc-aarch64-linux-gnu gcc-riscv64-unknown-elf nasm
gcc-arm-linux-gnueabihf gcc-riscv64-linux-gnu
libc6-dev-arm64-cross libc6-dev-armhf-cross libc6-dev-riscv64-cross
binutils-arm-none-eabi binutils-riscv64-unknown-elf
picolibc-arm-none-eabi picolibc-aarch64-linux-gnu picolibc-riscv64-unknown-elf
libnewlib-arm-none-eabi
gdbserver gdb-multiarch
hyperfine time
valgrind
clang libclang-rt-14-dev llvm
libpcre2-dev
linux-image-amd64 busybox-static cpio xz-utils
u-boot-qemu opensbi ovmf qemu-efi-aarch64
qemu-utils
grub-pc-bin grub-common xorriso mtools
cmake meson ninja-build
gcovr
clang lld
chromium
"

missing=""
for p in $PACKAGES; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$status" in
	*" installed") ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "deps: missing Debian packages:$missing" >&2
	echo "deps: run 'make deps' as root, or: apt-get install$missing" >&2
	exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
# apt's output is shown only when it fails: a good install also prints
# debconf's and dpkg's remarks to stderr, nothing the user asked for.
log=$(mktemp "${TMPDIR:-/tmp}/stubrun-deps.XXXXXX")
trap 'rm -f "$log"' EXIT
# shellcheck disable=SC2086
if ! apt-get update -q >"$log" 2>&1 ||
	! apt-get install -y -q --no-install-recommends $missing >"$log" 2>&1; then
	cat "$log" >&2
	echo "deps: apt-get failed (the lines above are its own)" >&2
	exit 1
fi
