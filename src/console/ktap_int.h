/* Private to ktap.c and ktap_line.c: one classified KTAP/TAP line. */
#ifndef KTAP_INT_H
#define KTAP_INT_H

#include <stddef.h>
#include <stdint.h>

#include "ktap.h"

typedef enum ktap_line_kind {
	KTAP_L_OTHER = 0,  /* diagnostic or unknown: output of the next test */
	KTAP_L_VERSION,    /* KTAP version N, TAP version N */
	KTAP_L_PLAN,       /* 1..N */
	KTAP_L_RESULT,     /* ok / not ok */
	KTAP_L_SUBTEST,    /* # Subtest: name */
	KTAP_L_BAIL,       /* Bail out! */
} ktap_line_kind;

enum { KTAP_DIR_NONE = 0, KTAP_DIR_SKIP, KTAP_DIR_TODO };

typedef struct ktap_parsed {
	ktap_line_kind kind;
	size_t indent;       /* leading blanks */
	uint64_t number;     /* PLAN: N; RESULT: the test number (0 if none) */
	int has_number;
	int ok;              /* RESULT */
	int directive;       /* RESULT: KTAP_DIR_* */
	char name[KTAP_NAME_MAX + 1]; /* RESULT: description; SUBTEST: name */
} ktap_parsed;

void ktap_classify(ktap_parsed *p, const char *s, size_t len);

#endif /* KTAP_INT_H */
