# Shared part of the toolchain files: Debian's cross gcc for CROSS_TRIPLE
# (set by the including file), its C library's sysroot, and stubrun as the
# emulator ctest runs the test programs under.
#
# STUBRUN names the stubrun binary (default: stubrun on PATH). Why
# --timeout 60: a hung test then ends with stubrun's post-mortem of where
# it spun, before ctest's own 1500 s default kills it without one.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_C_COMPILER ${CROSS_TRIPLE}-gcc)
set(CMAKE_FIND_ROOT_PATH /usr/${CROSS_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)

set(STUBRUN stubrun CACHE FILEPATH "stubrun, the emulator of the tests")
set(CMAKE_CROSSCOMPILING_EMULATOR ${STUBRUN} run -q --timeout 60 --user)
