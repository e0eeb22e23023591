# Cortex-A57 at EL1 on QEMU's virt board (Debian's gcc-aarch64-linux-gnu
# and picolibc-aarch64-linux-gnu, which turn the Linux compiler into a
# bare-metal one): RAM at 0x40000000, the device tree in its first 512 KiB.
# Tests boot under stubrun.
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CROSS_CC aarch64-linux-gnu-gcc)
set(PICOLIBC_TRIPLE aarch64-linux-gnu)
set(CPU_FLAGS -mcpu=cortex-a57)
set(FLASH 0x40080000)
set(FLASH_SIZE 0x400000)
set(RAM 0x40480000)
set(RAM_SIZE 0x1000000)
set(STUBRUN_BOARD --machine virt --cpu cortex-a57)
include(${CMAKE_CURRENT_LIST_DIR}/stubrun-picolibc.cmake)
