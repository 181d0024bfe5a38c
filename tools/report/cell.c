// SPDX-License-Identifier: GPL-2.0
/*
 * pmu-report cell: classify one boot from its console log.
 *
 * The console interleaves kernel messages, QEMU noise and the KTAP the
 * guest init prints.  KTAP lines are recognised by their indentation
 * (two spaces per level); a result line closes the results collected
 * one level deeper, which become its subtests.  Every line, KTAP or not,
 * is also scanned for kernel splats; a splat is charged to the next
 * result line, as the guest does.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/compiler.h"
#include "../common/splat.h"
#include "report.h"

#define MAX_LEVEL	8
#define DETAIL_MAX	300

struct node {
	char *name;
	int num;
	int status;
	char *detail;
	struct node **kids;
	int nkids;
	int nested_plan;
};

struct level {
	struct node **pending;
	int npending;
	int plan;
	struct sbuf diag;
};

struct splat_seen {
	char **text;
	int n;
};

struct parser {
	struct level lv[MAX_LEVEL + 1];
	int header;
	int plan;
	int end;
	int lineno;
	int panic;
	char *panic_text;
	char *splat;		/* pending, charged to the next result */
	char *first_splat;
	struct splat_seen seen_kernel, seen_guest;
	char *guest_error;
	char *only;
	struct sbuf notes;
	int nnotes;
};

static void note(struct parser *p, const char *fmt, const char *arg, int line)
{
	if (p->nnotes++ >= 8) {
		if (p->nnotes == 9)
			sb_addf(&p->notes, "; ...");
		return;
	}
	if (p->notes.len)
		sb_addf(&p->notes, "; ");
	sb_addf(&p->notes, fmt, arg);
	if (line)
		sb_addf(&p->notes, " (console line %d)", line);
}

static void free_node(struct node *n)
{
	int i;

	if (!n)
		return;
	for (i = 0; i < n->nkids; i++)
		free_node(n->kids[i]);
	free(n->kids);
	free(n->name);
	free(n->detail);
	free(n);
}

static void push(struct node ***list, int *n, struct node *node)
{
	*list = xrealloc(*list, (*n + 1) * sizeof(**list));
	(*list)[(*n)++] = node;
}

/* Skip "[    1.234567] " style prefixes of kernel console lines. */
static const char *strip_stamp(const char *s)
{
	const char *q;

	while (*s == ' ')
		s++;
	while (*s == '[' && (q = strchr(s, ']')) != NULL) {
		s = q + 1;
		while (*s == ' ')
			s++;
	}
	return s;
}

/* Drop one occurrence of @text from @seen; true if it was there. */
static int seen_take(struct splat_seen *seen, const char *text)
{
	int i;

	for (i = 0; i < seen->n; i++) {
		if (!strcmp(seen->text[i], text)) {
			free(seen->text[i]);
			seen->text[i] = seen->text[--seen->n];
			return 1;
		}
	}
	return 0;
}

static void seen_add(struct splat_seen *seen, const char *text)
{
	seen->text = xrealloc(seen->text, (seen->n + 1) * sizeof(char *));
	seen->text[seen->n++] = xstrdup(text);
}

static void seen_free(struct splat_seen *seen)
{
	while (seen->n)
		free(seen->text[--seen->n]);
	free(seen->text);
}

/*
 * The kernel prints a splat on the console and the guest repeats it
 * from /dev/kmsg as "# SPLAT: <text>": count each such pair once.
 */
static void scan_splat(struct parser *p, const char *line)
{
	const char *text, *t;
	int guest;

	if (splat_match(line) < 0)
		return;
	t = line;
	while (*t == ' ')
		t++;
	guest = !strncmp(t, "# SPLAT: ", 9);
	text = guest ? t + 9 : strip_stamp(line);
	if (splat_is_panic(text) && !p->panic) {
		p->panic = 1;
		p->panic_text = xstrdup(text);
	}
	if (seen_take(guest ? &p->seen_kernel : &p->seen_guest, text))
		return;
	seen_add(guest ? &p->seen_guest : &p->seen_kernel, text);
	if (!p->first_splat)
		p->first_splat = xstrdup(text);
	if (!p->splat)
		p->splat = xstrdup(text);
}

/* kselftest_harness markers that say nothing about why a case failed. */
static int boring_diag(const char *d)
{
	static const char * const words[] = {
		"RUN", "OK", "FAIL", "SKIP", "XFAIL", "PASSED:", "FAILED:",
		"Totals:", "SPLAT:", "pmu-ci:",
	};
	size_t i, n;

	while (*d == ' ')
		d++;
	for (i = 0; i < ARRAY_SIZE(words); i++) {
		n = strlen(words[i]);
		if (!strncmp(d, words[i], n) && (!d[n] || d[n] == ' '))
			return 1;
	}
	return !*d;
}

static void add_diag(struct level *lv, const char *d)
{
	if (boring_diag(d) || lv->diag.len > DETAIL_MAX)
		return;
	while (*d == ' ')
		d++;
	if (lv->diag.len)
		sb_addf(&lv->diag, " | ");
	sb_addf(&lv->diag, "%s", d);
}

static char *make_detail(struct sbuf *diag, const char *directive,
			 const char *extra)
{
	struct sbuf sb = { 0 };

	if (directive && *directive)
		sb_addf(&sb, "%s", directive);
	if (extra && *extra)
		sb_addf(&sb, "%s%s", sb.len ? " | " : "", extra);
	if (diag->len)
		sb_addf(&sb, "%s%s", sb.len ? " | " : "", diag->s);
	sb_str(&sb);
	if (sb.len > DETAIL_MAX) {
		sb.s[DETAIL_MAX - 3] = '\0';
		sb.len = DETAIL_MAX - 3;
		sb_addf(&sb, "...");
	}
	tsv_clean(sb.s);
	return sb.s;
}

static int dir_is(const char *dir, const char *word)
{
	size_t n = strlen(word);

	return !strncasecmp(dir, word, n) && !isalnum((unsigned char)dir[n]);
}

/* Parse "ok N name # directive" / "not ok ..."; 0 if not a result. */
static int parse_result(struct parser *p, int level, const char *s)
{
	const char *q, *hash, *dir = "";
	struct level *lv = &p->lv[level];
	struct node *n;
	int ok, status;
	char *end;
	long num;

	if (!strncmp(s, "ok ", 3)) {
		ok = 1;
		s += 3;
	} else if (!strncmp(s, "not ok ", 7)) {
		ok = 0;
		s += 7;
	} else {
		return 0;
	}
	num = strtol(s, &end, 10);
	if (end == s || num < 0 || num > 1000000 || (*end && *end != ' '))
		return 0;
	q = end;
	while (*q == ' ')
		q++;
	if (q[0] == '-' && q[1] == ' ')
		q += 2;
	hash = strstr(q, " #");
	if (!hash && *q == '#')
		hash = q;
	if (hash) {
		dir = hash + (*hash == ' ' ? 2 : 1);
		while (*dir == ' ')
			dir++;
	} else {
		hash = q + strlen(q);
	}
	while (hash > q && hash[-1] == ' ')
		hash--;

	if (dir_is(dir, "SKIP"))
		status = CS_SKIP;
	else if (dir_is(dir, "TODO"))
		status = ok ? CS_PASS : CS_SKIP;
	else if (ok)
		status = CS_PASS;
	else if (dir_is(dir, "TIMEOUT"))
		status = CS_TIMEOUT;
	else if (dir_is(dir, "SPLAT"))
		status = CS_SPLAT;
	else
		status = CS_FAIL;

	n = xmalloc(sizeof(*n));
	memset(n, 0, sizeof(*n));
	n->name = xstrndup(q, hash - q);
	n->num = (int)num;
	n->status = status;
	n->nested_plan = -1;
	if (p->splat && status != CS_TIMEOUT) {
		n->status = CS_SPLAT;
		n->detail = make_detail(&lv->diag, dir, p->splat);
	} else if (status == CS_PASS) {
		n->detail = xstrdup(dir);
		tsv_clean(n->detail);
	} else {
		n->detail = make_detail(&lv->diag, dir, NULL);
	}
	free(p->splat);
	p->splat = NULL;
	sb_free(&lv->diag);

	if (level < MAX_LEVEL) {
		struct level *sub = &p->lv[level + 1];
		int l;

		/* Results deeper than one level below have lost a parent. */
		for (l = MAX_LEVEL; l > level + 1; l--) {
			struct level *deep = &p->lv[l];
			int i;

			for (i = 0; i < deep->npending; i++)
				push(&p->lv[l - 1].pending,
				     &p->lv[l - 1].npending, deep->pending[i]);
			free(deep->pending);
			deep->pending = NULL;
			deep->npending = 0;
			deep->plan = -1;
			sb_free(&deep->diag);
		}
		n->kids = sub->pending;
		n->nkids = sub->npending;
		n->nested_plan = sub->plan;
		sub->pending = NULL;
		sub->npending = 0;
		sub->plan = -1;
		sb_free(&sub->diag);
	}
	push(&lv->pending, &lv->npending, n);
	return 1;
}

static int parse_plan(const char *s)
{
	char *end;
	long n;

	if (strncmp(s, "1..", 3) || !isdigit((unsigned char)s[3]))
		return -1;
	n = strtol(s + 3, &end, 10);
	while (*end == ' ')
		end++;
	if ((*end && *end != '#') || n < 0 || n > 1000000)
		return -1;
	return (int)n;
}

static void parse_line(struct parser *p, char *line)
{
	int indent = 0, level, plan;
	char *s;

	scan_splat(p, line);
	while (line[indent] == ' ')
		indent++;
	if (indent % 2)
		return;
	level = indent / 2;
	if (level > MAX_LEVEL)
		return;
	s = line + indent;
	if (!strncmp(s, "KTAP version ", 13) || !strncmp(s, "TAP version ", 12)) {
		if (level == 0) {
			if (p->header)
				note(p, "%s", "duplicate KTAP header",
				     p->lineno);
			p->header = 1;
		}
		return;
	}
	plan = parse_plan(s);
	if (plan >= 0) {
		if (level > 0)
			p->lv[level].plan = plan;
		else if (p->plan >= 0)
			note(p, "%s", "duplicate plan ignored", p->lineno);
		else
			p->plan = plan;
		return;
	}
	if (parse_result(p, level, s))
		return;
	if (s[0] != '#')
		return;
	if (level == 0 && !strncmp(s, "# pmu-ci: end", 13)) {
		p->end = 1;
	} else if (level == 0 && !strncmp(s, "# pmu-ci: error: ", 17)) {
		if (!p->guest_error)
			p->guest_error = xstrdup(s + 17);
	} else if (level == 0 && !strncmp(s, "# pmu-ci: only=", 15)) {
		free(p->only);
		p->only = xstrdup(s + 15);
	}
	add_diag(&p->lv[level], s + 1);
}

static void add_case(struct cell_result *out, struct parser *p,
		     const char *id, int status, const char *detail)
{
	struct case_result *c;

	if (cell_find(out, id)) {
		note(p, "duplicate case %s", id, 0);
		return;
	}
	out->cases = xrealloc(out->cases, (out->ncases + 1) * sizeof(*c));
	c = &out->cases[out->ncases++];
	c->id = xstrdup(id);
	tsv_clean(c->id);
	c->status = status;
	c->detail = xstrdup(detail ? detail : "");
	tsv_clean(c->detail);
}

static int is_bad(int status)
{
	return status != CS_PASS && status != CS_SKIP;
}

static char *child_id(const char *prefix, const struct node *n)
{
	struct sbuf sb = { 0 };
	const char *name = n->name;

	if (!strncmp(name, "global.", 7))
		name += 7;
	sb_addf(&sb, "%s.", prefix);
	if (!*name)
		sb_addf(&sb, "#%d", n->num);
	for (; *name; name++) {
		char c = isspace((unsigned char)*name) ? '_' : *name;

		sb_addn(&sb, &c, 1);
	}
	return sb.s;
}

/*
 * Emit the leaves below @n as cases "<id>.<name>"; @n itself is a case
 * only if it failed while none of its subtests did, timed out, or its
 * subtests do not match their plan.  Returns true if a bad case was
 * emitted.
 */
static int emit_node(struct cell_result *out, struct parser *p,
		     const char *id, const struct node *n)
{
	int i, bad = 0;
	char *kid;

	if (!n->nkids) {
		add_case(out, p, id, n->status, n->detail);
		return is_bad(n->status);
	}
	for (i = 0; i < n->nkids; i++) {
		kid = child_id(id, n->kids[i]);
		bad |= emit_node(out, p, kid, n->kids[i]);
		free(kid);
	}
	if (n->nested_plan >= 0 && n->nested_plan != n->nkids &&
	    n->status != CS_TIMEOUT) {
		char buf[96];

		snprintf(buf, sizeof(buf), "plan 1..%d but %d results",
			 n->nested_plan, n->nkids);
		add_case(out, p, id, CS_FAIL, buf);
		return 1;
	}
	if ((is_bad(n->status) && !bad) || n->status == CS_TIMEOUT) {
		add_case(out, p, id, n->status, n->detail);
		return 1;
	}
	return bad;
}

static int parse_qemu_status(struct parser *p, const char *qs, int *code)
{
	char word[64];
	char *end;

	*code = 0;
	if (!qs) {
		note(p, "%s", "qemu-status unreadable", 0);
		return -1;
	}
	if (sscanf(qs, "%63s", word) != 1) {
		note(p, "%s", "qemu-status empty", 0);
		return -1;
	}
	if (!strcmp(word, "timeout"))
		return 1;
	if (!strncmp(word, "exit:", 5)) {
		*code = (int)strtol(word + 5, &end, 10);
		if (end != word + 5 && !*end)
			return 0;
	}
	note(p, "bad qemu-status '%s'", word, 0);
	return -1;
}

static void set_boot(struct parser *p, struct cell_result *out, int watchdog,
		     int qemu_code)
{
	struct sbuf sb = { 0 };

	if (p->panic) {
		out->boot = BOOT_PANIC;
		sb_addf(&sb, "%s", p->panic_text);
	} else if (watchdog) {
		out->boot = BOOT_TIMEOUT;
		sb_addf(&sb, "host watchdog fired%s",
			p->end ? " after the end marker" : "");
	} else if (!p->end) {
		out->boot = BOOT_HANG;
		if (p->guest_error)
			sb_addf(&sb, "guest error: %s", p->guest_error);
		else if (!p->header)
			sb_addf(&sb, "no KTAP output");
		else
			sb_addf(&sb, "console ended before '# pmu-ci: end'");
		if (qemu_code)
			sb_addf(&sb, ", qemu exit %d", qemu_code);
	} else {
		out->boot = BOOT_OK;
		if (qemu_code)
			sb_addf(&sb, "qemu exit %d", qemu_code);
	}
	if (p->plan < 0 && p->header)
		note(p, "%s", "missing plan", 0);
	if (p->first_splat)
		note(p, "splat: %s", p->first_splat, 0);
	if (p->notes.len)
		sb_addf(&sb, "%s%s", sb.len ? "; " : "", p->notes.s);
	out->boot_detail = xstrdup(sb_str(&sb));
	tsv_clean(out->boot_detail);
	sb_free(&sb);
}

/* The runs the guest was asked to run, in order, and their results. */
struct expect {
	const char *id;
	struct node *node;
};

void cell_classify(const char *console, const char *qemu_status,
		   const struct testlist *tl, struct cell_result *out)
{
	struct parser p;
	struct expect *ex;
	int nex = 0, i, l, last = -1, watchdog, qemu_code, lost;
	const char *s = console;
	struct level *top;

	memset(out, 0, sizeof(*out));
	memset(&p, 0, sizeof(p));
	p.plan = -1;
	for (l = 0; l <= MAX_LEVEL; l++)
		p.lv[l].plan = -1;

	while (*s) {
		size_t len = strcspn(s, "\n");
		char *line = xstrndup(s, len), *r, *w;

		p.lineno++;
		for (r = w = line; *r; r++) {
			if (*r != '\r')
				*w++ = *r;
		}
		*w = '\0';
		if (s[len] == '\n')
			parse_line(&p, line);
		else
			scan_splat(&p, line);	/* cut short: not KTAP */
		free(line);
		s += len + (s[len] == '\n');
	}

	watchdog = parse_qemu_status(&p, qemu_status, &qemu_code) == 1;

	ex = xmalloc((tl->nruns + 1) * sizeof(*ex));
	for (i = 0; i < tl->nruns; i++) {
		if (p.only && !tl_only_has(p.only, tl->runs[i].id))
			continue;
		ex[nex].id = tl->runs[i].id;
		ex[nex++].node = NULL;
	}
	ex[nex].id = POST_CHECKS_ID;
	ex[nex++].node = NULL;
	if (p.plan >= 0 && p.plan != nex)
		note(&p, "plan does not match the test list", "", 0);

	top = &p.lv[0];
	for (i = 0; i < top->npending; i++) {
		struct node *n = top->pending[i];
		int k;

		for (k = 0; k < nex; k++) {
			if (!strcmp(ex[k].id, n->name))
				break;
		}
		if (k == nex && !*n->name && n->num >= 1 && n->num <= nex)
			k = n->num - 1;
		if (k == nex) {
			note(&p, "unexpected result '%s'", n->name, 0);
		} else if (ex[k].node) {
			note(&p, "duplicate result for %s", ex[k].id, 0);
		} else {
			ex[k].node = n;
			top->pending[i] = NULL;
			if (k > last)
				last = k;
			continue;
		}
		free_node(n);
		top->pending[i] = NULL;
	}

	/* Subtests whose parent result never came belong to the next run. */
	lost = 0;
	for (l = 1; l <= MAX_LEVEL; l++)
		lost += p.lv[l].npending;
	if (lost && p.end)
		note(&p, "%s", "unterminated nesting", 0);
	if (p.splat && p.end && last >= 0 && ex[last].node &&
	    !strcmp(ex[last].id, POST_CHECKS_ID) &&
	    ex[last].node->status == CS_PASS) {
		ex[last].node->status = CS_SPLAT;
		free(ex[last].node->detail);
		ex[last].node->detail = xstrdup(p.splat);
		free(p.splat);
		p.splat = NULL;
	}

	set_boot(&p, out, watchdog, qemu_code);

	for (i = 0; i < nex; i++) {
		int in_progress = i == last + 1;
		struct node *n = ex[i].node;
		char buf[DETAIL_MAX + 64];

		if (!n && in_progress &&
		    (lost || p.splat || (p.header && out->boot != BOOT_OK))) {
			n = xmalloc(sizeof(*n));
			memset(n, 0, sizeof(*n));
			n->name = xstrdup(ex[i].id);
			n->nested_plan = -1;
			for (l = 1; l <= MAX_LEVEL; l++) {
				struct level *lv = &p.lv[l];
				int k;

				for (k = 0; k < lv->npending; k++)
					push(&n->kids, &n->nkids,
					     lv->pending[k]);
				free(lv->pending);
				lv->pending = NULL;
				lv->npending = 0;
			}
			ex[i].node = n;
		}
		if (n && !n->detail) {
			/* An in-progress run: the boot ended inside it. */
			n->status = out->boot == BOOT_PANIC ? CS_PANIC :
				    out->boot == BOOT_OK ? CS_FAIL :
				    CS_BOOT_HANG;
			snprintf(buf, sizeof(buf), "%s%s%s",
				 out->boot == BOOT_OK ? "no result line" :
				 "running when the boot ended",
				 p.splat ? " | splat: " : "",
				 p.splat ? p.splat : "");
			n->detail = xstrdup(buf);
			tsv_clean(n->detail);
		}
		if (n) {
			emit_node(out, &p, ex[i].id, n);
			continue;
		}
		if (out->boot == BOOT_OK) {
			add_case(out, &p, ex[i].id, CS_FAIL, "no result line");
			continue;
		}
		snprintf(buf, sizeof(buf), "not reached: %s",
			 out->boot_detail);
		add_case(out, &p, ex[i].id,
			 out->boot == BOOT_PANIC ? CS_PANIC : CS_BOOT_HANG,
			 buf);
	}

	for (i = 0; i < nex; i++)
		free_node(ex[i].node);
	free(ex);
	for (l = 0; l <= MAX_LEVEL; l++) {
		int k;

		for (k = 0; k < p.lv[l].npending; k++)
			free_node(p.lv[l].pending[k]);
		free(p.lv[l].pending);
		sb_free(&p.lv[l].diag);
	}
	seen_free(&p.seen_kernel);
	seen_free(&p.seen_guest);
	free(p.panic_text);
	free(p.splat);
	free(p.first_splat);
	free(p.guest_error);
	free(p.only);
	sb_free(&p.notes);
}

void cell_write_tsv(FILE *f, const struct cell_result *cell)
{
	int i;

	for (i = 0; i < cell->ncases; i++)
		fprintf(f, "%s\t%s\t%s\n", cell->cases[i].id,
			cs_name(cell->cases[i].status),
			cell->cases[i].detail);
	fprintf(f, "#boot\t%s\t%s\n", boot_name(cell->boot),
		cell->boot_detail ? cell->boot_detail : "");
}

const struct case_result *cell_find(const struct cell_result *cell,
				    const char *id)
{
	int i;

	for (i = 0; i < cell->ncases; i++) {
		if (!strcmp(cell->cases[i].id, id))
			return &cell->cases[i];
	}
	return NULL;
}

int cell_read_tsv(const char *path, struct cell_result *cell,
		  char *err, size_t errlen)
{
	char *text, *s, *line, *f2, *f3, *detail;
	int lineno = 0, status, have_boot = 0;

	memset(cell, 0, sizeof(*cell));
	text = read_text(path, NULL);
	if (!text) {
		snprintf(err, errlen, "%s: cannot read", path);
		return -1;
	}
	for (s = text; *s; ) {
		size_t len = strcspn(s, "\n");

		line = s;
		s += len + (s[len] == '\n');
		line[len] = '\0';
		lineno++;
		if (!*line)
			continue;
		f2 = strchr(line, '\t');
		f3 = f2 ? strchr(f2 + 1, '\t') : NULL;
		if (!f2)
			goto bad;
		*f2++ = '\0';
		if (f3)
			*f3++ = '\0';
		detail = f3 ? f3 : f2 + strlen(f2);
		if (!strcmp(line, "#boot")) {
			status = boot_parse(f2);
			if (status < 0)
				goto bad;
			cell->boot = status;
			free(cell->boot_detail);
			cell->boot_detail = xstrdup(detail);
			have_boot = 1;
			continue;
		}
		if (line[0] == '#')
			continue;
		status = cs_parse(f2);
		if (status < 0 || cell_find(cell, line))
			goto bad;
		cell->cases = xrealloc(cell->cases,
				       (cell->ncases + 1) * sizeof(*cell->cases));
		cell->cases[cell->ncases].id = xstrdup(line);
		cell->cases[cell->ncases].status = status;
		cell->cases[cell->ncases].detail = xstrdup(detail);
		cell->ncases++;
	}
	free(text);
	if (!have_boot) {
		snprintf(err, errlen, "%s: no #boot line", path);
		cell_free(cell);
		return -1;
	}
	return 0;
bad:
	snprintf(err, errlen, "%s:%d: malformed case line", path, lineno);
	free(text);
	cell_free(cell);
	return -1;
}

void cell_free(struct cell_result *cell)
{
	int i;

	for (i = 0; i < cell->ncases; i++) {
		free(cell->cases[i].id);
		free(cell->cases[i].detail);
	}
	free(cell->cases);
	free(cell->boot_detail);
	memset(cell, 0, sizeof(*cell));
}
