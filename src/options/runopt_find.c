/* Lookups in the option table of runopt.c (by spelling, suite key, id;
 * what boots, what belongs to a --snapshot-test) and the value parsing
 * every caller shares: the common checks, seconds, booleans. */
#include "runopt.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

const runopt_def *runopt_find(const char *arg, size_t len)
{
	for (size_t i = 0; i < runopt_count(); i++) {
		const runopt_def *d = &runopt_table[i];
		if ((strlen(d->name) == len && !strncmp(d->name, arg, len)) ||
		    (d->alias && strlen(d->alias) == len &&
		     !strncmp(d->alias, arg, len)))
			return d;
	}
	return NULL;
}

const runopt_def *runopt_find_key(const char *key)
{
	for (size_t i = 0; i < runopt_count(); i++)
		if (runopt_table[i].suite_key &&
		    !strcmp(runopt_table[i].name + 2, key))
			return &runopt_table[i];
	return NULL;
}

const runopt_def *runopt_by_id(runopt_id id)
{
	for (size_t i = 0; i < runopt_count(); i++)
		if (runopt_table[i].id == id)
			return &runopt_table[i];
	return NULL;
}

int runopt_boots(runopt_id id)
{
	return id == RUNOPT_KERNEL || id == RUNOPT_CDROM || id == RUNOPT_DRIVE ||
	       id == RUNOPT_UEFI || id == RUNOPT_BIOS;
}

int runopt_of_snapshot_test(runopt_id id)
{
	return id == RUNOPT_SNAPSHOT_TEST || id == RUNOPT_CONSOLE_PASS ||
	       id == RUNOPT_CONSOLE_FAIL || id == RUNOPT_CONSOLE_EXPECT ||
	       id == RUNOPT_CONSOLE_SEND;
}

int runopt_parse(runopt_value *out, const runopt_def *d, const char *v,
		 char *why, size_t whylen)
{
	memset(out, 0, sizeof(*out));
	out->str = v;
	if (!v) {
		util_errf(why, whylen, "needs a value");
		return -1;
	}
	if (!*v) {
		util_errf(why, whylen, "empty value");
		return -1;
	}
	return d->parse ? d->parse(out, v, why, whylen) : 0;
}

int runopt_parse_seconds(double *out, const char *v)
{
	char *end;
	double x;

	errno = 0;
	x = strtod(v, &end);
	if (errno || end == v || *end || !isfinite(x) || x <= 0 || x > 86400)
		return -1;
	*out = x;
	return 0;
}

int runopt_parse_bool(int *out, const char *v)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };

	for (size_t i = 0; i < 4; i++) {
		if (strcmp(v, yes[i]) == 0)
			return *out = 1, 0;
		if (strcmp(v, no[i]) == 0)
			return *out = 0, 0;
	}
	return -1;
}
