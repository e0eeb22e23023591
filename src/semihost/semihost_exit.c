/* SYS_EXIT and SYS_EXIT_EXTENDED (Semihosting for AArch32 and AArch64 v2.0,
 * sections 6.1.2 and 6.1.3): the reason codes and what each means for the
 * run. */
#include "semihost_int.h"

#include <stdio.h>

/* Exit reasons (spec 6.4.2, "Hardware vector reason codes" and "Software
 * reason codes"). */
#define ADP_Stopped_ApplicationExit 0x20026u

static const struct {
	uint64_t code;
	const char *name;
} adp_reasons[] = {
	{ 0x20000, "ADP_Stopped_BranchThroughZero" },
	{ 0x20001, "ADP_Stopped_UndefinedInstr" },
	{ 0x20002, "ADP_Stopped_SoftwareInterrupt" },
	{ 0x20003, "ADP_Stopped_PrefetchAbort" },
	{ 0x20004, "ADP_Stopped_DataAbort" },
	{ 0x20005, "ADP_Stopped_AddressException" },
	{ 0x20006, "ADP_Stopped_IRQ" },
	{ 0x20007, "ADP_Stopped_FIQ" },
	{ 0x20020, "ADP_Stopped_BreakPoint" },
	{ 0x20021, "ADP_Stopped_WatchPoint" },
	{ 0x20022, "ADP_Stopped_StepComplete" },
	{ 0x20023, "ADP_Stopped_RunTimeErrorUnknown" },
	{ 0x20024, "ADP_Stopped_InternalError" },
	{ 0x20025, "ADP_Stopped_UserInterruption" },
	{ 0x20026, "ADP_Stopped_ApplicationExit" },
	{ 0x20027, "ADP_Stopped_StackOverflow" },
	{ 0x20028, "ADP_Stopped_DivisionByZero" },
	{ 0x20029, "ADP_Stopped_OSSpecific" },
};

static const char *reason_name(uint64_t reason)
{
	for (size_t i = 0; i < sizeof(adp_reasons) / sizeof(adp_reasons[0]); i++) {
		if (adp_reasons[i].code == reason)
			return adp_reasons[i].name;
	}
	return "unknown reason";
}

/* A64 / RV64 SYS_EXIT and every SYS_EXIT_EXTENDED pass a block {reason,
 * subcode}; 32-bit SYS_EXIT passes the reason itself (spec 6.1.2). */
int sh_op_exit(sh_call *c, semihost *sh)
{
	uint64_t a[2] = { c->args, 0 };
	semihost_result *res = c->res;
	int rc;

	if (sh->wide || c->nr == 0x20) {
		if ((rc = sh_read_args(sh, c->io, a, 2, c->args)))
			return rc;
	}
	res->reason = a[0];
	if (a[0] == ADP_Stopped_ApplicationExit) {
		res->action = SEMIHOST_EXIT;
		res->status = (int)(a[1] & 0xff); /* what a host exit() keeps */
		return 0;
	}
	res->action = SEMIHOST_FAIL;
	res->status = 1;
	snprintf(res->message, sizeof(res->message),
		 "semihosting exit: reason %s (0x%llx), subcode %lld",
		 reason_name(a[0]), (unsigned long long)a[0], (long long)a[1]);
	return 0;
}
