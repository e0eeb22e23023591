/* The --events JSON-lines writer (plan, begin, end, post-mortem and verdict
 * events), each timed in wall and guest time. */
#include "events.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "text.h"
#include "util.h"

struct events {
	int fd;
};

int events_open(events **out, const char *path, char *errbuf, size_t errlen)
{
	events *ev = calloc(1, sizeof(*ev));
	struct stat st = { 0 };

	*out = NULL;
	if (!ev) {
		util_errf(errbuf, errlen, "%s: out of memory", path);
		return -1;
	}
	/* O_NONBLOCK: opening a FIFO must not wait for a reader (forever,
	 * with our signals blocked); anything but a regular file is refused:
	 * a reader that stops reading would block every event write. */
	ev->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC |
		      O_NONBLOCK, 0644);
	if (ev->fd < 0) {
		util_errf(errbuf, errlen, "%s: %s", path, errno == ENXIO ?
			  "not a regular file (a FIFO without a reader)" :
			  strerror(errno));
		free(ev);
		return -1;
	}
	if (fstat(ev->fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		util_errf(errbuf, errlen, "%s: %s", path, S_ISDIR(st.st_mode) ?
			  "is a directory" : "not a regular file");
		events_close(ev);
		return -1;
	}
	*out = ev;
	return 0;
}

void events_close(events *ev)
{
	if (!ev)
		return;
	close(ev->fd);
	free(ev);
}

/* Escapes into a malloc'd string; NULL when out of memory. */
static char *escape_alloc(const char *s, size_t len)
{
	size_t need = text_json_escape(NULL, 0, s, len, TEXT_INVALID_LATIN1) + 1;
	char *buf = malloc(need);

	if (buf)
		text_json_escape(buf, need, s, len, TEXT_INVALID_LATIN1);
	return buf;
}

int events_plan(events *ev, char *const *names, size_t count, int64_t time_ms)
{
	static const char head[] = "{\"event\":\"plan\",\"tests\":[";
	char tail[64];
	size_t need, at = sizeof(head) - 1;
	int tail_len, ret;
	char *line;

	if (!ev || count == 0)
		return 0;
	tail_len = snprintf(tail, sizeof(tail), "],\"time_ms\":%" PRId64 "}\n",
			    time_ms);
	/* Sized once: each name escaped, plus its quotes and a comma. */
	need = at + (size_t)tail_len + 1;
	for (size_t i = 0; i < count; i++)
		need += text_json_escape(NULL, 0, names[i], strlen(names[i]),
					 TEXT_INVALID_LATIN1) + 3;
	line = malloc(need);
	if (!line)
		return -1;
	memcpy(line, head, at);
	for (size_t i = 0; i < count; i++) {
		if (i)
			line[at++] = ',';
		line[at++] = '"';
		at += text_json_escape(line + at, need - at, names[i],
				       strlen(names[i]), TEXT_INVALID_LATIN1);
		line[at++] = '"';
	}
	memcpy(line + at, tail, (size_t)tail_len);
	at += (size_t)tail_len;
	ret = util_write_all(ev->fd, line, at);
	free(line);
	return ret;
}

/* Room for put_time: two 20-digit numbers and their keys. */
#define EVENTS_TIME_MAX 80

/* "time_ms":N and, once the guest has run, ,"guest_ms":G: the times of
 * every event but the plan and the post-mortem. */
static void put_time(char *buf, size_t cap, events_time at)
{
	if (at.guest_ms >= 0)
		snprintf(buf, cap, "\"time_ms\":%" PRId64 ",\"guest_ms\":%" PRId64,
			 at.wall_ms, at.guest_ms);
	else
		snprintf(buf, cap, "\"time_ms\":%" PRId64, at.wall_ms);
}

int events_begin(events *ev, const char *name, events_time at)
{
	char t[EVENTS_TIME_MAX];
	char *n = escape_alloc(name, strlen(name));
	char *line = NULL;
	int ret = -1, len;

	if (!n)
		return -1;
	if (!ev) {
		free(n);
		return 0;
	}
	put_time(t, sizeof(t), at);
	len = asprintf(&line, "{\"event\":\"begin\",\"name\":\"%s\",%s}\n",
		       n, t);
	if (len >= 0)
		ret = util_write_all(ev->fd, line, (size_t)len);
	free(line);
	free(n);
	return ret;
}

/* One "end" line; `key` (or NULL) adds "KEY":"value": "skip" for a
 * skipped test, "reason" for an end the run made. */
static int end_line(events *ev, const char *name, int status, const char *key,
		    const char *value, events_time at, const char *output,
		    size_t output_len)
{
	char t[EVENTS_TIME_MAX];
	char *n = escape_alloc(name, strlen(name));
	char *o = escape_alloc(output ? output : "", output ? output_len : 0);
	char *k = key ? escape_alloc(value, strlen(value)) : NULL;
	int ret = -1, len;
	char *line = NULL;

	if (n && o && (k || !key) && ev) {
		put_time(t, sizeof(t), at);
		len = asprintf(&line, "{\"event\":\"end\",\"name\":\"%s\","
			       "\"status\":%d,%s%s%s%s%s%s,\"output\":\"%s\"}\n",
			       n, status, k ? "\"" : "", k ? key : "",
			       k ? "\":\"" : "", k ? k : "", k ? "\"," : "", t, o);
		if (len >= 0)
			ret = util_write_all(ev->fd, line, (size_t)len);
	} else if (n && o && (k || !key)) {
		ret = 0;
	}
	free(line);
	free(n);
	free(o);
	free(k);
	return ret;
}

int events_end(events *ev, const char *name, int status, events_time at,
	       const char *output, size_t output_len)
{
	return end_line(ev, name, status, NULL, NULL, at, output, output_len);
}

int events_end_by_run(events *ev, const char *name, int status,
		      const char *reason, events_time at, const char *output,
		      size_t output_len)
{
	return end_line(ev, name, status, "reason", reason ? reason : "", at,
			output, output_len);
}

int events_skip(events *ev, const char *name, const char *reason,
		events_time at, const char *output, size_t output_len)
{
	return end_line(ev, name, 0, "skip", reason ? reason : "", at, output,
			output_len);
}

int events_postmortem(events *ev, const char *text, int64_t time_ms)
{
	char *t = escape_alloc(text, strlen(text));
	int ret = -1, len;
	char *line = NULL;

	if (!t)
		return -1;
	if (!ev) {
		free(t);
		return 0;
	}
	len = asprintf(&line, "{\"event\":\"postmortem\",\"text\":\"%s\","
		       "\"time_ms\":%" PRId64 "}\n", t, time_ms);
	if (len >= 0)
		ret = util_write_all(ev->fd, line, (size_t)len);
	free(line);
	free(t);
	return ret;
}

int events_verdict(events *ev, int status, const char *reason,
		   events_time at)
{
	char *r = escape_alloc(reason, strlen(reason));
	char t[EVENTS_TIME_MAX];
	int ret = -1, len;
	char *line = NULL;

	if (!r)
		return -1;
	if (!ev) {
		free(r);
		return 0;
	}
	put_time(t, sizeof(t), at);
	len = asprintf(&line, "{\"event\":\"verdict\",\"status\":%d,"
		       "\"reason\":\"%s\",%s}\n", status, r, t);
	if (len >= 0)
		ret = util_write_all(ev->fd, line, (size_t)len);
	free(line);
	free(r);
	return ret;
}
