# Linux programs for user mode (included by examples/Makefile): prog.c built
# with Debian's cross toolchains and their C libraries, once static and once
# dynamic (the toolchain's defaults: a PIE with the cross sysroot's
# interpreter), into $(OUT)/user-ARCH-{static,dynamic}.

USER_ARCHES := aarch64 arm riscv64
user_aarch64_CC := aarch64-linux-gnu-gcc
user_arm_CC := arm-linux-gnueabihf-gcc
user_riscv64_CC := riscv64-linux-gnu-gcc

USER_CFLAGS := -std=c11 -pthread -g -O1 -Wall -Wextra -Werror
USER_PROGS := $(foreach a,$(USER_ARCHES),$(OUT)/user-$(a)-static $(OUT)/user-$(a)-dynamic)

user: $(USER_PROGS)

define USER_RULES
$(OUT)/user-$(1)-static: user/prog.c user/rules.mk
	@mkdir -p $$(@D)
	$(Q)$(user_$(1)_CC) $(USER_CFLAGS) -static -o $$@ $$<
$(OUT)/user-$(1)-dynamic: user/prog.c user/rules.mk
	@mkdir -p $$(@D)
	$(Q)$(user_$(1)_CC) $(USER_CFLAGS) -o $$@ $$<
endef
$(foreach a,$(USER_ARCHES),$(eval $(call USER_RULES,$(a))))
