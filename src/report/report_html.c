/*
 * HTML report: one self-contained page (inline style and script, no
 * network, no other file; a Content-Security-Policy says so to the
 * browser). The summary first, then every result that did not pass
 * cleanly (failed, then quarantined, then flaky) with its verdict, its
 * post-mortem and the tail of its console, then every result in a table
 * sortable by any column. Every text from a test goes through
 * report_put_html; none reaches the script or the style.
 */
#include "report.h"

#include <errno.h>
#include <string.h>

/* What a failure shows of its console and of run's stderr (the
 * post-mortem): the end, which is where a failure shows. The JUnit and
 * JSON reports keep the whole text. */
#define HTML_CONSOLE_LINES 60
#define HTML_CONSOLE_BYTES (16u << 10)
#define HTML_LOG_LINES 400
#define HTML_LOG_BYTES (64u << 10)

static const char page_style[] =
":root{color-scheme:light dark;--ok:#1a7f37;--bad:#cf222e;--warn:#9a6700;"
"--dim:#6e7781;--line:#d0d7de;--code:#f6f8fa}\n"
"@media (prefers-color-scheme:dark){:root{--ok:#3fb950;--bad:#f85149;"
"--warn:#d29922;--dim:#8b949e;--line:#30363d;--code:#161b22}}\n"
"body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:72rem;"
"padding:1rem 1.5rem}\n"
"h1{font-size:1.5rem;margin:.2rem 0}h2{font-size:1.2rem;margin:1.6rem 0 .6rem;"
"border-bottom:1px solid var(--line)}h3{font-size:1rem;margin:0 0 .3rem}\n"
".meta,.note{color:var(--dim)}\n"
"ul.counts{display:flex;flex-wrap:wrap;gap:.5rem 1.4rem;list-style:none;"
"padding:0;margin:.8rem 0}\n"
"ul.counts b{font-size:1.6rem;margin-right:.25rem}ul.counts .zero{opacity:.5}\n"
".pass b,.s-pass{color:var(--ok)}.fail b,.timeout b,.error b,.s-fail,"
".s-timeout,.s-error{color:var(--bad)}\n"
".flaky b,.quarantined b,.s-flaky,.s-quarantined{color:var(--warn)}"
".notrun b,.s-notrun{color:var(--dim)}\n"
"article{border:1px solid var(--line);border-left:4px solid var(--bad);"
"border-radius:4px;padding:.6rem .9rem;margin:.8rem 0}\n"
"article.quarantined,article.flaky{border-left-color:var(--warn)}\n"
".verdict{font-weight:600;margin:.2rem 0}\n"
"pre{background:var(--code);padding:.5rem .7rem;overflow:auto;"
"max-height:32rem;font:13px/1.35 ui-monospace,monospace;white-space:pre-wrap;"
"overflow-wrap:anywhere}\n"
"summary{cursor:pointer;color:var(--dim)}\n"
"table{border-collapse:collapse;width:100%}\n"
"th,td{text-align:left;padding:.25rem .6rem;border-bottom:1px solid "
"var(--line);vertical-align:top}\n"
"td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}\n"
"th{cursor:pointer;user-select:none;white-space:nowrap}\n"
"th[aria-sort=ascending]::after{content:\" \\25B4\"}"
"th[aria-sort=descending]::after{content:\" \\25BE\"}\n";

/* Sorts the results table by the clicked column (numbers by data-v,
 * longest first on the first click; text alphabetically), ties in report
 * order; "#sort=KEY" or "#sort=-KEY" (descending) in the address sorts
 * the page as it opens, and a click puts its order there. */
static const char page_script[] =
"(function(){\n"
"var t=document.getElementById('results');if(!t)return;\n"
"var hs=t.tHead.rows[0].cells,b=t.tBodies[0];\n"
"function sortBy(key,desc){var c=-1,i;\n"
" for(i=0;i<hs.length;i++){hs[i].removeAttribute('aria-sort');"
"if(hs[i].getAttribute('data-key')===key)c=i;}\n"
" if(c<0)return;var num=hs[c].hasAttribute('data-num');\n"
" var rows=Array.prototype.slice.call(b.rows);\n"
" rows.sort(function(x,y){var p=x.cells[c],q=y.cells[c],d=num?"
"Number(p.getAttribute('data-v'))-Number(q.getAttribute('data-v')):"
"p.textContent.localeCompare(q.textContent);\n"
"  return (desc?-d:d)||x.getAttribute('data-i')-y.getAttribute('data-i');});\n"
" rows.forEach(function(r){b.appendChild(r);});\n"
" hs[c].setAttribute('aria-sort',desc?'descending':'ascending');}\n"
"Array.prototype.forEach.call(hs,function(h){h.tabIndex=0;\n"
" function go(){var s=h.getAttribute('aria-sort'),"
"desc=s?s==='ascending':h.hasAttribute('data-num'),"
"key=h.getAttribute('data-key');sortBy(key,desc);\n"
"  try{history.replaceState(null,'','#sort='+(desc?'-':'')+key);}catch(e){}}\n"
" h.addEventListener('click',go);\n"
" h.addEventListener('keydown',function(e){if(e.key==='Enter'||e.key===' ')"
"{e.preventDefault();go();}});});\n"
"var m=/^#sort=(-?)([a-z]+)$/.exec(location.hash);"
"if(m)sortBy(m[2],m[1]==='-');\n"
"})();\n";

/* How a result shows: its class (style and badge) and its word. */
typedef struct html_kind {
	const char *cls, *word;
} html_kind;

static html_kind kind_of(const report_case *c)
{
	static const html_kind plain[] = {
		[REPORT_PASS] = { "pass", "pass" },
		[REPORT_FAIL] = { "fail", "fail" },
		[REPORT_TIMEOUT] = { "timeout", "timeout" },
		[REPORT_ERROR] = { "error", "error" },
		[REPORT_NOTRUN] = { "notrun", "not run" },
	};

	if (report_case_flaky(c))
		return (html_kind){ "flaky", "flaky" };
	if (report_case_excused(c))
		return (html_kind){ "quarantined", "quarantined" };
	if ((unsigned)c->outcome >= sizeof(plain) / sizeof(plain[0]))
		return plain[REPORT_ERROR];
	return plain[c->outcome];
}

/* The groups of the failures section, in page order. */
typedef enum html_group {
	HG_FAILED, HG_QUARANTINED, HG_FLAKY, HG_NONE,
} html_group;

static html_group group_of(const report_case *c)
{
	return report_case_failed(c) ? HG_FAILED
	     : report_case_excused(c) ? HG_QUARANTINED
	     : report_case_flaky(c) ? HG_FLAKY : HG_NONE;
}

static const char *const group_titles[HG_NONE] = {
	[HG_FAILED] = "Failed", [HG_QUARANTINED] = "Quarantined, not passed",
	[HG_FLAKY] = "Flaky: failed, then passed",
};

/* The end of s: at most max_lines lines and max_bytes bytes, cut at a
 * line start (or a character start, for one long line); *skipped gets the
 * number of lines left out. */
static const char *tail(const char *s, size_t max_lines, size_t max_bytes,
			size_t *skipped)
{
	size_t n = strlen(s), lines = 1, at = n, end;
	const char *nl;

	*skipped = 0;
	if (at && s[at - 1] == '\n')
		at--;  /* the last line's own newline starts nothing */
	while (at > 0 && n - (at - 1) <= max_bytes) {
		if (s[at - 1] == '\n' && lines++ == max_lines)
			break;
		at--;
	}
	if (at > 0 && s[at - 1] != '\n') {
		/* Cut inside a line: from the next one, if the tail has one. */
		end = n && s[n - 1] == '\n' ? n - 1 : n;
		if ((nl = memchr(s + at, '\n', end - at)))
			at = (size_t)(nl + 1 - s);
		while (at < n && ((unsigned char)s[at] & 0xc0) == 0x80)
			at++;
	}
	for (size_t i = 0; i < at; i++)
		*skipped += s[i] == '\n';
	if (at > 0 && s[at - 1] != '\n')
		(*skipped)++;  /* a line cut short counts as left out */
	return s + at;
}

static void put_text(FILE *f, const char *tag, const char *cls,
		     const char *text)
{
	fprintf(f, "<%s class=\"%s\">", tag, cls);
	report_put_html(f, text);
	fprintf(f, "</%s>\n", tag);
}

/* A <details> block with the end of `text` (nothing when it is empty). */
static void put_block(FILE *f, const char *what, const char *text,
		      size_t max_lines, size_t max_bytes)
{
	size_t skipped;
	const char *t;

	if (!text || !*text)
		return;
	t = tail(text, max_lines, max_bytes, &skipped);
	fprintf(f, "<details open><summary>%s", what);
	if (skipped)
		fprintf(f, " (the last lines; %zu before them are in the "
			"JUnit and JSON reports)", skipped);
	fputs("</summary><pre>", f);
	report_put_html(f, t);
	fputs("</pre></details>\n", f);
}

static void put_guest(FILE *f, long guest_ms)
{
	if (guest_ms < 0) {
		fputs("\xe2\x80\x93", f);  /* an en dash: unknown */
		return;
	}
	report_put_seconds(f, guest_ms);
}

/* "wall 1.234 s · guest 0.800 s" */
static void put_times(FILE *f, long wall_ms, long guest_ms)
{
	fputs("wall ", f);
	report_put_seconds(f, wall_ms);
	fputs(" s \xc2\xb7 guest ", f);
	put_guest(f, guest_ms);
	fputs(guest_ms < 0 ? "" : " s", f);
}

/* The attempts of c as "fail, fail, pass". */
static void put_attempt_words(FILE *f, const report_case *c)
{
	for (size_t i = 0; i < c->nattempts; i++)
		fprintf(f, "%s, ", report_outcome_name(c->attempts[i].outcome));
	fputs(report_outcome_name(c->outcome), f);
}

/* The suite, the shown attempt's status and times, the shard, and for a
 * result run more than once which attempt this is and how each went. */
static void put_meta(FILE *f, const report_suite *s, const report_case *c,
		     const report_attempt *shown, size_t shown_at)
{
	fputs("<p class=\"meta\">", f);
	report_put_html(f, s->name);
	if (shown->exit_status >= 0)
		fprintf(f, " \xc2\xb7 exit status %d", shown->exit_status);
	fputs(" \xc2\xb7 ", f);
	put_times(f, shown->duration_ms, shown->guest_ms);
	if (c->nshards)
		fprintf(f, " \xc2\xb7 shard %d/%d", c->shard, c->nshards);
	if (c->nattempts) {
		fprintf(f, " \xc2\xb7 attempt %zu of %zu: ", shown_at,
			c->nattempts + 1);
		put_attempt_words(f, c);
	}
	fputs("</p>\n", f);
}

/* One result that did not pass cleanly. A flaky one shows its last
 * failed attempt (the result itself passed); the others their own. */
static void put_problem(FILE *f, const report_suite *s, const report_case *c,
			size_t id)
{
	html_kind k = kind_of(c);
	int flaky = report_case_flaky(c);
	report_attempt shown;

	if (flaky)
		shown = c->attempts[c->nattempts - 1];
	else
		report_case_attempt(&shown, c);
	fprintf(f, "<article class=\"%s\" id=\"r%zu\">\n<h3><span class=\"s-%s\">"
		"%s</span> ", k.cls, id, k.cls, k.word);
	report_put_html(f, c->name);
	fputs("</h3>\n", f);
	put_text(f, "p", "verdict", shown.message ? shown.message
		 : report_outcome_name(shown.outcome));
	put_meta(f, s, c, &shown, c->nattempts + (flaky ? 0 : 1));
	if (c->quarantine) {
		fputs("<p class=\"note\">quarantined: ", f);
		report_put_html(f, c->quarantine);
		fputs("</p>\n", f);
	}
	put_block(f, "post-mortem and stubrun's messages", shown.log,
		  HTML_LOG_LINES, HTML_LOG_BYTES);
	put_block(f, "console", shown.output, HTML_CONSOLE_LINES,
		  HTML_CONSOLE_BYTES);
	fputs("</article>\n", f);
}

/* Each group in report order. A result's anchor ("r" and its index in
 * report order) is what its row in the table links to. */
static void put_failures(FILE *f, const report *r, const report_counts *n)
{
	size_t bad = n->failed + n->timed_out + n->errors + n->quarantined +
		     n->flaky;

	fputs("<section id=\"failures\">\n<h2>Failures</h2>\n", f);
	if (!bad)
		fputs("<p class=\"note\">Every result passed or was not run.</p>\n", f);
	for (int g = 0; g < HG_NONE; g++) {
		size_t id = 0, shown = 0;
		for (size_t i = 0; i < r->nsuites; i++)
			for (size_t k = 0; k < r->suites[i].ncases; k++, id++) {
				const report_case *c = &r->suites[i].cases[k];
				if (group_of(c) != (html_group)g)
					continue;
				if (!shown++)
					fprintf(f, "<h3 class=\"group\">%s</h3>\n",
						group_titles[g]);
				put_problem(f, &r->suites[i], c, id);
			}
	}
	fputs("</section>\n", f);
}

static void put_count(FILE *f, const char *cls, size_t n, const char *word)
{
	fprintf(f, "<li class=\"%s%s\"><b>%zu</b> %s</li>\n", cls,
		n ? "" : " zero", n, word);
}

/* The sums over results: wall time, and guest time where known. */
static void sum_times(long *wall, long *guest, int *known, const report *r)
{
	*wall = *guest = 0;
	*known = 0;
	for (size_t i = 0; i < r->nsuites; i++)
		for (size_t k = 0; k < r->suites[i].ncases; k++) {
			const report_case *c = &r->suites[i].cases[k];
			*wall += c->duration_ms > 0 ? c->duration_ms : 0;
			if (c->guest_ms >= 0) {
				*guest += c->guest_ms;
				*known = 1;
			}
		}
}

static void put_summary(FILE *f, const report *r, const report_counts *n)
{
	long wall, guest;
	int known;

	sum_times(&wall, &guest, &known, r);
	fputs("<section id=\"summary\">\n<ul class=\"counts\">\n", f);
	put_count(f, "pass", n->passed, "passed");
	put_count(f, "fail", n->failed, "failed");
	put_count(f, "timeout", n->timed_out, "timed out");
	put_count(f, "error", n->errors, "errors");
	put_count(f, "flaky", n->flaky, "flaky");
	put_count(f, "notrun", n->not_run, "skipped");
	put_count(f, "quarantined", n->quarantined, "quarantined");
	fprintf(f, "</ul>\n<p class=\"times\">%zu result%s in %zu suite "
		"file%s; the run took ", n->total, n->total == 1 ? "" : "s",
		r->nsuites, r->nsuites == 1 ? "" : "s");
	report_put_seconds(f, r->duration_ms);
	fputs(" s. Summed over results: ", f);
	put_times(f, wall, known ? guest : -1);
	fputs(" (the guest's own running time, which --timeout counts).</p>\n"
	      "</section>\n", f);
}

/* The hook of `--coverage DIR`: its summary line and a link to the
 * detailed pages, when the report has them. */
static void put_coverage(FILE *f, const report_coverage *cov)
{
	if (!cov->summary && !cov->link)
		return;
	fputs("<section id=\"coverage\">\n<h2>Coverage</h2>\n<p>", f);
	report_put_html(f, cov->summary ? cov->summary : "");
	if (cov->link) {
		fputs(cov->summary ? " \xc2\xb7 " : "", f);
		fputs("<a href=\"", f);
		report_put_html(f, cov->link);
		fputs("\">the coverage pages</a>", f);
	}
	fputs("</p>\n</section>\n", f);
}

static int any_sharded(const report *r)
{
	for (size_t i = 0; i < r->nsuites; i++)
		for (size_t k = 0; k < r->suites[i].ncases; k++)
			if (r->suites[i].cases[k].nshards)
				return 1;
	return 0;
}

static void put_row(FILE *f, const report_suite *s, const report_case *c,
		    size_t id, int shards)
{
	html_kind k = kind_of(c);

	fprintf(f, "<tr class=\"%s\" data-i=\"%zu\"><td>", k.cls, id);
	if (group_of(c) != HG_NONE)
		fprintf(f, "<a href=\"#r%zu\">", id);
	report_put_html(f, c->name);
	fputs(group_of(c) != HG_NONE ? "</a>" : "", f);
	fputs("</td><td>", f);
	report_put_html(f, s->name);
	fprintf(f, "</td><td class=\"s-%s\"", k.cls);
	if (c->message) {
		fputs(" title=\"", f);
		report_put_html(f, c->message);
		fputc('"', f);
	}
	fprintf(f, ">%s", k.word);
	if (report_case_excused(c))
		fprintf(f, " (%s)", report_outcome_name(c->outcome));
	fprintf(f, "</td><td class=\"n\" data-v=\"%ld\">", c->duration_ms);
	report_put_seconds(f, c->duration_ms);
	fprintf(f, "</td><td class=\"n\" data-v=\"%ld\">", c->guest_ms);
	put_guest(f, c->guest_ms);
	fprintf(f, "</td><td class=\"n\" data-v=\"%zu\">%zu", c->nattempts + 1,
		c->nattempts + 1);
	if (c->nattempts) {
		fputs(" (", f);
		put_attempt_words(f, c);
		fputc(')', f);
	}
	fputs("</td>", f);
	if (shards)
		fprintf(f, "<td class=\"n\" data-v=\"%d\">%d/%d</td>", c->shard,
			c->shard, c->nshards);
	fputs("</tr>\n", f);
}

static void put_table(FILE *f, const report *r, const report_counts *n)
{
	int shards = any_sharded(r);
	size_t id = 0;

	fprintf(f, "<section id=\"tests\">\n<h2>All results (%zu)</h2>\n"
		"<p class=\"note\">Click a column to sort by it.</p>\n"
		"<table id=\"results\"><thead><tr><th data-key=\"name\">Result</th>"
		"<th data-key=\"suite\">Suite</th><th data-key=\"status\">Status</th>"
		"<th class=\"n\" data-key=\"wall\" data-num>Wall (s)</th>"
		"<th class=\"n\" data-key=\"guest\" data-num>Guest (s)</th>"
		"<th class=\"n\" data-key=\"attempts\" data-num>Attempts</th>%s"
		"</tr></thead>\n<tbody>\n", n->total, shards ?
		"<th class=\"n\" data-key=\"shard\" data-num>Shard</th>" : "");
	for (size_t i = 0; i < r->nsuites; i++)
		for (size_t k = 0; k < r->suites[i].ncases; k++)
			put_row(f, &r->suites[i], &r->suites[i].cases[k], id++,
				shards);
	fputs("</tbody></table>\n</section>\n", f);
}

static void put_head(FILE *f, const report *r, const report_counts *n)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
	      "'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, "
	      "initial-scale=1\">\n", f);
	fprintf(f, "<title>stubrun test: %zu passed, %zu failed</title>\n",
		n->passed + n->flaky, n->failed + n->timed_out + n->errors);
	fprintf(f, "<style>\n%s</style>\n</head>\n<body>\n<header>\n"
		"<h1>stubrun test</h1>\n", page_style);
	if (r->timestamp) {
		fputs("<p class=\"meta\">started ", f);
		report_put_html(f, r->timestamp);
		fputs(" UTC</p>\n", f);
	}
	fputs("</header>\n", f);
}

int report_html_write(FILE *f, const report *r)
{
	report_counts n;

	report_count(&n, r, NULL);
	put_head(f, r, &n);
	put_summary(f, r, &n);
	put_coverage(f, &r->coverage);
	put_failures(f, r, &n);
	put_table(f, r, &n);
	fprintf(f, "<script>\n%s</script>\n</body>\n</html>\n", page_script);
	if (fflush(f) != 0 || ferror(f))
		return -EIO;
	return 0;
}
