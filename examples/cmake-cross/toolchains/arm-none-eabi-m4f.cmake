# Cortex-M4F, hard float (Debian's gcc-arm-none-eabi and
# picolibc-arm-none-eabi), with the memory of arm-none-eabi.cmake. No
# board option: stubrun reads the images' build attributes (Armv7E-M) and
# boots them on mps2-an386, whose Cortex-M4 has the FPU that picolibc's
# start-up code turns on (mps2-an385's Cortex-M3 would fault there).
set(CMAKE_SYSTEM_PROCESSOR arm)
set(CROSS_CC arm-none-eabi-gcc)
set(PICOLIBC_TRIPLE arm-none-eabi)
set(CPU_FLAGS -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16)
set(FLASH 0x00000000)
set(FLASH_SIZE 0x400000)
set(RAM 0x20000000)
set(RAM_SIZE 0x400000)
set(STUBRUN_BOARD)
include(${CMAKE_CURRENT_LIST_DIR}/stubrun-picolibc.cmake)
