/*
 * What the Arm targets share across the files of targets/: the prologue
 * decoders (arm_prologue.c) and the fault catch (arm_faults.c) for arm.c,
 * the long-descriptor fault status codes (arm_fsc.c) for arm_faults.c and
 * aarch64.c.
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

/* The name of a long-descriptor fault status code (AArch64's DFSC/IFSC,
 * AArch32's LPAE DFSR/IFSR STATUS) into buf: "translation fault, level
 * 1", "alignment fault", or "fault status 0x.." for the rest. */
void target_arm_fsc(char *buf, size_t len, unsigned fsc);

/* AAPCS: r4-r11 keep their values across a call. */
#define ARM_CALLEE_SAVED 0x0ff0ull

#endif /* TARGETS_ARM_H */
