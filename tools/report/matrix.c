// SPDX-License-Identifier: GPL-2.0
/*
 * pmu-report matrix: per-patch results of a series run, attribution of
 * the new test cases to the patches that make them pass, and the
 * summary, Markdown, JUnit and JSON outputs.
 */
#include <errno.h>
#include <stdarg.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <jansson.h>
#include <libxml/xmlwriter.h>

#include "../common/compiler.h"
#include "report.h"

#define MAX_STAGES	16

/*
 * SS_NA is a stage with no line in stages.tsv: missing, never a result.
 * "timeout" and "error" (the stage could not run: a full disk, a tool
 * that failed) are results of the infrastructure, not of the patch.
 */
enum { SS_NA, SS_PASS, SS_FAIL, SS_SKIP, SS_TIMEOUT, SS_ERROR, SS_NR };

static const char * const ss_names[SS_NR] = {
	[SS_NA] = "missing",
	[SS_PASS] = "pass",
	[SS_FAIL] = "fail",
	[SS_SKIP] = "skip",
	[SS_TIMEOUT] = "timeout",
	[SS_ERROR] = "error",
};

static const char * const std_stages[] = {
	"apply", "build", "w1", "checkpatch", "sparse", "selftests-build",
};

static const char * const kinds[] = {
	"base", "fix", "prep", "declared", "test", "other",
};

enum { CLASS_OLD, CLASS_NEW, CLASS_GUARD };

static const char * const class_names[] = { "old", "new", "guard" };

struct stage {
	int status;
	char *secs;
	char *detail;
};

struct cellinfo {
	char *kind;
	char *dir;
	char *subject;
	struct stage st[MAX_STAGES];
	int have_stages;	/* stages.tsv was read */
	int booted;		/* cases.tsv was read */
	struct cell_result cr;
};

struct known {
	char *id;
	char *evidence;
	int passed;
};

struct mx {
	const struct matrix_args *a;
	struct cellinfo *cells;
	int ncells;
	const char *stages[MAX_STAGES];
	int nstages;
	struct testlist tl;
	struct known *known;
	int nknown;
	char **ids;
	int nids;
	int *cls;
	int *container;
	int *eff;		/* [id * ncells + cell] */
	int *first;		/* first passing cell, or -1 */
	int *keeps;
	struct sbuf errors;
	struct sbuf warnings;
	struct sbuf missing;
	int nerr;
	int nwarn;
	int nmissing;
};

/* The levels of problem(). */
enum { P_WARN, P_FAIL, P_ERROR };

static int bad_input(const char *file, int line, const char *why)
{
	if (line)
		fprintf(stderr, "pmu-report: %s:%d: %s\n", file, line, why);
	else
		fprintf(stderr, "pmu-report: %s: %s\n", file, why);
	return 2;
}

static void problem(struct mx *m, int level, const char *fmt, ...);

static int str_in(const char *s, const char * const *list, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		if (!strcmp(s, list[i]))
			return i;
	}
	return -1;
}

/* Split @line on tabs into at most @max fields; the last keeps the rest. */
static int split_tabs(char *line, char **f, int max)
{
	int n = 0;

	f[n++] = line;
	while (n < max) {
		char *t = strchr(f[n - 1], '\t');

		if (!t)
			break;
		*t = '\0';
		f[n++] = t + 1;
	}
	return n;
}

/* Iterate over the lines of @text in place; returns NULL at the end. */
static char *next_line(char **pos)
{
	char *line = *pos;
	size_t len;

	if (!*line)
		return NULL;
	len = strcspn(line, "\n");
	*pos = line + len + (line[len] == '\n');
	line[len] = '\0';
	if (len && line[len - 1] == '\r')
		line[len - 1] = '\0';
	return line;
}

static int stage_index(struct mx *m, const char *name)
{
	int i = str_in(name, m->stages, m->nstages);

	if (i >= 0 || m->nstages == MAX_STAGES)
		return i;
	m->stages[m->nstages] = xstrdup(name);
	return m->nstages++;
}

static int load_stages(struct mx *m, struct cellinfo *c)
{
	char *path, *text, *pos, *line, *f[4];
	int lineno = 0, n, si, st;

	path = xmalloc(strlen(c->dir) + 16);
	sprintf(path, "%s/stages.tsv", c->dir);
	text = read_text(path, NULL);
	if (!text) {
		free(path);
		return 0;
	}
	c->have_stages = 1;
	pos = text;
	while ((line = next_line(&pos))) {
		lineno++;
		if (!*line || line[0] == '#')
			continue;
		n = split_tabs(line, f, 4);
		st = n >= 2 ? str_in(f[1], ss_names, SS_NR) : -1;
		si = n >= 2 ? stage_index(m, f[0]) : -1;
		if (n < 2 || st <= SS_NA || si < 0 || !*f[0]) {
			bad_input(path, lineno,
				  "expected <stage>\\t<pass|fail|skip|timeout|error>\\t<seconds>\\t<detail>");
			free(text);
			free(path);
			return 2;
		}
		c->st[si].status = st;
		free(c->st[si].secs);
		free(c->st[si].detail);
		c->st[si].secs = xstrdup(n >= 3 ? f[2] : "");
		c->st[si].detail = xstrdup(n >= 4 ? f[3] : "");
		tsv_clean(c->st[si].detail);
	}
	free(text);
	free(path);
	return 0;
}

static int load_index(struct mx *m)
{
	const char *file = m->a->index;
	char *text, *pos, *line, *f[4], *dir, *tmp;
	char err[512];
	int lineno = 0, ret, n;
	struct cellinfo *c;

	text = read_text(file, NULL);
	if (!text)
		return bad_input(file, 0, strerror(errno));
	tmp = xstrdup(file);
	dir = xstrdup(dirname(tmp));
	free(tmp);
	pos = text;
	ret = 0;
	while ((line = next_line(&pos))) {
		char *end;
		long idx;

		lineno++;
		if (!*line || line[0] == '#')
			continue;
		n = split_tabs(line, f, 4);
		if (n < 3) {
			ret = bad_input(file, lineno,
					"expected <idx>\\t<kind>\\t<cell-dir>\\t<subject>");
			break;
		}
		idx = strtol(f[0], &end, 10);
		if (*end || end == f[0] || idx != m->ncells) {
			ret = bad_input(file, lineno,
					"cell index out of sequence");
			break;
		}
		if (str_in(f[1], kinds, ARRAY_SIZE(kinds)) < 0 ||
		    (idx == 0) != !strcmp(f[1], "base")) {
			ret = bad_input(file, lineno,
					"kind must be base (cell 0 only), fix, prep, declared, test or other");
			break;
		}
		m->cells = xrealloc(m->cells, (m->ncells + 1) * sizeof(*c));
		c = &m->cells[m->ncells++];
		memset(c, 0, sizeof(*c));
		c->kind = xstrdup(f[1]);
		if (f[2][0] == '/') {
			c->dir = xstrdup(f[2]);
		} else {
			c->dir = xmalloc(strlen(dir) + strlen(f[2]) + 2);
			sprintf(c->dir, "%s/%s", dir, f[2]);
		}
		c->subject = xstrdup(n == 4 ? f[3] : "");
		tsv_clean(c->subject);
	}
	free(text);
	free(dir);
	if (ret)
		return ret;
	if (!m->ncells)
		return bad_input(file, 0, "no cells");

	for (c = m->cells; c < m->cells + m->ncells; c++) {
		char *path;

		ret = load_stages(m, c);
		if (ret)
			return ret;
		path = xmalloc(strlen(c->dir) + 16);
		sprintf(path, "%s/cases.tsv", c->dir);
		if (access(path, F_OK) == 0) {
			if (cell_read_tsv(path, &c->cr, err, sizeof(err))) {
				free(path);
				fprintf(stderr, "pmu-report: %s\n", err);
				return 2;
			}
			c->booted = 1;
		}
		free(path);
	}
	return 0;
}

static int load_known(struct mx *m)
{
	const char *file = m->a->known;
	char *text, *pos, *line, *tok, *save;
	int lineno = 0;

	text = read_text(file, NULL);
	if (!text)
		return bad_input(file, 0, strerror(errno));
	pos = text;
	while ((line = next_line(&pos))) {
		char *profile, *id, *ev;

		lineno++;
		tok = line + strspn(line, " \t");
		if (!*tok || *tok == '#')
			continue;
		profile = strtok_r(tok, " \t", &save);
		id = strtok_r(NULL, " \t", &save);
		ev = id ? strtok_r(NULL, "", &save) : NULL;
		if (ev)
			ev += strspn(ev, " \t");
		if (!id || !ev || !*ev) {
			free(text);
			return bad_input(file, lineno,
					 "expected <profile> <case-id> <evidence>");
		}
		if (strcmp(profile, m->a->profile))
			continue;
		m->known = xrealloc(m->known,
				    (m->nknown + 1) * sizeof(*m->known));
		m->known[m->nknown].id = xstrdup(id);
		m->known[m->nknown].evidence = xstrdup(ev);
		m->known[m->nknown].passed = 0;
		m->nknown++;
	}
	free(text);
	return 0;
}

static struct known *find_known(struct mx *m, const char *id)
{
	int i;

	for (i = 0; i < m->nknown; i++) {
		if (!strcmp(m->known[i].id, id))
			return &m->known[i];
	}
	return NULL;
}

static int find_id(struct mx *m, const char *id)
{
	int i;

	for (i = 0; i < m->nids; i++) {
		if (!strcmp(m->ids[i], id))
			return i;
	}
	return -1;
}

static void add_id(struct mx *m, const char *id)
{
	if (find_id(m, id) >= 0)
		return;
	m->ids = xrealloc(m->ids, (m->nids + 1) * sizeof(char *));
	m->ids[m->nids++] = xstrdup(id);
}

static int class_of(struct mx *m, const char *id)
{
	size_t best = 0, n;
	int i, cls = CLASS_OLD;

	for (i = 0; i < m->tl.novr; i++) {
		if (!strcmp(m->tl.ovr[i].case_id, id))
			return str_in(m->tl.ovr[i].class, class_names, 3);
	}
	for (i = 0; i < m->tl.nruns; i++) {
		n = strlen(m->tl.runs[i].id);
		if (n > best && !strncmp(id, m->tl.runs[i].id, n) &&
		    (id[n] == '\0' || id[n] == '.')) {
			best = n;
			cls = str_in(m->tl.runs[i].class, class_names, 3);
		}
	}
	return cls;
}

static int is_container(struct mx *m, const char *id)
{
	size_t n = strlen(id);
	int i;

	if (tl_find(&m->tl, id) < 0)
		return 0;
	for (i = 0; i < m->nids; i++) {
		if (!strncmp(m->ids[i], id, n) && m->ids[i][n] == '.')
			return 1;
	}
	return 0;
}

#define EFF(m, i, c)	((m)->eff[(i) * (m)->ncells + (c)])

static int ok_status(int s)
{
	return s == CS_PASS || s == CS_SKIP || s == CS_KNOWN || s == CS_NONE;
}

static void build_universe(struct mx *m)
{
	int c, i, k;

	for (c = 0; c < m->ncells; c++) {
		for (k = 0; k < m->cells[c].cr.ncases; k++)
			add_id(m, m->cells[c].cr.cases[k].id);
	}
	for (i = 0; i < m->tl.nruns; i++) {
		size_t n = strlen(m->tl.runs[i].id);
		int seen = 0;

		for (k = 0; k < m->nids && !seen; k++)
			seen = !strncmp(m->ids[k], m->tl.runs[i].id, n) &&
			       (!m->ids[k][n] || m->ids[k][n] == '.');
		if (!seen)
			add_id(m, m->tl.runs[i].id);
	}
	for (i = 0; i < m->tl.novr; i++)
		add_id(m, m->tl.ovr[i].case_id);

	m->cls = xmalloc(m->nids * sizeof(int));
	m->container = xmalloc(m->nids * sizeof(int));
	m->first = xmalloc(m->nids * sizeof(int));
	m->keeps = xmalloc(m->nids * sizeof(int));
	m->eff = xmalloc(m->nids * m->ncells * sizeof(int));
	for (i = 0; i < m->nids; i++) {
		m->cls[i] = class_of(m, m->ids[i]);
		m->container[i] = is_container(m, m->ids[i]);
		for (c = 0; c < m->ncells; c++) {
			const struct case_result *r;
			struct known *kn;
			int s;

			if (!m->cells[c].booted) {
				EFF(m, i, c) = CS_NA;
				continue;
			}
			r = cell_find(&m->cells[c].cr, m->ids[i]);
			if (r)
				s = r->status;
			else
				s = m->container[i] ? CS_NONE : CS_ABSENT;
			kn = find_known(m, m->ids[i]);
			if (kn && s == CS_PASS)
				kn->passed++;
			else if (kn && s != CS_SKIP && s != CS_NONE)
				s = CS_KNOWN;
			EFF(m, i, c) = s;
		}
	}
}

static void problem(struct mx *m, int level, const char *fmt, ...)
{
	struct sbuf *sb;
	va_list ap;
	char buf[2048];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	switch (level) {
	case P_WARN:
		sb = &m->warnings;
		m->nwarn++;
		break;
	case P_FAIL:
		sb = &m->errors;
		m->nerr++;
		break;
	default:
		sb = &m->missing;
		m->nmissing++;
		break;
	}
	sb_addf(sb, "  - %s\n", buf);
}

/* A boot is expected unless the build did not pass: then no Image. */
static int boot_expected(struct mx *m, struct cellinfo *ci)
{
	int k = str_in("build", m->stages, m->nstages);

	return k < 0 || ci->st[k].status == SS_NA ||
	       ci->st[k].status == SS_PASS;
}

/* Is run @id of the test list, or a case of it, reported by cell @ci? */
static int run_reported(const struct cellinfo *ci, const char *id)
{
	size_t n = strlen(id);
	int k;

	for (k = 0; k < ci->cr.ncases; k++) {
		const char *c = ci->cr.cases[k].id;

		if (!strncmp(c, id, n) && (c[n] == '\0' || c[n] == '.'))
			return 1;
	}
	return 0;
}

/*
 * Every cell must have every stage and, unless its build failed, its
 * boot with every run of the test list: anything missing, a timeout or
 * an infrastructure error leaves the run without a result (ERROR).
 */
static void check_complete(struct mx *m)
{
	int c, k, i;

	for (c = 0; c < m->ncells; c++) {
		struct cellinfo *ci = &m->cells[c];

		if (access(ci->dir, F_OK)) {
			problem(m, P_ERROR, "cell %d (%s): cell directory %s missing",
				c, ci->subject, ci->dir);
			continue;
		}
		if (!ci->have_stages)
			problem(m, P_ERROR, "cell %d (%s): no stage results: %s/stages.tsv missing",
				c, ci->subject, ci->dir);
		for (k = 0; ci->have_stages && k < m->nstages; k++) {
			int s = ci->st[k].status;

			if (s == SS_NA)
				problem(m, P_ERROR, "cell %d (%s): stage %s missing from %s/stages.tsv",
					c, ci->subject, m->stages[k], ci->dir);
			else if (s == SS_TIMEOUT || s == SS_ERROR)
				problem(m, P_ERROR, "cell %d (%s): stage %s %s%s%s (%s/stages.tsv)",
					c, ci->subject, m->stages[k],
					ss_names[s],
					*ci->st[k].detail ? ": " : "",
					ci->st[k].detail, ci->dir);
		}
		if (!ci->booted) {
			if (boot_expected(m, ci))
				problem(m, P_ERROR, "cell %d (%s): no boot results: %s/cases.tsv missing",
					c, ci->subject, ci->dir);
			continue;
		}
		for (i = 0; i < m->tl.nruns; i++) {
			if (!run_reported(ci, m->tl.runs[i].id))
				problem(m, P_ERROR, "cell %d (%s): case %s missing from %s/cases.tsv",
					c, ci->subject, m->tl.runs[i].id,
					ci->dir);
		}
		if (!cell_find(&ci->cr, POST_CHECKS_ID))
			problem(m, P_ERROR, "cell %d (%s): case %s missing from %s/cases.tsv",
				c, ci->subject, POST_CHECKS_ID, ci->dir);
	}
}

static const char *subj(struct mx *m, int c)
{
	return m->cells[c].subject;
}

static void check_rules(struct mx *m)
{
	int tip = m->ncells - 1, c, i, s, k;

	for (c = 0; c < m->ncells; c++) {
		struct cellinfo *ci = &m->cells[c];

		for (k = 0; k < m->nstages; k++) {
			if (ci->st[k].status == SS_FAIL)
				problem(m, 1, "cell %d (%s): stage %s %s%s%s",
					c, ci->subject, m->stages[k],
					ss_names[ci->st[k].status],
					*ci->st[k].detail ? ": " : "",
					ci->st[k].detail);
		}
		if (ci->booted && ci->cr.boot != BOOT_OK)
			problem(m, 1, "cell %d (%s): boot %s: %s", c,
				ci->subject, boot_name(ci->cr.boot),
				ci->cr.boot_detail);
	}

	for (i = 0; i < m->nids; i++) {
		const char *id = m->ids[i];

		m->first[i] = -1;
		m->keeps[i] = 1;
		for (c = 0; c < m->ncells; c++) {
			s = EFF(m, i, c);
			if (s == CS_PASS && m->first[i] < 0)
				m->first[i] = c;
			else if (m->first[i] >= 0 && s != CS_PASS &&
				 s != CS_NA && s != CS_NONE && s != CS_KNOWN)
				m->keeps[i] = 0;
		}
		s = EFF(m, i, tip);
		if (!ok_status(s) && s != CS_NA)
			problem(m, 1, "%s %s case %s at the tip", id,
				class_names[m->cls[i]], cs_name(s));
		if (m->cls[i] == CLASS_OLD) {
			for (c = 0; c < tip; c++) {
				s = EFF(m, i, c);
				if (!ok_status(s) && s != CS_NA)
					problem(m, 1,
						"old case %s: %s at cell %d (%s)",
						id, cs_name(s), c, subj(m, c));
			}
			continue;
		}
		if (m->cls[i] == CLASS_NEW && EFF(m, i, 0) == CS_PASS)
			problem(m, 1,
				"new case %s passes on the base kernel: it cannot show a defect",
				id);
		if (m->first[i] >= 0 && !m->keeps[i])
			problem(m, 1, "%s case %s passes from cell %d but not at every later cell",
				class_names[m->cls[i]], id, m->first[i]);
		if (m->cls[i] == CLASS_NEW && m->first[i] > 0 &&
		    strcmp(m->cells[m->first[i]].kind, "fix"))
			problem(m, 0, "new case %s first passes at cell %d, a %s patch (%s)",
				id, m->first[i], m->cells[m->first[i]].kind,
				subj(m, m->first[i]));
	}

	for (c = 1; c < m->ncells; c++) {
		int found = 0;

		if (strcmp(m->cells[c].kind, "fix"))
			continue;
		for (i = 0; i < m->nids && !found; i++)
			found = m->cls[i] == CLASS_NEW && m->first[i] == c;
		if (!found)
			problem(m, 1, "fix cell %d (%s) is the first-pass point of no new case",
				c, subj(m, c));
	}

	for (k = 0; k < m->nknown; k++) {
		if (m->known[k].passed)
			problem(m, 0, "known failure now passes: %s (%d cells; evidence: %s)",
				m->known[k].id, m->known[k].passed,
				m->known[k].evidence);
		if (find_id(m, m->known[k].id) < 0)
			problem(m, 0, "known failure for an unknown case: %s",
				m->known[k].id);
	}
}

static void boot_summary(struct mx *m, int c, char *buf, size_t len)
{
	int i, total = 0, pass = 0;

	if (!m->cells[c].booted) {
		snprintf(buf, len, "n/a");
		return;
	}
	for (i = 0; i < m->nids; i++) {
		int s = EFF(m, i, c);

		if (s == CS_NONE)
			continue;
		total++;
		pass += s == CS_PASS;
	}
	if (m->cells[c].cr.boot == BOOT_OK)
		snprintf(buf, len, "pass %d/%d", pass, total);
	else
		snprintf(buf, len, "%s, pass %d/%d",
			 boot_name(m->cells[c].cr.boot), pass, total);
}

static void counts(struct mx *m, int c, int want_new, char *buf, size_t len)
{
	int i, n[CS_NR] = { 0 }, fail;

	for (i = 0; i < m->nids; i++) {
		if ((m->cls[i] != CLASS_OLD) != want_new)
			continue;
		n[EFF(m, i, c)]++;
	}
	fail = n[CS_FAIL] + n[CS_TIMEOUT] + n[CS_SPLAT] + n[CS_BOOT_HANG] +
	       n[CS_PANIC] + n[CS_ABSENT];
	snprintf(buf, len, "%d pass, %d fail, %d skip, %d known%s",
		 n[CS_PASS], fail, n[CS_SKIP], n[CS_KNOWN],
		 n[CS_NA] ? ", not run" : "");
}

static void pad(struct sbuf *sb, const char *s, int width)
{
	sb_addf(sb, "%-*s", width, s);
}

static void summary_text(struct mx *m, struct sbuf *sb)
{
	int c, k, i, w_subj = 7, w_id = 4, tip = m->ncells - 1;
	char buf[128], buf2[128];

	sb_addf(sb, "pmu-ci summary\n");
	sb_addf(sb, "revision: %s\nprofile:  %s\ncells:    %d (base + %d patches)\n\n",
		m->a->revision, m->a->profile, m->ncells, m->ncells - 1);

	for (c = 0; c < m->ncells; c++) {
		int l = strlen(subj(m, c));

		if (l > w_subj)
			w_subj = l > 60 ? 60 : l;
	}
	sb_addf(sb, "Per-patch matrix:\n");
	sb_addf(sb, "%-3s %-5s ", "#", "kind");
	pad(sb, "subject", w_subj);
	for (k = 0; k < m->nstages; k++)
		sb_addf(sb, " %-*s", (int)strlen(m->stages[k]) > 7 ?
			(int)strlen(m->stages[k]) : 7, m->stages[k]);
	sb_addf(sb, " boot\n");
	for (c = 0; c < m->ncells; c++) {
		sb_addf(sb, "%-3d %-5s %-*.*s", c, m->cells[c].kind, w_subj,
			w_subj, subj(m, c));
		for (k = 0; k < m->nstages; k++)
			sb_addf(sb, " %-*s", (int)strlen(m->stages[k]) > 7 ?
				(int)strlen(m->stages[k]) : 7,
				ss_names[m->cells[c].st[k].status]);
		boot_summary(m, c, buf, sizeof(buf));
		sb_addf(sb, " %s\n", buf);
	}

	for (i = 0; i < m->nids; i++) {
		int l = strlen(m->ids[i]);

		if (m->cls[i] != CLASS_OLD && l > w_id)
			w_id = l;
	}
	sb_addf(sb, "\nAttribution (new and guard cases):\n");
	sb_addf(sb, "%-*s %-5s %-10s %-5s %-9s %-9s %s\n", w_id, "case",
		"class", "first-pass", "keeps", "base", "tip", "first-pass patch");
	for (i = 0; i < m->nids; i++) {
		if (m->cls[i] == CLASS_OLD)
			continue;
		if (m->first[i] >= 0)
			snprintf(buf, sizeof(buf), "%d", m->first[i]);
		else
			snprintf(buf, sizeof(buf), "never");
		sb_addf(sb, "%-*s %-5s %-10s %-5s %-9s %-9s %s\n", w_id,
			m->ids[i], class_names[m->cls[i]], buf,
			m->first[i] < 0 ? "-" : m->keeps[i] ? "yes" : "no",
			cs_name(EFF(m, i, 0)), cs_name(EFF(m, i, tip)),
			m->first[i] >= 0 ? subj(m, m->first[i]) : "-");
	}

	sb_addf(sb, "\nBase/tip:\n%-5s %-40s %s\n", "", "old cases",
		"new cases (new + guard)");
	counts(m, 0, 0, buf, sizeof(buf));
	counts(m, 0, 1, buf2, sizeof(buf2));
	sb_addf(sb, "%-5s %-40s %s\n", "base", buf, buf2);
	counts(m, tip, 0, buf, sizeof(buf));
	counts(m, tip, 1, buf2, sizeof(buf2));
	sb_addf(sb, "%-5s %-40s %s\n", "tip", buf, buf2);

	sb_addf(sb, "\nWarnings: %d\n%s", m->nwarn, sb_str(&m->warnings));
	sb_addf(sb, "Errors: %d\n%s", m->nerr, sb_str(&m->errors));
	sb_addf(sb, "Missing results (not run, timed out or no result): %d\n%s",
		m->nmissing, sb_str(&m->missing));
	sb_addf(sb, "\nResult: %s\n", m->nmissing ? "ERROR" :
		m->nerr ? "FAIL" : "PASS");
}

static void md_cell(struct sbuf *sb, const char *s)
{
	sb_addf(sb, " ");
	for (; *s; s++) {
		if (*s == '|')
			sb_addf(sb, "\\|");
		else
			sb_addn(sb, s, 1);
	}
	sb_addf(sb, " |");
}

static void matrix_md(struct mx *m, struct sbuf *sb)
{
	char buf[128];
	int c, k;

	sb_addf(sb, "| # | kind | patch |");
	for (k = 0; k < m->nstages; k++)
		md_cell(sb, m->stages[k]);
	sb_addf(sb, " boot |\n|---|---|---|");
	for (k = 0; k < m->nstages; k++)
		sb_addf(sb, "---|");
	sb_addf(sb, "---|\n");
	for (c = 0; c < m->ncells; c++) {
		sb_addf(sb, "| %d | %s |", c, m->cells[c].kind);
		md_cell(sb, subj(m, c));
		for (k = 0; k < m->nstages; k++) {
			int s = m->cells[c].st[k].status;

			snprintf(buf, sizeof(buf), s == SS_PASS ||
				 s == SS_SKIP ? "%s" : "**%s**",
				 ss_names[s]);
			md_cell(sb, buf);
		}
		boot_summary(m, c, buf, sizeof(buf));
		md_cell(sb, buf);
		sb_addf(sb, "\n");
	}
}

/* An attribute; a character XML does not allow becomes '?'. */
static int xml_attr(xmlTextWriterPtr w, const char *name, const char *value)
{
	char *v = text_clean(value, 1);
	int rc = xmlTextWriterWriteAttribute(w, BAD_CAST name, BAD_CAST v);

	free(v);
	return rc < 0;
}

static int junit_case(xmlTextWriterPtr w, const char *cls, const char *name,
		      const char *secs, const char *tag, const char *msg)
{
	int rc;

	rc = xmlTextWriterStartElement(w, BAD_CAST "testcase") < 0;
	rc |= xml_attr(w, "classname", cls);
	rc |= xml_attr(w, "name", name);
	if (secs && *secs)
		rc |= xml_attr(w, "time", secs);
	if (tag) {
		rc |= xmlTextWriterStartElement(w, BAD_CAST tag) < 0;
		rc |= xml_attr(w, "message", msg);
		rc |= xmlTextWriterEndElement(w) < 0;
	}
	rc |= xmlTextWriterEndElement(w) < 0;
	return rc;
}

/* JUnit element for a case status: NULL (passed), skipped, failure, error. */
static const char *junit_tag(int s)
{
	switch (s) {
	case CS_PASS:
		return NULL;
	case CS_SKIP:
	case CS_KNOWN:
	case CS_NA:
		return "skipped";
	case CS_FAIL:
	case CS_SPLAT:
	case CS_ABSENT:
		return "failure";
	default:
		return "error";
	}
}

static int junit_suite(struct mx *m, xmlTextWriterPtr w, int c)
{
	static const char * const stag[SS_NR] = {
		[SS_NA] = "error", [SS_PASS] = NULL, [SS_FAIL] = "failure",
		[SS_SKIP] = "skipped", [SS_TIMEOUT] = "error",
		[SS_ERROR] = "error",
	};
	struct cellinfo *ci = &m->cells[c];
	int tests = 0, fail = 0, err = 0, skip = 0;
	struct sbuf msg = { 0 };
	const char *t;
	int k, i, rc;

	for (k = 0; k < m->nstages; k++) {
		t = stag[ci->st[k].status];
		tests++;
		fail += t && !strcmp(t, "failure");
		err += t && !strcmp(t, "error");
		skip += t && !strcmp(t, "skipped");
	}
	for (i = 0; ci->booted && i < m->nids; i++) {
		if (EFF(m, i, c) == CS_NONE)
			continue;
		t = junit_tag(EFF(m, i, c));
		tests++;
		fail += t && !strcmp(t, "failure");
		err += t && !strcmp(t, "error");
		skip += t && !strcmp(t, "skipped");
	}
	sb_addf(&msg, "%d %s", c, ci->subject);
	rc = xmlTextWriterStartElement(w, BAD_CAST "testsuite") < 0;
	rc |= xml_attr(w, "name", msg.s);
	rc |= xmlTextWriterWriteFormatAttribute(w, BAD_CAST "tests", "%d",
						tests) < 0;
	rc |= xmlTextWriterWriteFormatAttribute(w, BAD_CAST "failures", "%d",
						fail) < 0;
	rc |= xmlTextWriterWriteFormatAttribute(w, BAD_CAST "errors", "%d",
						err) < 0;
	rc |= xmlTextWriterWriteFormatAttribute(w, BAD_CAST "skipped", "%d",
						skip) < 0;
	for (k = 0; k < m->nstages; k++) {
		struct stage *st = &ci->st[k];

		msg.len = 0;
		sb_addf(&msg, "%s%s%s", ss_names[st->status],
			st->detail && *st->detail ? ": " : "",
			st->detail ? st->detail : "");
		rc |= junit_case(w, "stage", m->stages[k], st->secs,
				 stag[st->status], msg.s);
	}
	for (i = 0; ci->booted && i < m->nids; i++) {
		const struct case_result *r;
		struct known *kn;
		int s = EFF(m, i, c);

		if (s == CS_NONE)
			continue;
		r = cell_find(&ci->cr, m->ids[i]);
		kn = find_known(m, m->ids[i]);
		msg.len = 0;
		sb_addf(&msg, "%s", cs_name(s));
		if (s == CS_KNOWN && kn)
			sb_addf(&msg, " (%s): %s", r ?
				cs_name(r->status) : "absent",
				kn->evidence);
		if (r && *r->detail)
			sb_addf(&msg, ": %s", r->detail);
		rc |= junit_case(w, class_names[m->cls[i]], m->ids[i],
				 NULL, junit_tag(s), msg.s);
	}
	rc |= xmlTextWriterEndElement(w) < 0;
	sb_free(&msg);
	return rc;
}

/* junit.xml into @sb; -1 if libxml2 failed. */
static int junit_xml(struct mx *m, struct sbuf *sb)
{
	xmlBufferPtr buf = xmlBufferCreate();
	xmlTextWriterPtr w = buf ? xmlNewTextWriterMemory(buf, 0) : NULL;
	struct sbuf name = { 0 };
	int c, rc;

	if (!w) {
		xmlBufferFree(buf);
		return -1;
	}
	rc = xmlTextWriterSetIndent(w, 1) < 0;
	rc |= xmlTextWriterSetIndentString(w, BAD_CAST "  ") < 0;
	rc |= xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL) < 0;
	rc |= xmlTextWriterStartElement(w, BAD_CAST "testsuites") < 0;
	sb_addf(&name, "pmu-ci %s %s", m->a->profile, m->a->revision);
	rc |= xml_attr(w, "name", name.s);
	sb_free(&name);
	for (c = 0; c < m->ncells; c++)
		rc |= junit_suite(m, w, c);
	rc |= xmlTextWriterEndDocument(w) < 0;
	rc |= xmlTextWriterFlush(w) < 0;
	if (!rc)
		sb_addn(sb, (const char *)xmlBufferContent(buf),
			xmlBufferLength(buf));
	xmlFreeTextWriter(w);
	xmlBufferFree(buf);
	return rc ? -1 : 0;
}

static const char *json_status(int s)
{
	switch (s) {
	case CS_PASS:
		return "PASS";
	case CS_SKIP:
	case CS_KNOWN:
	case CS_NA:
		return "SKIP";
	case CS_FAIL:
	case CS_SPLAT:
	case CS_ABSENT:
		return "FAIL";
	default:
		return "ERROR";
	}
}

/* A JSON string; a byte that is not valid UTF-8 becomes '?'. */
static json_t *jstr(const char *s)
{
	json_t *v = json_string(s);
	char *c;

	if (v)
		return v;
	c = text_clean(s, 0);
	v = json_string(c);
	free(c);
	return v;
}

/* Sets @key of @o to @v (NULL: out of memory); nonzero on failure. */
static int jset(json_t *o, const char *key, json_t *v)
{
	return !o || json_object_set_new(o, key, v) < 0;
}

static int json_common(struct mx *m, json_t *o)
{
	int rc;

	rc = jset(o, "arch", jstr("riscv"));
	rc |= jset(o, "defconfig", jstr("tinyconfig+ci/kernel.config"));
	rc |= jset(o, "build_environment", jstr(m->a->profile));
	rc |= jset(o, "lab_name", json_null());
	rc |= jset(o, "kernel", json_null());
	rc |= jset(o, "job", json_null());
	rc |= jset(o, "git_branch", jstr("kselftest"));
	return rc;
}

static int json_case(json_t *cases, const char *name, const char *status)
{
	json_t *o = json_object();
	int rc;

	rc = jset(o, "name", jstr(name));
	rc |= jset(o, "status", jstr(status));
	return json_array_append_new(cases, o) < 0 || rc;
}

/*
 * The "misc" counts of group @g, as kunit.py writes them: its cases by
 * status, and those of its sub-groups; a crashed case is an ERROR.
 */
static int json_misc(json_t *g)
{
	json_t *misc, *v, *sub;
	json_int_t n[4] = { 0 };	/* passed, failed, skipped, crashed */
	const char *st;
	size_t i;

	json_array_foreach(json_object_get(g, "test_cases"), i, v) {
		st = json_string_value(json_object_get(v, "status"));
		if (!st)
			continue;
		if (!strcmp(st, "PASS"))
			n[0]++;
		else if (!strcmp(st, "FAIL"))
			n[1]++;
		else if (!strcmp(st, "SKIP"))
			n[2]++;
		else
			n[3]++;
	}
	json_array_foreach(json_object_get(g, "sub_groups"), i, sub) {
		misc = json_object_get(sub, "misc");
		n[0] += json_integer_value(json_object_get(misc, "passed"));
		n[1] += json_integer_value(json_object_get(misc, "failed"));
		n[2] += json_integer_value(json_object_get(misc, "skipped"));
		n[3] += json_integer_value(json_object_get(misc, "crashed"));
	}
	misc = json_object();
	if (jset(misc, "tests", json_integer(n[0] + n[1] + n[2] + n[3])) |
	    jset(misc, "passed", json_integer(n[0])) |
	    jset(misc, "failed", json_integer(n[1])) |
	    jset(misc, "crashed", json_integer(n[3])) |
	    jset(misc, "skipped", json_integer(n[2])) |
	    jset(misc, "errors", json_integer(0))) {
		json_decref(misc);
		return 1;
	}
	return jset(g, "misc", misc);
}

static json_t *json_cell(struct mx *m, int c)
{
	static const int ss_cs[SS_NR] = {
		[SS_NA] = CS_TIMEOUT, [SS_PASS] = CS_PASS, [SS_FAIL] = CS_FAIL,
		[SS_SKIP] = CS_SKIP, [SS_TIMEOUT] = CS_TIMEOUT,
		[SS_ERROR] = CS_TIMEOUT,
	};
	struct cellinfo *ci = &m->cells[c];
	json_t *g = json_object(), *cases = json_array();
	struct sbuf name = { 0 };
	int k, i, rc;

	sb_addf(&name, "%d %s", c, ci->subject);
	rc = jset(g, "name", jstr(name.s));
	rc |= jset(g, "sub_groups", json_array());
	for (k = 0; cases && k < m->nstages; k++) {
		name.len = 0;
		sb_addf(&name, "stage.%s", m->stages[k]);
		rc |= json_case(cases, name.s,
				json_status(ss_cs[ci->st[k].status]));
	}
	for (i = 0; cases && ci->booted && i < m->nids; i++) {
		if (EFF(m, i, c) == CS_NONE)
			continue;
		rc |= json_case(cases, m->ids[i], json_status(EFF(m, i, c)));
	}
	rc |= jset(g, "test_cases", cases);
	rc |= json_misc(g);
	rc |= json_common(m, g);
	sb_free(&name);
	if (rc) {
		json_decref(g);
		return NULL;
	}
	return g;
}

/* results.json (the shape of kunit.py parse --json) into @sb. */
static int results_json(struct mx *m, struct sbuf *sb)
{
	json_t *top = json_object(), *groups = json_array();
	struct sbuf name = { 0 };
	char *text = NULL;
	int c, rc;

	sb_addf(&name, "pmu-ci %s %s", m->a->profile, m->a->revision);
	rc = jset(top, "name", jstr(name.s));
	sb_free(&name);
	for (c = 0; groups && c < m->ncells; c++)
		rc |= json_array_append_new(groups, json_cell(m, c)) < 0;
	rc |= jset(top, "sub_groups", groups);
	rc |= jset(top, "test_cases", json_array());
	rc |= json_misc(top);
	rc |= json_common(m, top);
	if (!rc)
		text = json_dumps(top, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(top);
	if (!text)
		return -1;
	sb_addf(sb, "%s\n", text);
	free(text);
	return 0;
}

static int mkdir_p(const char *path)
{
	char *p = xstrdup(path), *s;
	int ret = 0;

	for (s = p + 1; ; s++) {
		if (*s != '/' && *s)
			continue;
		if (*s == '/') {
			*s = '\0';
			if (mkdir(p, 0755) && errno != EEXIST)
				ret = -1;
			*s = '/';
		} else {
			if (mkdir(p, 0755) && errno != EEXIST)
				ret = -1;
			break;
		}
	}
	free(p);
	return ret;
}

static int write_out(struct mx *m, const char *name, struct sbuf *sb)
{
	char *path = xmalloc(strlen(m->a->outdir) + strlen(name) + 2);
	FILE *f;
	int ret = 0;

	sprintf(path, "%s/%s", m->a->outdir, name);
	f = fopen(path, "w");
	if (!f || fwrite(sb_str(sb), 1, sb->len, f) != sb->len)
		ret = -1;
	if (f && fclose(f))
		ret = -1;
	if (ret)
		fprintf(stderr, "pmu-report: %s: %s\n", path, strerror(errno));
	free(path);
	return ret;
}

static int lib_failed(const char *name, const char *lib)
{
	fprintf(stderr, "pmu-report: %s: %s failed (out of memory?)\n",
		name, lib);
	return -1;
}

static void mx_free(struct mx *m)
{
	int c, k;

	for (c = 0; c < m->ncells; c++) {
		for (k = 0; k < MAX_STAGES; k++) {
			free(m->cells[c].st[k].secs);
			free(m->cells[c].st[k].detail);
		}
		free(m->cells[c].kind);
		free(m->cells[c].dir);
		free(m->cells[c].subject);
		cell_free(&m->cells[c].cr);
	}
	free(m->cells);
	for (k = ARRAY_SIZE(std_stages); k < m->nstages; k++)
		free((char *)m->stages[k]);
	for (k = 0; k < m->nknown; k++) {
		free(m->known[k].id);
		free(m->known[k].evidence);
	}
	free(m->known);
	for (k = 0; k < m->nids; k++)
		free(m->ids[k]);
	free(m->ids);
	free(m->cls);
	free(m->container);
	free(m->eff);
	free(m->first);
	free(m->keeps);
	sb_free(&m->errors);
	sb_free(&m->warnings);
	sb_free(&m->missing);
	tl_free(&m->tl);
}

int matrix_run(const struct matrix_args *a, FILE *out)
{
	struct sbuf sb = { 0 };
	struct mx m;
	int ret, c, k;

	memset(&m, 0, sizeof(m));
	m.a = a;
	for (k = 0; k < (int)ARRAY_SIZE(std_stages); k++)
		m.stages[m.nstages++] = std_stages[k];

	if (tests_load(a->tests, &m.tl)) {
		ret = 2;
		goto out;
	}
	ret = load_known(&m);
	if (!ret)
		ret = load_index(&m);
	if (ret)
		goto out;
	for (c = 0; c < m.ncells; c++) {
		for (k = 0; k < m.nstages; k++) {
			if (!m.cells[c].st[k].detail) {
				m.cells[c].st[k].secs = xstrdup("");
				m.cells[c].st[k].detail = xstrdup("");
			}
		}
	}
	build_universe(&m);
	check_complete(&m);
	check_rules(&m);

	if (mkdir_p(a->outdir)) {
		fprintf(stderr, "pmu-report: %s: %s\n", a->outdir,
			strerror(errno));
		ret = 2;
		goto out;
	}
	summary_text(&m, &sb);
	fputs(sb.s, out);
	ret = write_out(&m, "summary.txt", &sb);
	sb.len = 0;
	matrix_md(&m, &sb);
	ret |= write_out(&m, "matrix.md", &sb);
	sb.len = 0;
	if (junit_xml(&m, &sb))
		ret = lib_failed("junit.xml", "libxml2");
	else
		ret |= write_out(&m, "junit.xml", &sb);
	sb.len = 0;
	if (results_json(&m, &sb))
		ret = lib_failed("results.json", "jansson");
	else
		ret |= write_out(&m, "results.json", &sb);
	if (ret || m.nmissing)
		ret = 2;
	else
		ret = m.nerr ? 1 : 0;
out:
	sb_free(&sb);
	mx_free(&m);
	return ret;
}
