# Benchmark guests (included by examples/Makefile; bench/run.sh uses them):
#   ARCH-hits.elf     calls bench_hook() 10,000 times (breakpoint hit rate)
#   ARCH-tests1k.elf  1,000 empty in-image tests (cost of one test)
# Built like the bare-metal variants: the ELF link rule of ARCH_RULES takes
# $(O)/ARCH/NAME.o plus the common objects; only the compile rule is here.

BENCH_PROGS := hits tests1k
BENCH_IMAGES := $(foreach a,$(ARCHES),$(BENCH_PROGS:%=$(OUT)/$(a)-%.elf))

bench: $(BENCH_IMAGES)

define BENCH_RULES
$(O)/$(1)/%.o: bench/%.c $(HDRS)
	@mkdir -p $$(@D)
	$(Q)$($(1)_CC) $(GUEST_CFLAGS) $($(1)_FLAGS) -c $$< -o $$@
endef
$(foreach a,$(ARCHES),$(eval $(call BENCH_RULES,$(a))))
