/* The value parsers of `stubrun run`'s options (runopt_values.c), each
 * a runopt_parser named after its option. Private to src/options/. */
#ifndef RUNOPT_VALUES_H
#define RUNOPT_VALUES_H

#include "runopt.h"

int runopt_parse_timeout(runopt_value *out, const char *v, char *why,
		size_t whylen);
int runopt_parse_gdb(runopt_value *out, const char *v, char *why,
		size_t whylen);
int runopt_parse_semihosting(runopt_value *out, const char *v, char *why,
		size_t whylen);
int runopt_parse_postmortem(runopt_value *out, const char *v, char *why,
		size_t whylen);
int runopt_parse_regex(runopt_value *out, const char *v, char *why,
		size_t whylen);
int runopt_parse_arch(runopt_value *out, const char *v, char *why,
		size_t whylen);
int runopt_parse_preset(runopt_value *out, const char *v, char *why,
		size_t whylen);
int runopt_parse_results(runopt_value *out, const char *v, char *why,
		size_t whylen);
int runopt_parse_heap(runopt_value *out, const char *v, char *why,
		size_t whylen);
int runopt_parse_loc(runopt_value *out, const char *v, char *why,
		size_t whylen);
int runopt_parse_snapshot_at(runopt_value *out, const char *v, char *why,
		size_t whylen);
int runopt_parse_snapshot_test(runopt_value *out, const char *v, char *why,
		size_t whylen);
int runopt_parse_watch(runopt_value *out, const char *v, char *why,
		size_t whylen);
int runopt_parse_record(runopt_value *out, const char *v, char *why,
		size_t whylen);
int runopt_parse_strip(runopt_value *out, const char *v, char *why,
		size_t whylen);
int runopt_parse_expect(runopt_value *out, const char *v, char *why,
		size_t whylen);
int runopt_parse_address(runopt_value *out, const char *v, char *why,
		size_t whylen);
int runopt_parse_drive(runopt_value *out, const char *v, char *why,
		size_t whylen);

#endif
