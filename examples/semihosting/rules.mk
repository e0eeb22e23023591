# Semihosting guests (included by examples/Makefile): picolibc with its
# semihosting OS layer (--oslib=semihost) and crt0-semihost (argv from
# SYS_GET_CMDLINE, exit status through SYS_EXIT), plus one newlib/rdimon
# guest for Arm. Memory comes from picolibc.ld's __flash/__ram symbols.

SH_ARCHES := arm aarch64 riscv64 riscv32
SH_EXITS := 0 1 3 255
SH_PROGS := sh-hello sh-files sh-writec sh-flaky sh-slow sh-fault \
	$(SH_EXITS:%=sh-exit-%)
SH_IMAGES := $(foreach a,$(SH_ARCHES),$(SH_PROGS:%=$(OUT)/$(a)-%.elf)) \
	$(OUT)/arm-sh-rdimon.elf $(OUT)/arm-sh-rdimon-a15.elf $(OUT)/arm-sh-gcda.elf \
	$(OUT)/arm-m4f-sh-hello.elf $(OUT)/arm-a15-sh-fault.elf \
	$(OUT)/arm-a15-thumb-sh-fault.elf $(OUT)/arm-a15-sh-abort.elf

SH_CFLAGS := -std=c11 -g -O2 -Wall -Wextra -Werror -fno-omit-frame-pointer
SH_PICOLIBC = --specs=/usr/lib/picolibc/$(1)/picolibc.specs --oslib=semihost \
	--crt0=semihost

# -mthumb -mcpu=cortex-m3: picolibc's thumb/v7-m multilib, whose crt0 brings
# the M-profile vector table. Flash and RAM are the board's two 4 MiB SSRAMs.
sh_arm_CC := arm-none-eabi-gcc
sh_arm_BOARD := $(call SH_PICOLIBC,arm-none-eabi) \
	-Wl,--defsym=__flash=0x00000000 -Wl,--defsym=__flash_size=0x400000 \
	-Wl,--defsym=__ram=0x20000000 -Wl,--defsym=__ram_size=0x400000
sh_arm_FLAGS := -mcpu=cortex-m3 -mthumb -mfloat-abi=soft $(sh_arm_BOARD)
# virt: RAM at 0x40000000, the device tree in its first 512 KiB.
sh_aarch64_CC := aarch64-linux-gnu-gcc
sh_aarch64_FLAGS := -mcpu=cortex-a57 $(call SH_PICOLIBC,aarch64-linux-gnu) \
	-Wl,--defsym=__flash=0x40080000 -Wl,--defsym=__flash_size=0x400000 \
	-Wl,--defsym=__ram=0x40480000 -Wl,--defsym=__ram_size=0x1000000
# virt: RAM at 0x80000000. Plain rv64imac / rv32imac match picolibc's
# multilib directories.
sh_riscv64_CC := riscv64-unknown-elf-gcc
sh_riscv64_FLAGS := -march=rv64imac -mabi=lp64 -mcmodel=medany \
	$(call SH_PICOLIBC,riscv64-unknown-elf) \
	-Wl,--defsym=__flash=0x80000000 -Wl,--defsym=__flash_size=0x400000 \
	-Wl,--defsym=__ram=0x80400000 -Wl,--defsym=__ram_size=0x1000000
sh_riscv32_CC := riscv64-unknown-elf-gcc
sh_riscv32_FLAGS := -march=rv32imac -mabi=ilp32 -mcmodel=medany \
	$(call SH_PICOLIBC,riscv64-unknown-elf) \
	-Wl,--defsym=__flash=0x80000000 -Wl,--defsym=__flash_size=0x400000 \
	-Wl,--defsym=__ram=0x80400000 -Wl,--defsym=__ram_size=0x1000000

semihosting: $(SH_IMAGES)

define SH_RULES
$(OUT)/$(1)-sh-%.elf: semihosting/sh-%.c
	@mkdir -p $$(@D)
	$(Q)$(sh_$(1)_CC) $(SH_CFLAGS) -DSH_ARCH='"$(1)"' $(sh_$(1)_FLAGS) \
		-Wl,--no-warn-rwx-segments -o $$@ $$<
$(OUT)/$(1)-sh-exit-%.elf: semihosting/sh-exit.c
	@mkdir -p $$(@D)
	$(Q)$(sh_$(1)_CC) $(SH_CFLAGS) -DEXIT_STATUS=$$* $(sh_$(1)_FLAGS) \
		-Wl,--no-warn-rwx-segments -o $$@ $$<
endef
$(foreach a,$(SH_ARCHES),$(eval $(call SH_RULES,$(a))))

# Cortex-M4F, hard float: picolibc's crt0 turns the FPU on, which
# mps2-an385's Cortex-M3 lacks; stubrun boots it on mps2-an386, the board
# its build attributes (Armv7E-M) ask for. The same memory map as arm's.
$(OUT)/arm-m4f-sh-hello.elf: semihosting/sh-hello.c
	@mkdir -p $(@D)
	$(Q)arm-none-eabi-gcc $(SH_CFLAGS) -DSH_ARCH='"arm-m4f"' -mcpu=cortex-m4 \
		-mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 \
		$(sh_arm_BOARD) -Wl,--no-warn-rwx-segments -o $@ $<

# newlib + rdimon: newlib's crt0 has no M-profile vector table, so
# rdimon-vectors.S supplies one and rdimon.ld places it at 0.
$(OUT)/arm-sh-rdimon.elf: semihosting/rdimon-hello.c semihosting/rdimon-vectors.S semihosting/rdimon.ld
	@mkdir -p $(@D)
	$(Q)arm-none-eabi-gcc -mcpu=cortex-m3 -mthumb -mfloat-abi=soft -g -O2 \
		-Wall -Wextra -Werror --specs=rdimon.specs \
		-T semihosting/rdimon.ld -Wl,--no-warn-rwx-segments -Wl,-z,noexecstack -o $@ \
		semihosting/rdimon-hello.c semihosting/rdimon-vectors.S

# newlib + rdimon with nothing but the toolchain's stock A-profile specs
# (run with --machine vexpress-a15 --cpu cortex-a15).
$(OUT)/arm-sh-rdimon-a15.elf: semihosting/rdimon-stock.c
	@mkdir -p $(@D)
	$(Q)arm-none-eabi-gcc --specs=aprofile-ve.specs --specs=rdimon.specs -g -O2 \
		-Wall -Wextra -Werror -o $@ $<

# sh-fault and sh-abort with the same stock A-profile specs, in ARM (and
# sh-fault in Thumb) state: newlib's crt0 sets no VBAR, so their faults
# go to the empty table at 0.
SH_A15 := arm-none-eabi-gcc --specs=aprofile-ve.specs --specs=rdimon.specs
$(OUT)/arm-a15-sh-%.elf: semihosting/sh-%.c
	@mkdir -p $(@D)
	$(Q)$(SH_A15) -marm -march=armv7-a $(SH_CFLAGS) -o $@ $<
$(OUT)/arm-a15-thumb-sh-%.elf: semihosting/sh-%.c
	@mkdir -p $(@D)
	$(Q)$(SH_A15) -mthumb -march=armv7-a -mfloat-abi=soft $(SH_CFLAGS) \
		-o $@ $<

# A guest writing a .gcda file as libgcov's own output does (--coverage,
# picolibc's stock set-up): the sandbox's mapping into --coverage DIR.
$(OUT)/arm-sh-gcda.elf: semihosting/sh-gcda.c
	@mkdir -p $(@D) $(O)/sh-gcda
	$(Q)cd $(O)/sh-gcda && $(sh_arm_CC) $(SH_CFLAGS) --coverage $(sh_arm_FLAGS) \
		-Wl,--no-warn-rwx-segments -o $@ $(abspath semihosting/sh-gcda.c)
