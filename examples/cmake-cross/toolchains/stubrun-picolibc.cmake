# Shared part of the bare-metal toolchain files: the cross gcc CROSS_CC,
# picolibc for PICOLIBC_TRIPLE with its semihosting OS layer and crt0
# (stdio, argv and the exit status go through semihosting, so a test
# needs no console driver), the board's memory for picolibc's linker
# script, and stubrun, booting each test on the board, as the emulator
# ctest runs the tests under. The including file sets CROSS_CC,
# PICOLIBC_TRIPLE, CPU_FLAGS, FLASH, FLASH_SIZE, RAM, RAM_SIZE and
# STUBRUN_BOARD (stubrun's machine options).
#
# STUBRUN names the stubrun binary (default: stubrun on PATH). Why
# --timeout 20: a hung test then ends with stubrun's post-mortem of where
# it spun, long before ctest's own 1500 s default kills it without one.
# --system last: what ctest appends, the image and the test's arguments,
# is then the guest's (its semihosting command line).
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_C_COMPILER ${CROSS_CC})
set(CMAKE_EXECUTABLE_SUFFIX .elf)

string(JOIN " " CMAKE_C_FLAGS_INIT ${CPU_FLAGS}
	--specs=/usr/lib/picolibc/${PICOLIBC_TRIPLE}/picolibc.specs)
string(JOIN " " CMAKE_EXE_LINKER_FLAGS_INIT --oslib=semihost --crt0=semihost
	-Wl,--defsym=__flash=${FLASH} -Wl,--defsym=__flash_size=${FLASH_SIZE}
	-Wl,--defsym=__ram=${RAM} -Wl,--defsym=__ram_size=${RAM_SIZE}
	-Wl,--no-warn-rwx-segments)

set(STUBRUN stubrun CACHE FILEPATH "stubrun, the emulator of the tests")
set(CMAKE_CROSSCOMPILING_EMULATOR ${STUBRUN} run -q --timeout 20
	${STUBRUN_BOARD} --system)
