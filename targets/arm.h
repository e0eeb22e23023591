/*
 * What targets/arm.c takes from the other Arm files of targets/: the
 * prologue decoders (arm_prologue.c) and the fault catch (arm_faults.c).
 */
#ifndef TARGETS_ARM_H
#define TARGETS_ARM_H

#include "target.h"

/* A32 and Thumb-2 prologues, decoded with capstone (target_prologue_fn). */
int target_arm_prologue(target_prologue_op *ops, size_t *n, size_t cap,
			const uint8_t *code, size_t len, int thumb);
uint64_t target_arm_writes(const uint8_t *code, size_t len, int thumb);

/* M-profile's and A-profile's fault entries and their decoding. */
extern const target_faults target_arm_faults;

/* AAPCS: r4-r11 keep their values across a call. */
#define ARM_CALLEE_SAVED 0x0ff0ull

#endif /* TARGETS_ARM_H */
