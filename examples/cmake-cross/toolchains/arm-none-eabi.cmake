# Cortex-M3 on QEMU's mps2-an385 (Debian's gcc-arm-none-eabi and
# picolibc-arm-none-eabi): code in the board's 4 MiB SSRAM at 0, data in
# the one at 0x20000000. Tests boot under stubrun.
set(CMAKE_SYSTEM_PROCESSOR arm)
set(CROSS_CC arm-none-eabi-gcc)
set(PICOLIBC_TRIPLE arm-none-eabi)
set(CPU_FLAGS -mcpu=cortex-m3 -mthumb -mfloat-abi=soft)
set(FLASH 0x00000000)
set(FLASH_SIZE 0x400000)
set(RAM 0x20000000)
set(RAM_SIZE 0x400000)
set(STUBRUN_BOARD --machine mps2-an385)
include(${CMAKE_CURRENT_LIST_DIR}/stubrun-picolibc.cmake)
