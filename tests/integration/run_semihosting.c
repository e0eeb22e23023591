/* Integration: what a stop costs in packets (--trace-rsp) for semihosting
 * calls, --break hits and a step that lands on another breakpoint, and
 * the arm target's QEMU arguments (no NIC warning). Real QEMU. */
#include "run_common.h"

#include <stdlib.h>

/* The packets stubrun sent, in order ("g", "m4147ff48,8", "vCont;c"...),
 * from the --trace-rsp lines "rsp -> $PACKET#cc". */
typedef struct sent {
	char **pkt;
	size_t n;
} sent;

static void sent_parse(sent *s, const char *trace)
{
	memset(s, 0, sizeof(*s));
	for (const char *p = strstr(trace, "rsp -> $"); p;
	     p = strstr(p, "rsp -> $")) {
		p += 8;
		const char *end = strpbrk(p, "#\n");
		size_t len = end ? (size_t)(end - p) : strlen(p);
		s->pkt = realloc(s->pkt, (s->n + 1) * sizeof(*s->pkt));
		cr_assert(s->pkt);
		s->pkt[s->n] = strndup(p, len);
		cr_assert(s->pkt[s->n]);
		s->n++;
	}
}

static void sent_free(sent *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->pkt[i]);
	free(s->pkt);
}

static int starts(const char *pkt, const char *prefix)
{
	return strncmp(pkt, prefix, strlen(prefix)) == 0;
}

/* A resume: vCont;c, or plain c on the QEMU stubrun started (no vCont?
 * probe there). */
static int is_continue(const char *pkt)
{
	return strcmp(pkt, "c") == 0 || starts(pkt, "vCont;c");
}

/* Per stop (the packets between two resumes) after the first resume:
 * how many of each kind, at most. Returns the number of stops seen. */
typedef struct per_stop {
	size_t g, p, regwrite, other;
} per_stop;

static size_t sent_stops(per_stop *max, const sent *s)
{
	per_stop cur = { 0 };
	size_t stops = 0, i = 0;

	memset(max, 0, sizeof(*max));
	while (i < s->n && !is_continue(s->pkt[i]))
		i++; /* the handshake and the breakpoints */
	for (i++; i < s->n; i++) {
		const char *k = s->pkt[i];
		if (is_continue(k)) {
			stops++;
			if (cur.g > max->g) max->g = cur.g;
			if (cur.p > max->p) max->p = cur.p;
			if (cur.regwrite > max->regwrite) max->regwrite = cur.regwrite;
			if (cur.other > max->other) max->other = cur.other;
			memset(&cur, 0, sizeof(cur));
		} else if (!strcmp(k, "g")) {
			cur.g++;
		} else if (k[0] == 'p') {
			cur.p++;
		} else if (k[0] == 'P' || k[0] == 'G') {
			cur.regwrite++;
		} else if (k[0] != 'm' && k[0] != 'M' && k[0] != 'X') {
			cur.other++; /* not memory */
		}
	}
	return stops;
}

/* A semihosting call reads its registers with one 'g' (no 'p'), writes
 * result and PC back with at most one packet, and needs nothing else
 * but the memory it touches and the resume. */
Test(run_semihosting, a_call_costs_one_g_and_one_register_write)
{
	static const char *const arches[] = { "aarch64", "arm", "riscv64" };

	for (size_t a = 0; a < sizeof(arches) / sizeof(arches[0]); a++) {
		char img[64];
		harness_result res;
		per_stop max;
		sent s;

		snprintf(img, sizeof(img), "%s-sh-hello.elf", arches[a]);
		/* the fault catch's one stop after the vector base is
		 * written is not a call: left out */
		stubrun(&res, "--trace-rsp", "--no-fault-catch", EXAMPLE(img), NULL);
		cr_expect_eq(res.status, 0, "%s: %s", img, res.err);
		sent_parse(&s, res.err);
		size_t stops = sent_stops(&max, &s);
		cr_expect_gt(stops, 5, "%s: only %zu calls", img, stops);
		cr_expect_eq(max.g, 1, "%s: %zu 'g' in one call", img, max.g);
		cr_expect_eq(max.p, 0, "%s: %zu 'p' in one call", img, max.p);
		cr_expect_eq(max.regwrite, 1, "%s: %zu P/G in one call", img,
			     max.regwrite);
		cr_expect_eq(max.other, 0, "%s: %zu other packets in one call",
			     img, max.other);
		sent_free(&s);
		harness_result_free(&res);
	}
}

/* SYS_WRITEC leaves the result register alone: only the PC is written. */
Test(run_semihosting, writec_writes_only_the_pc)
{
	harness_result res;
	size_t g = 0, pc_writes = 0, other_writes = 0, conts = 0;
	sent s;

	/* 300 calls (3 lines): enough to tell per-call costs from fixed ones. */
	stubrun(&res, "--trace-rsp", EXAMPLE("riscv32-sh-writec.elf"), "--", "3",
		NULL);
	cr_expect_eq(res.status, 0, "%s", res.err);
	sent_parse(&s, res.err);
	for (size_t i = 0; i < s.n; i++) {
		if (!strcmp(s.pkt[i], "g"))
			g++;
		else if (starts(s.pkt[i], "P20="))   /* RISC-V pc is regnum 32 */
			pc_writes++;
		else if (s.pkt[i][0] == 'P' || s.pkt[i][0] == 'G')
			other_writes++;
		else if (is_continue(s.pkt[i]))
			conts++;
	}
	cr_expect_geq(pc_writes, 300, "%zu PC writes", pc_writes);
	cr_expect_leq(g, conts + 1, "%zu 'g' for %zu stops", g, conts);
	cr_expect_leq(other_writes, 10, "%zu other register writes", other_writes);
	sent_free(&s);
	harness_result_free(&res);
}

/* A --break hit: one 'g' for the PC, then the step-over and the resume;
 * no register is read again after the step. On the QEMU stubrun starts,
 * TCG steps past the breakpoint under the PC: the step-over is the step
 * alone, no z0/Z0 around it. */
Test(run_semihosting, a_break_hit_costs_one_step_and_one_g)
{
	harness_result res;
	per_stop max;
	sent s;

	stubrun(&res, "--trace-rsp", "--no-fault-catch", "--break", "console_puts",
		EXAMPLE("aarch64-pass.elf"), NULL);
	cr_expect_eq(res.status, 0, "%s", res.err);
	sent_parse(&s, res.err);
	size_t stops = sent_stops(&max, &s);
	cr_expect_geq(stops, 2, "%zu hits", stops);
	cr_expect_eq(max.g, 1, "%zu 'g' per hit", max.g);
	cr_expect_eq(max.p, 0, "%zu 'p' per hit", max.p);
	cr_expect_eq(max.regwrite, 0, "%zu register writes per hit", max.regwrite);
	cr_expect_eq(max.other, 1, "%zu packets besides g, m and the resume "
		     "(s expected)", max.other);
	sent_free(&s);
	harness_result_free(&res);
}

/* Stepping over one breakpoint can land on the next: it must still count
 * as reached (continuing from it reports it at once). */
static void adjacent(const char *img, const char *first, const char *second,
		     const char *expect)
{
	harness_result res;
	char verdict[128];

	stubrun(&res, "--break", first, "--pass-at", second, "--expect", expect,
		EXAMPLE(img), NULL);
	snprintf(verdict, sizeof(verdict), "reached --pass-at %s", second);
	cr_expect_eq(res.status, 0, "%s: %s", img, res.err);
	expect_in(res.err, verdict, "stderr");
	harness_result_free(&res);
}

Test(run_semihosting, step_landing_on_a_breakpoint_aarch64)
{
	/* main: stp x29, x30, [sp, #-16]!; mov x29, sp; ... */
	adjacent("aarch64-pass.elf", "main+4", "main+8", "x29 == sp");
}

Test(run_semihosting, step_landing_on_a_breakpoint_arm)
{
	/* main: push {r7, lr}; add r7, sp, #0; ... (Thumb) */
	adjacent("arm-pass.elf", "main+2", "main+4", "r7 == sp");
}

/* mps2-an385's on-board NIC has a backend by default: QEMU says nothing,
 * so stderr holds stubrun's verdict line alone. */
Test(run_semihosting, arm_pass_run_has_only_the_verdict_on_stderr)
{
	harness_result res;

	stubrun(&res, EXAMPLE("arm-pass.elf"), NULL);
	cr_expect_eq(res.status, 0, "%s", res.err);
	cr_expect(starts(res.err, "stubrun: PASS: "), "stderr: %s", res.err);
	const char *nl = strchr(res.err, '\n');
	cr_expect(nl && nl[1] == '\0', "more than the verdict on stderr:\n%s",
		  res.err);
	harness_result_free(&res);
}

/* An explicit mode needs a target with semihosting; off is always fine. */
Test(run_semihosting, explicit_mode_on_x86_is_a_usage_error)
{
	harness_result res;

	stubrun(&res, "--semihosting", EXAMPLE("x86_64-pass.elf"), NULL);
	cr_expect_eq(res.status, 125, "%s", res.err);
	expect_in(res.err, "--semihosting=stubrun: x86_64 has no semihosting",
		  "stderr");
	harness_result_free(&res);
	stubrun(&res, "--semihosting=off", EXAMPLE("x86_64-pass.elf"), NULL);
	cr_expect_eq(res.status, 0, "%s", res.err);
	harness_result_free(&res);
}

/* The default leaves semihosting to QEMU when the user asked QEMU for it:
 * no trap breakpoint is planted, and QEMU's exit carries the status.
 * (--no-fault-catch: the fault catch's own breakpoints, at the reset
 * vector table this image keeps, are not what is counted.) */
Test(run_semihosting, user_qemu_semihosting_is_left_to_qemu)
{
	harness_result res;
	sent s;
	size_t z = 0;

	stubrun(&res, "--trace-rsp", "--qemu-arg=-semihosting",
		"--no-fault-catch", EXAMPLE("aarch64-sh-exit-3.elf"), NULL);
	cr_expect_eq(res.status, 3, "%s", res.err);
	expect_in(res.err, "exited with status 3 (reported by QEMU)", "stderr");
	sent_parse(&s, res.err);
	for (size_t i = 0; i < s.n; i++)
		z += starts(s.pkt[i], "Z0,");
	cr_expect_eq(z, 0, "%zu breakpoints planted", z);
	sent_free(&s);
	harness_result_free(&res);
}
