/*
 * `stubrun test --coverage DIR`: each test run writes its gcov data into a
 * directory of its own in the suite's private directory (each attempt of
 * a retried test too: every attempt counts); at the end they
 * are summed into DIR with gcov-tool (GCC's own merge of .gcda files,
 * which knows every counter kind), each .gcno copied beside its .gcda,
 * and, when gcovr is installed, its HTML pages and Cobertura XML made
 * from DIR.
 */
#include "suite_coverage.h"

#include <errno.h>
#include <fcntl.h>
#include <fts.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "covout.h"
#include "gcno.h"
#include "spawn.h"
#include "util.h"

/* Why 4 KiB: the tail of a tool's complaint, for one line of ours. */
#define TOOL_OUTPUT_MAX 4096

int suite_cov_prepare(suite_inst *in, size_t index, const char *tmpdir,
		      int strip)
{
	if (asprintf(&in->cov_path, "%s/cov-%zu", tmpdir, index) < 0) {
		in->cov_path = NULL;
		return -ENOMEM;
	}
	in->cov_strip = strip;
	return 0;
}

/* The directory of an instance's attempt k: 0 its last (cov_path),
 * 1.. the earlier ones, moved aside. */
static int attempt_dir(char *out, size_t cap, const suite_inst *in, int k)
{
	int n = k ? snprintf(out, cap, "%s.attempt-%d", in->cov_path, k) :
		    snprintf(out, cap, "%s", in->cov_path);

	return n >= 0 && (size_t)n < cap ? 0 : -ENAMETOOLONG;
}

int suite_cov_keep_attempt(suite_inst *in)
{
	char to[COVOUT_PATH_MAX];
	int e;

	if (!in->cov_path)
		return 0;
	if ((e = attempt_dir(to, sizeof(to), in, in->attempt)) < 0)
		return e;
	if (rename(in->cov_path, to) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

/* Calls fn(path, rel, arg) for each regular file under dir whose name ends
 * in `suffix`; rel is its path below dir. Stops at fn's first nonzero. */
static int walk(const char *dir, const char *suffix,
		int (*fn)(const char *path, const char *rel, void *arg), void *arg)
{
	char *roots[] = { (char *)dir, NULL };
	size_t skip = strlen(dir) + 1;
	FTS *f = fts_open(roots, FTS_PHYSICAL | FTS_NOCHDIR, NULL);
	FTSENT *e;
	int rc = 0;

	if (!f)
		return -errno;
	while (!rc && (e = fts_read(f)))
		if (e->fts_info == FTS_F && util_ends_with(e->fts_name, suffix) &&
		    e->fts_pathlen > skip)
			rc = fn(e->fts_path, e->fts_path + skip, arg);
	fts_close(f);
	return rc;
}

static int found(const char *path, const char *rel, void *arg)
{
	(void)path, (void)rel, (void)arg;
	return 1;
}

/* Runs argv in `cwd` (NULL: ours), its output kept (the tail of it in
 * said[saidcap] when said is not NULL): 0 when it exited 0, else -1 with
 * its last line (or why it did not run) in err. */
static int run_tool(char *const *argv, const char *cwd, char *said,
		    size_t saidcap, char *err, size_t errlen)
{
	char out[TOOL_OUTPUT_MAX + 1];
	size_t len = 0;
	spawn_opts so;
	int p[2], child_errno = 0, st = 0;
	pid_t pid;
	ssize_t got;

	if (pipe2(p, O_CLOEXEC) < 0) {
		util_errf(err, errlen, "%s: pipe: %s", argv[0], strerror(errno));
		return -1;
	}
	spawn_opts_init(&so, argv);
	so.path_search = 1;
	so.out_fd = so.err_fd = p[1];
	so.cwd = cwd;
	if (spawn_start(&pid, &child_errno, &so) < 0) {
		util_errf(err, errlen, "%s: %s", argv[0], strerror(errno));
		close(p[0]);
		close(p[1]);
		return -1;
	}
	close(p[1]);
	/* Read to the end (a full pipe would stall the tool), keep the tail. */
	while ((got = read(p[0], out + len, TOOL_OUTPUT_MAX - len)) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			break;
		len += (size_t)got;
		if (len == TOOL_OUTPUT_MAX) {
			memmove(out, out + len / 2, len - len / 2);
			len -= len / 2;
		}
	}
	close(p[0]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (child_errno) {
		util_errf(err, errlen, "%s: %s", argv[0], strerror(child_errno));
		return -1;
	}
	out[len] = '\0';
	if (said && saidcap)
		snprintf(said, saidcap, "%s", out);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	while (len && (out[len - 1] == '\n' || out[len - 1] == ' '))
		len--;
	out[len] = '\0';
	util_errf(err, errlen, "%s failed: %s", argv[0],
		  strrchr(out, '\n') ? strrchr(out, '\n') + 1 : out);
	return -1;
}

/* What copying one tree into DIR needs. */
typedef struct copy_ctx {
	const char *dir;
	int replace;        /* .gcda: replaced; .gcno: only when missing */
	size_t copied;
	char first_gcno[COVOUT_PATH_MAX]; /* a .gcno in DIR, for gcovr's root */
	char *err;
	size_t errlen;
} copy_ctx;

static int copy_one(const char *path, const char *rel, void *arg)
{
	copy_ctx *c = arg;
	char to[COVOUT_PATH_MAX];
	int e;

	if ((size_t)snprintf(to, sizeof(to), "%s/%s", c->dir, rel) >= sizeof(to)) {
		util_errf(c->err, c->errlen, "%s/%s: path too long", c->dir, rel);
		return -1;
	}
	if (!c->replace && access(to, F_OK) == 0)
		goto note;
	if ((e = covout_mkdirs(c->dir, to)) < 0 ||
	    (e = covout_copy_file(path, to)) < 0) {
		util_errf(c->err, c->errlen, "%s: %s", to, strerror(-e));
		return -1;
	}
	c->copied++;
note:
	if (!c->first_gcno[0] && util_ends_with(to, ".gcno"))
		snprintf(c->first_gcno, sizeof(c->first_gcno), "%s", to);
	return 0;
}

/* Adds attempt k of an instance (0: its last, in cov_path) to *acc: the
 * first directory with data becomes *acc, each later one is summed with
 * it by gcov-tool into a fresh directory of tmpdir. */
static int fold_one(const char **acc, char *merged, size_t cap,
		    const suite_inst *in, int k, const char *tmpdir,
		    size_t *runs, char *err, size_t errlen)
{
	char d[COVOUT_PATH_MAX], out[COVOUT_PATH_MAX];

	if (!in->cov_path || attempt_dir(d, sizeof(d), in, k) < 0 ||
	    walk(d, ".gcda", found, NULL) != 1)
		return 0;
	snprintf(out, sizeof(out), "%s/cov-merged-%zu", tmpdir, (*runs)++);
	if (!*acc) {
		snprintf(merged, cap, "%s", d);
		*acc = merged;
		return 0;
	}
	char *argv[] = { "gcov-tool", "merge", "-o", out, (char *)*acc, d, NULL };
	if (run_tool(argv, NULL, NULL, 0, err, errlen) < 0)
		return -1;
	snprintf(merged, cap, "%s", out);
	return 0;
}

/* Sums the test directories that hold data (every attempt of each). */
static int fold(const char **acc, char *merged, size_t cap,
		const suite_inst *insts, size_t n, const char *tmpdir,
		size_t *runs, char *err, size_t errlen)
{
	*acc = NULL;
	*runs = 0;
	for (size_t i = 0; i < n; i++)
		for (int k = 0; k <= insts[i].attempt; k++)
			if (fold_one(acc, merged, cap, &insts[i], k, tmpdir, runs,
				     err, errlen) < 0)
				return -1;
	return 0;
}

/* gcovr's "lines: 81.8% (9 out of 11)" from its --print-summary output,
 * as "lines: 81.8% (9 of 11)", into res->summary. */
static void take_summary(suite_cov_result *res, const char *said)
{
	const char *p = strstr(said, "lines: ");
	double pct;
	unsigned long hit, all;

	if (p && sscanf(p, "lines: %lf%% (%lu out of %lu)", &pct, &hit, &all) == 3)
		snprintf(res->summary, sizeof(res->summary),
			 "lines: %.1f%% (%lu of %lu)", pct, hit, all);
}

/* gcovr's pages and XML, from DIR, rooted where the units were compiled
 * (their sources are named relative to it). Skipped without gcovr. */
static void gcovr_reports(const copy_ctx *cc, suite_cov_result *res, FILE *msg)
{
	char root[COVOUT_PATH_MAX], html[COVOUT_PATH_MAX], xml[COVOUT_PATH_MAX];
	char err[512], said[TOOL_OUTPUT_MAX + 1];
	char *data = NULL;
	size_t len;

	if (util_read_file(&data, &len, cc->first_gcno, 1u << 26) < 0 ||
	    gcno_cwd(root, sizeof(root), (unsigned char *)data, len) < 0) {
		free(data);
		fprintf(msg, "stubrun test: coverage: %s: no compile directory "
			"recorded: no gcovr report\n", cc->first_gcno);
		return;
	}
	free(data);
	snprintf(html, sizeof(html), "%s/html/index.html", cc->dir);
	snprintf(xml, sizeof(xml), "%s/coverage.xml", cc->dir);
	char *argv[] = { "gcovr", "-r", root, "--print-summary", "--html-details",
			 html, "--cobertura", xml, (char *)cc->dir, NULL };
	if (covout_mkdirs(cc->dir, html) < 0 ||
	    run_tool(argv, root, said, sizeof(said), err, sizeof(err)) < 0) {
		fprintf(msg, "stubrun test: coverage: %s\n", err);
		return;
	}
	take_summary(res, said);
	snprintf(res->html, sizeof(res->html), "%s", html);
	fprintf(msg, "stubrun test: coverage: %s%sreport %s (Cobertura: %s)\n",
		res->summary, res->summary[0] ? "; " : "", html, xml);
}

int suite_cov_merge(suite_cov_result *res, const char *dir,
		    const suite_inst *insts, size_t n, const char *tmpdir,
		    FILE *msg, char *err, size_t errlen)
{
	char merged[COVOUT_PATH_MAX];
	const char *acc;
	size_t runs;
	copy_ctx cc = { dir, 1, 0, "", err, errlen };
	int e;

	memset(res, 0, sizeof(*res));
	if ((e = covout_mkdir_p(dir)) < 0) {
		util_errf(err, errlen, "--coverage %s: %s", dir, strerror(-e));
		return -1;
	}
	if (fold(&acc, merged, sizeof(merged), insts, n, tmpdir, &runs, err,
		 errlen) < 0)
		return -1;
	if (!acc) {
		fprintf(msg, "stubrun test: coverage: no test wrote any\n");
		return 0;
	}
	if (walk(acc, ".gcda", copy_one, &cc) < 0)
		return -1;
	size_t files = cc.copied;
	cc.replace = 0;
	for (size_t i = 0; i < n; i++)
		for (int k = 0; insts[i].cov_path && k <= insts[i].attempt; k++) {
			char d[COVOUT_PATH_MAX];
			if (attempt_dir(d, sizeof(d), &insts[i], k) == 0 &&
			    access(d, F_OK) == 0 && walk(d, ".gcno", copy_one, &cc) < 0)
				return -1;
		}
	fprintf(msg, "stubrun test: coverage: %zu file%s from %zu run%s in %s\n",
		files, files == 1 ? "" : "s", runs, runs == 1 ? "" : "s", dir);
	if (cc.first_gcno[0] && util_in_path("gcovr"))
		gcovr_reports(&cc, res, msg);
	return 0;
}

/* The path of `to` relative to the directory `from_dir` (both absolute
 * and canonical), into out[cap]: a "../" for each of from_dir's
 * components after those they share, then the rest of `to`. -1 when it
 * does not fit. */
static int relative_path(char *out, size_t cap, const char *from_dir,
			 const char *to)
{
	const char *f = from_dir, *t = to;
	size_t used = 0, fl, tl;

	for (;;) {
		f += strspn(f, "/");
		t += strspn(t, "/");
		fl = strcspn(f, "/");
		tl = strcspn(t, "/");
		if (!fl || fl != tl || strncmp(f, t, fl))
			break;
		f += fl;
		t += tl;
	}
	for (; *(f += strspn(f, "/")); f += strcspn(f, "/")) {
		if (used + 4 > cap)
			return -1;
		memcpy(out + used, "../", 3);
		used += 3;
	}
	if (used + strlen(t) + 1 > cap)
		return -1;
	memcpy(out + used, t, strlen(t) + 1);
	return 0;
}

int suite_cov_link(char *out, size_t cap, const suite_cov_result *res,
		   const char *report_path)
{
	char dir[COVOUT_PATH_MAX], *canon_dir = NULL, *canon_to = NULL;
	const char *slash = strrchr(report_path, '/');
	int rc = -1;

	if (!res->html[0] || !strcmp(report_path, "-"))
		return -1;
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == report_path)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - report_path),
			 report_path);
	if ((canon_dir = realpath(dir, NULL)) &&
	    (canon_to = realpath(res->html, NULL)))
		rc = relative_path(out, cap, canon_dir, canon_to);
	free(canon_dir);
	free(canon_to);
	return rc;
}

int suite_cov_run(suite_cov *cov, report_coverage *out, const char *dir,
		  const suite_inst *insts, size_t n, const char *tmpdir,
		  const char *report_path, char *err, size_t errlen)
{
	FILE *msg = open_memstream(&cov->said, &cov->said_len);
	int rc;

	if (!msg) {
		util_errf(err, errlen, "out of memory");
		return -1;
	}
	rc = suite_cov_merge(&cov->res, dir, insts, n, tmpdir, msg, err, errlen);
	fclose(msg);
	if (rc < 0)
		return -1;
	out->summary = cov->res.summary[0] ? cov->res.summary : NULL;
	if (report_path && suite_cov_link(cov->link, sizeof(cov->link), &cov->res,
					  report_path) == 0)
		out->link = cov->link;
	return 0;
}
