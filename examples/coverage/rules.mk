# Coverage guests (included by examples/Makefile): the semihosting guests'
# picolibc set-up (semihosting/rules.mk) plus GCC's freestanding gcov.
# ARCH-cov.elf dumps its coverage itself, ARCH-cov-auto.elf leaves it to
# stubrun at the exit; ARCH-cov-none.elf is built without --coverage.
# Objects keep fixed paths under $(O)/cov-ARCH*/ because the .gcda names
# the guest reports are those paths.

COV_ARCHES := arm aarch64 riscv64 riscv32
COV_FLAGS := --coverage -fprofile-info-section=gcov_info
COV_IMAGES := $(foreach a,$(COV_ARCHES),$(OUT)/$(a)-cov.elf $(OUT)/$(a)-cov-auto.elf \
	$(OUT)/$(a)-cov-none.elf)
COV_HDRS := coverage/covlib.h ../include/stubrun/guest.h coverage/rules.mk

coverage: $(COV_IMAGES)

# $(1) arch, $(2) image suffix, $(3) extra flags for cov.c.
define COV_RULES
$(O)/cov-$(1)$(2)/cov.o: coverage/cov.c $(COV_HDRS)
	@mkdir -p $$(@D)
	$(Q)$(sh_$(1)_CC) $(SH_CFLAGS) -I../include $(3) $(sh_$(1)_FLAGS) -c $$< -o $$@
$(O)/cov-$(1)$(2)/covlib.o: coverage/covlib.c $(COV_HDRS)
	@mkdir -p $$(@D)
	$(Q)$(sh_$(1)_CC) $(SH_CFLAGS) $(filter --coverage -fprofile-info-section%,$(3)) \
		$(sh_$(1)_FLAGS) -c $$< -o $$@
$(O)/cov-$(1)$(2)/cov_guest.o: coverage/cov_guest.c $(COV_HDRS)
	@mkdir -p $$(@D)
	$(Q)$(sh_$(1)_CC) $(SH_CFLAGS) -I../include $(sh_$(1)_FLAGS) \
		$(if $(filter --coverage,$(3)),-DSTUBRUN_GUEST_COVERAGE) \
		-c $$< -o $$@
$(OUT)/$(1)-cov$(2).elf: $(O)/cov-$(1)$(2)/cov.o $(O)/cov-$(1)$(2)/covlib.o $(O)/cov-$(1)$(2)/cov_guest.o
	$(Q)$(sh_$(1)_CC) $(SH_CFLAGS) $(filter --coverage,$(3)) $(sh_$(1)_FLAGS) \
		-Wl,--no-warn-rwx-segments -o $$@ $$^
endef
$(foreach a,$(COV_ARCHES),$(eval $(call COV_RULES,$(a),,$(COV_FLAGS) -DCOV_SELF_DUMP)))
$(foreach a,$(COV_ARCHES),$(eval $(call COV_RULES,$(a),-auto,$(COV_FLAGS))))
$(foreach a,$(COV_ARCHES),$(eval $(call COV_RULES,$(a),-none,)))
