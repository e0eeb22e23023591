#!/bin/sh
# Checks every example guest WITHOUT stubrun: under bare QEMU (exit status
# through the exit device, console text, hangs killed by timeout) and under
# gdb-multiarch (a breakpoint on stubrun_exit is hit and the ABI's argument
# location holds the status). Documents how each image runs bare.
#
#   sh examples/check-bare.sh [DIR]     DIR defaults to build/examples
#
# Every QEMU runs under `timeout`, which kills its whole process group, so
# none outlives the script. Prints one line per check; exits 1 if any failed.
# shellcheck disable=SC2016 # gdb expressions ($esp, $x0, ...) are literal
set -u
DIR=${1:-build/examples}
HANG_S=3        # a hang variant must still be running after this long
LIMIT_S=20      # any other run must be over by then
X86_EXIT="-device isa-debug-exit,iobase=0xf4,iosize=0x04 -no-reboot"
SEMI="-semihosting-config enable=on,target=native"
failures=0

# qemu_cmd ARCH IMAGE: the bare QEMU command line for ARCH (console on stdio).
qemu_cmd() {
	case $1 in
	i386|x86_64) echo "qemu-system-$1 -M pc -kernel $2 $X86_EXIT -display none" ;;
	i386-on-x86_64) echo "qemu-system-x86_64 -M pc -kernel $2 $X86_EXIT -display none" ;;
	aarch64) echo "qemu-system-aarch64 -M virt -cpu cortex-a57 -kernel $2 $SEMI -display none" ;;
	arm) echo "qemu-system-arm -M mps2-an385 -kernel $2 $SEMI -display none" ;;
	riscv64|riscv32) echo "qemu-system-$1 -M virt -bios none -kernel $2 -display none" ;;
	esac
}

# What QEMU exits with: x86's isa-debug-exit gives (status << 1) | 1; a
# triple fault with -no-reboot gives 0; elsewhere the status itself, and a
# crash ends in stubrun_panic (status 1).
expect_status() { # ARCH VARIANT
	case $1:$2 in
	i386*:pass|x86_64:pass) echo 1 ;;
	i386*:fail|x86_64:fail) echo 7 ;;
	i386*:crash|x86_64:crash) echo 0 ;;
	*:pass) echo 0 ;;
	*:fail) echo 3 ;;
	*:crash) echo 1 ;;
	*:hang) echo 124 ;;
	esac
}

expect_text() { # ARCH VARIANT
	case $2 in
	pass) echo "hello from ${1%-on-x86_64}" ;;
	fail) echo "check failed: answer = 41, expected 42" ;;
	hang) echo "spinning" ;;
	crash) case $1 in i386*|x86_64) echo "faulting" ;;
		arm) echo "fault: exception 3" ;;
		*) echo "trap: " ;; esac ;;
	esac
}

report() { # OK? WHAT DETAIL
	if [ "$1" = 0 ]; then
		echo "ok    $2"
	else
		echo "FAIL  $2: $3"
		failures=$((failures + 1))
	fi
}

bare() { # ARCH VARIANT
	img=$DIR/${1%-on-x86_64}-$2.elf
	want=$(expect_status "$1" "$2")
	limit=$LIMIT_S
	[ "$2" = hang ] && limit=$HANG_S
	# shellcheck disable=SC2046
	out=$(timeout -k 2 "$limit" $(qemu_cmd "$1" "$img") -serial stdio </dev/null 2>/dev/null)
	got=$?
	text=$(expect_text "$1" "$2")
	case $out in *"$text"*) t=0 ;; *) t=1 ;; esac
	[ "$got" = "$want" ] && [ "$t" = 0 ]
	report $? "bare $1-$2" "status $got (want $want), output: $out"
}

# gdb ARCH VARIANT ARGEXPR WANT: stop at stubrun_exit, print the argument.
gdb_check() {
	img=$DIR/$1-$2.elf
	out=$(timeout -k 2 "$LIMIT_S" gdb-multiarch -nx -batch \
		-ex "target remote | exec $(qemu_cmd "$1" "$img") -serial null -gdb stdio -S" \
		-ex "break stubrun_exit" -ex continue \
		-ex "printf \"STATUS=%d\\n\", $3" -ex bt -ex kill "$img" </dev/null 2>&1)
	case $out in *"STATUS=$4"*) ok=0 ;; *) ok=1 ;; esac
	if [ "$2" = fail ]; then
		case $out in *check_value*run_checks*main*) ;; *) ok=1 ;; esac
	fi
	report $ok "gdb  $1-$2 stubrun_exit($4) via $3" "$out"
}

for arch in i386 i386-on-x86_64 x86_64 aarch64 arm riscv64 riscv32; do
	for v in pass fail hang crash; do
		bare "$arch" "$v"
	done
done

for spec in 'i386:*(int *)($esp + 4)' 'x86_64:$rdi' 'aarch64:$x0' 'arm:$r0' \
	'riscv64:$a0' 'riscv32:$a0'; do
	gdb_check "${spec%%:*}" pass "${spec#*:}" 0
	gdb_check "${spec%%:*}" fail "${spec#*:}" 3
done

# Boot sectors: floppy and IDE boot; the word at 0x7e00 and DL at 0x7c00.
for img in boot:0x1234 boot-bad:0x4321; do
	name=${img%%:*}
	for drive in "if=floppy -boot a:0x0" "if=ide -boot c:0x80"; do
		q="qemu-system-i386 -drive file=$DIR/$name.img,format=raw,${drive%%:*} $X86_EXIT -display none"
		# shellcheck disable=SC2086
		out=$(timeout -k 2 "$LIMIT_S" $q -serial stdio </dev/null 2>/dev/null)
		got=$?
		case $out in *"boot ok"*) t=0 ;; *) t=1 ;; esac
		[ "$got" = 1 ] && [ "$t" = 0 ]
		report $? "bare $name.img ${drive%%:*}" "status $got, output: $out"
		out=$(timeout -k 2 "$LIMIT_S" gdb-multiarch -nx -batch \
			-ex "set architecture i8086" \
			-ex "target remote | exec $q -serial null -gdb stdio -S" \
			-ex "break *0x7c00" -ex continue -ex 'printf "DL=0x%x\n", $edx & 0xff' \
			-ex "break *0x7d00" -ex continue \
			-ex 'printf "MAGIC=0x%x SIG=0x%x\n", *(unsigned short *)0x7e00, *(unsigned short *)0x7dfe' \
			-ex kill </dev/null 2>&1)
		case $out in *"DL=${drive##*:}"*"MAGIC=${img#*:} SIG=0xaa55"*) ok=0 ;; *) ok=1 ;; esac
		report $ok "gdb  $name.img ${drive%%:*}: DL=${drive##*:} MAGIC=${img#*:}" "$out"
	done
done

# Semihosting guests under QEMU's own semihosting; their console is the
# semihosting one, routed to stdout through a chardev.
sh_cmd() { # ARCH IMAGE [ARGS]: QEMU with semihosting output on stdout
	a=$1 img=$2
	shift 2
	args=""
	for x in "$@"; do args="$args,arg=$x"; done
	q=$(qemu_cmd "$a" "$img" | sed "s/ $SEMI//")
	echo "$q -serial null -monitor none -chardev stdio,id=sh0" \
		"-semihosting-config enable=on,target=native,chardev=sh0$args"
}

sh_check() { # ARCH PROG WANT_STATUS WANT_TEXT [ARGS]
	a=$1 p=$2 want=$3 text=$4
	shift 4
	# shellcheck disable=SC2046
	out=$(timeout -k 2 "$LIMIT_S" $(sh_cmd "$a" "$DIR/$a-$p.elf" "$@") </dev/null 2>/dev/null)
	got=$?
	case $out in *"$text"*) t=0 ;; *) t=1 ;; esac
	[ "$got" = "$want" ] && [ "$t" = 0 ]
	report $? "semihosting $a-$p" "status $got (want $want), output: $out"
}

# sh-files works on a file in a directory of its own, removed afterwards.
shdir=$(mktemp -d)
trap 'rm -rf "$shdir"' EXIT INT TERM
for a in arm aarch64 riscv64 riscv32; do
	sh_check "$a" sh-hello 0 "hello from semihosting on $a" one two
	sh_check "$a" sh-hello 0 "argv[2]=two" one two
	sh_check "$a" sh-files 0 "sh-files: all ok" "file=$shdir/f-$a"
	[ ! -e "$shdir/f-$a" ]
	report $? "semihosting $a-sh-files removed its file" "$shdir/f-$a exists"
	for n in 0 1 3 255; do
		sh_check "$a" "sh-exit-$n" "$n" "exiting with $n"
	done
	sh_check "$a" sh-writec 0 "...................................................................................................
..."
done
sh_check arm sh-rdimon 3 "hello from newlib rdimon on arm"

# Multi-test kernels: the begin/end sequence as a debugger sees it, and the
# "hangs" test reached by writing multi_first_test.
for a in i386 x86_64 aarch64 arm riscv64 riscv32; do
	img=$DIR/$a-multi.elf
	case $a in i386|x86_64) stop=guest_entry ;; *) stop=main ;; esac
	out=$(timeout -k 2 "$LIMIT_S" gdb-multiarch -nx -batch \
		-ex "target remote | exec $(qemu_cmd "$a" "$img") -serial null -gdb stdio -S" \
		-ex 'dprintf stubrun_test_begin,"BEGIN %s\n",name' \
		-ex 'dprintf stubrun_test_end,"END %d\n",status' \
		-ex "break stubrun_panic" -ex continue \
		-ex 'printf "PANIC %s\n", why' -ex kill "$img" </dev/null 2>&1)
	seq=$(echo "$out" | grep -E '^(BEGIN|END|PANIC)' | tr '\n' ' ')
	case $a in
	i386|x86_64) want="BEGIN arith END 0 BEGIN strings END 0 BEGIN fails END 2 BEGIN crashes " ;;
	*) want="BEGIN arith END 0 BEGIN strings END 0 BEGIN fails END 2 BEGIN crashes PANIC $a: " ;;
	esac
	case $seq in "$want"*) ok=0 ;; *) ok=1 ;; esac
	report $ok "gdb  $a-multi: $seq" "$out"
	out=$(timeout -k 2 "$LIMIT_S" gdb-multiarch -nx -batch \
		-ex "target remote | exec $(qemu_cmd "$a" "$img") -serial null -gdb stdio -S" \
		-ex "break $stop" -ex continue -ex "set var multi_first_test = 4" \
		-ex 'dprintf stubrun_test_begin,"BEGIN %s\n",name' \
		-ex "break spin_forever" -ex continue -ex bt -ex kill "$img" </dev/null 2>&1)
	case $out in *"BEGIN hangs"*spin_forever*test_hangs*) ok=0 ;; *) ok=1 ;; esac
	report $ok "gdb  $a-multi with multi_first_test = 4 reaches spin_forever" "$out"
done

[ "$failures" = 0 ] || { echo "$failures check(s) failed"; exit 1; }
echo "all checks passed"
