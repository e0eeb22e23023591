# Cross toolchain for aarch64-linux-gnu (Debian's gcc-aarch64-linux-gnu), tests under stubrun.
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CROSS_TRIPLE aarch64-linux-gnu)
include(${CMAKE_CURRENT_LIST_DIR}/stubrun-linux-gnu.cmake)
