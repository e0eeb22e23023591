# RV64IMAC in M-mode on QEMU's virt board without firmware (Debian's
# gcc-riscv64-unknown-elf and picolibc-riscv64-unknown-elf): RAM at
# 0x80000000. Tests boot under stubrun.
set(CMAKE_SYSTEM_PROCESSOR riscv64)
set(CROSS_CC riscv64-unknown-elf-gcc)
set(PICOLIBC_TRIPLE riscv64-unknown-elf)
set(CPU_FLAGS -march=rv64imac -mabi=lp64 -mcmodel=medany)
set(FLASH 0x80000000)
set(FLASH_SIZE 0x400000)
set(RAM 0x80400000)
set(RAM_SIZE 0x1000000)
set(STUBRUN_BOARD --machine virt)
include(${CMAKE_CURRENT_LIST_DIR}/stubrun-picolibc.cmake)
