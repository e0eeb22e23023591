# Cross toolchain for arm-linux-gnueabihf (Debian's gcc-arm-linux-gnueabihf), tests under stubrun.
set(CMAKE_SYSTEM_PROCESSOR arm)
set(CROSS_TRIPLE arm-linux-gnueabihf)
include(${CMAKE_CURRENT_LIST_DIR}/stubrun-linux-gnu.cmake)
