/* The --help text of `stubrun run`, made from the option table
 * (runopt.h) and from what targets/ knows (architectures, firmware). */
#include "runopt.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "target.h"

/* Why 23: the column the help text starts at, as the usage always had. */
#define HELP_COLUMN 23

typedef struct out_buf {
	char *buf;
	size_t cap, len;
} out_buf;

static void put(out_buf *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void put(out_buf *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(o->len < o->cap ? o->buf + o->len : NULL,
		      o->len < o->cap ? o->cap - o->len : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->len += (size_t)n;
}

static void put_option(out_buf *o, const runopt_def *d)
{
	char head[96];
	const char *line = d->help, *nl;
	int n;

	if (d->alias)
		n = snprintf(head, sizeof(head), "  %s, %s", d->alias, d->name);
	else
		n = snprintf(head, sizeof(head), "  %s%s%s", d->name,
			     d->metavar && d->arg == RUNOPT_VALUE ? " " : "",
			     d->metavar ? d->metavar : "");
	if (n < HELP_COLUMN - 1)
		put(o, "%-*s", HELP_COLUMN - 1, head);
	else  /* a long head: the text starts on the next line */
		put(o, "%s\n%*s", head, HELP_COLUMN - 1, "");
	for (;;) {
		nl = strchr(line, '\n');
		put(o, " %.*s\n", nl ? (int)(nl - line) : (int)strlen(line), line);
		if (!nl)
			break;
		line = nl + 1;
		put(o, "%*s", HELP_COLUMN - 1, "");
	}
}

/* What targets/ knows, under the options that depend on it: the
 * architectures under --arch, each one's firmware under --uefi. */
static void put_from_targets(out_buf *o, runopt_id id)
{
	char names[128];

	if (id == RUNOPT_ARCH) {
		target_names(names, sizeof(names), " | ");
		put(o, "%*s %s\n", HELP_COLUMN - 1, "", names);
	}
	for (size_t i = 0; id == RUNOPT_UEFI && target_table[i]; i++) {
		const target_firmware *fw = target_table[i]->uefi;
		if (fw)
			put(o, "%*s %s: %s/%s (package %s)\n", HELP_COLUMN - 1, "",
			    target_table[i]->name, fw->dir, fw->code, fw->package);
	}
}

size_t runopt_help(char *buf, size_t cap)
{
	out_buf o = { buf, cap, 0 };

	if (cap)
		buf[0] = '\0';
	for (size_t i = 0; i < runopt_count(); i++) {
		if (runopt_table[i].group)
			put(&o, "%s%s\n", i ? "\n" : "", runopt_table[i].group);
		put_option(&o, &runopt_table[i]);
		put_from_targets(&o, runopt_table[i].id);
	}
	return o.len;
}
