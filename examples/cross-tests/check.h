/* check: the unit tests' one assertion. A failed check prints what was
 * compared and aborts, so that under stubrun the test fails with SIGABRT
 * and a post-mortem (source line, backtrace) lands in the test's log. */
#ifndef CHECK_H
#define CHECK_H

#include <stdio.h>
#include <stdlib.h>

#define CHECK_EQ_HEX(got, want)                                              \
	do {                                                                 \
		unsigned long check_got_ = (got), check_want_ = (want);      \
		if (check_got_ != check_want_) {                             \
			fprintf(stderr, "%s:%d: %s = 0x%lx, expected 0x%lx\n",  \
				__FILE__, __LINE__, #got, check_got_,        \
				check_want_);                                \
			abort();                                             \
		}                                                            \
	} while (0)

#endif
