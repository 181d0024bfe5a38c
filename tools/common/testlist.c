// SPDX-License-Identifier: GPL-2.0
/*
 * Parser for the CI test list (ci/tests.txt), shared by guest and host.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlist.h"

#define TL_MAX_TOKENS	64

static int id_valid(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++) {
		if (!isalnum((unsigned char)*s) && !strchr("_.:-+", *s))
			return 0;
	}
	return 1;
}

int tl_class_valid(const char *class)
{
	return !strcmp(class, "old") || !strcmp(class, "new") ||
	       !strcmp(class, "guard");
}

/* Split @line in place on blanks; returns the number of tokens. */
static int tokenize(char *line, char **tok, int max)
{
	int n = 0;
	char *p = line;

	while (*p) {
		while (*p && isspace((unsigned char)*p))
			*p++ = '\0';
		if (!*p)
			break;
		if (n == max)
			return -1;
		tok[n++] = p;
		while (*p && !isspace((unsigned char)*p))
			p++;
	}
	return n;
}

static int parse_timeout(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*end || v <= 0 || v > 86400)
		return -1;
	return (int)v;
}

static int add_run(struct testlist *tl, char **tok, int n, int line)
{
	struct tl_run *r, *runs;
	int i;

	runs = realloc(tl->runs, (tl->nruns + 1) * sizeof(*runs));
	if (!runs)
		return -1;
	tl->runs = runs;
	r = &runs[tl->nruns];
	memset(r, 0, sizeof(*r));
	r->line = line;
	r->timeout = parse_timeout(tok[2]);
	r->id = strdup(tok[1]);
	r->class = strdup(tok[3]);
	r->argc = n - 4;
	r->argv = calloc(r->argc + 1, sizeof(char *));
	if (!r->id || !r->class || !r->argv)
		goto oom;
	for (i = 0; i < r->argc; i++) {
		r->argv[i] = strdup(tok[4 + i]);
		if (!r->argv[i])
			goto oom;
	}
	tl->nruns++;
	return 0;
oom:
	if (r->argv) {
		for (i = 0; i < r->argc; i++)
			free(r->argv[i]);
	}
	free(r->argv);
	free(r->id);
	free(r->class);
	return -1;
}

static int add_override(struct testlist *tl, char **tok, int line)
{
	struct tl_override *o, *ovr;

	ovr = realloc(tl->ovr, (tl->novr + 1) * sizeof(*ovr));
	if (!ovr)
		return -1;
	tl->ovr = ovr;
	o = &ovr[tl->novr];
	o->line = line;
	o->case_id = strdup(tok[1]);
	o->class = strdup(tok[2]);
	if (!o->case_id || !o->class) {
		free(o->case_id);
		free(o->class);
		return -1;
	}
	tl->novr++;
	return 0;
}

/* Returns NULL if the line is fine, else why it is not. */
static const char *check_line(const struct testlist *tl, char **tok, int n,
			      int strict)
{
	int i;

	if (!strcmp(tok[0], "run")) {
		if (n < 5)
			return "run: expected <id> <timeout> <class> <argv0>";
		if (!id_valid(tok[1]))
			return "run: bad id";
		if (parse_timeout(tok[2]) < 0)
			return "run: bad timeout";
		if (!strict)
			return NULL;
		if (!tl_class_valid(tok[3]))
			return "run: class must be old, new or guard";
		if (tl_find(tl, tok[1]) >= 0)
			return "run: duplicate id";
		return NULL;
	}
	if (n != 3)
		return "class: expected <case-id> <class>";
	if (!id_valid(tok[1]))
		return "class: bad case id";
	if (strict && !tl_class_valid(tok[2]))
		return "class: class must be old, new or guard";
	for (i = 0; strict && i < tl->novr; i++) {
		if (!strcmp(tl->ovr[i].case_id, tok[1]))
			return "class: duplicate case id";
	}
	return NULL;
}

int tl_parse(const char *text, struct testlist *tl, int strict,
	     char *err, size_t errlen)
{
	char *tok[TL_MAX_TOKENS];
	const char *p = text, *eol, *why;
	int lineno = 0, skipped = 0, n, ret;
	char *line;

	memset(tl, 0, sizeof(*tl));
	if (err && errlen)
		err[0] = '\0';
	while (*p) {
		size_t len;

		eol = strchr(p, '\n');
		len = eol ? (size_t)(eol - p) : strlen(p);
		lineno++;
		line = malloc(len + 1);
		if (!line)
			goto oom;
		memcpy(line, p, len);
		line[len] = '\0';
		p += len + (eol ? 1 : 0);

		n = tokenize(line, tok, TL_MAX_TOKENS);
		if (n == 0 || (n > 0 && tok[0][0] == '#') ||
		    (n > 0 && strcmp(tok[0], "run") &&
		     strcmp(tok[0], "class"))) {
			free(line);
			continue;
		}
		why = n < 0 ? "too many words" : check_line(tl, tok, n, strict);
		if (why) {
			if (err && errlen && !err[0])
				snprintf(err, errlen, "line %d: %s", lineno,
					 why);
			free(line);
			if (strict) {
				tl_free(tl);
				return -1;
			}
			skipped++;
			continue;
		}
		if (!strcmp(tok[0], "run"))
			ret = add_run(tl, tok, n, lineno);
		else
			ret = add_override(tl, tok, lineno);
		free(line);
		if (ret)
			goto oom;
	}
	return skipped;
oom:
	if (err && errlen)
		snprintf(err, errlen, "line %d: out of memory", lineno);
	tl_free(tl);
	return -1;
}

void tl_free(struct testlist *tl)
{
	int i, j;

	for (i = 0; i < tl->nruns; i++) {
		for (j = 0; j < tl->runs[i].argc; j++)
			free(tl->runs[i].argv[j]);
		free(tl->runs[i].argv);
		free(tl->runs[i].id);
		free(tl->runs[i].class);
	}
	for (i = 0; i < tl->novr; i++) {
		free(tl->ovr[i].case_id);
		free(tl->ovr[i].class);
	}
	free(tl->runs);
	free(tl->ovr);
	memset(tl, 0, sizeof(*tl));
}

int tl_find(const struct testlist *tl, const char *id)
{
	int i;

	for (i = 0; i < tl->nruns; i++) {
		if (!strcmp(tl->runs[i].id, id))
			return i;
	}
	return -1;
}

int tl_cmdline_only(const char *cmdline, char *buf, size_t len)
{
	const char *p = cmdline;
	size_t n;

	while (p && *p) {
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (!strncmp(p, "pmu.only=", 9)) {
			p += 9;
			n = strcspn(p, " \t\n");
			if (n >= len)
				n = len - 1;
			memcpy(buf, p, n);
			buf[n] = '\0';
			return 1;
		}
		p += strcspn(p, " \t\n");
	}
	return 0;
}

int tl_only_has(const char *list, const char *id)
{
	size_t idlen = strlen(id);
	const char *p = list;

	while (*p) {
		size_t n = strcspn(p, ",");

		if (n == idlen && !strncmp(p, id, n))
			return 1;
		p += n;
		if (*p == ',')
			p++;
	}
	return 0;
}
