# Cross toolchain for riscv64-linux-gnu (Debian's gcc-riscv64-linux-gnu), tests under stubrun.
set(CMAKE_SYSTEM_PROCESSOR riscv64)
set(CROSS_TRIPLE riscv64-linux-gnu)
include(${CMAKE_CURRENT_LIST_DIR}/stubrun-linux-gnu.cmake)
