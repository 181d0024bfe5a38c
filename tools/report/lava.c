// SPDX-License-Identifier: GPL-2.0
/*
 * pmu-report lava: the results of the boot stage run as a LAVA job
 * (ci/lava/lavajob.sh writes the job), read back from the lava-run log.
 *
 * The log has one JSON object a line ({"dt": ..., "lvl": ..., "msg": ...},
 * possibly as a YAML list item "- {...}").  "target" and "feedback"
 * messages are the serial console; "results" messages are the results the
 * job's test monitors recorded (suite = monitor name, extra.test_case_id =
 * the KTAP description), plus LAVA's own ones (definition "lava"), of
 * which case "job" says whether the job finished.
 *
 * Outputs in the output directory: console.log, results.yaml and
 * results.tsv (one LAVA result per KTAP result line, in console order)
 * and cases.tsv (the same results under the pipeline's case ids, as
 * "pmu-report cell" names them); a summary on @out.
 */
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../common/compiler.h"
#include "report.h"

#define JSON_MAX_DEPTH	64

/* ---- a small JSON parser (RFC 8259, as Python's json module reads it) ---- */

static const char *json_ws(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	return s;
}

static void json_add(struct json *j, char *key, struct json *val)
{
	j->keys = xrealloc(j->keys, (j->n + 1) * sizeof(*j->keys));
	j->vals = xrealloc(j->vals, (j->n + 1) * sizeof(*j->vals));
	j->keys[j->n] = key;
	j->vals[j->n] = val;
	j->n++;
}

static int hex4(const char *s, unsigned int *v)
{
	int i;

	*v = 0;
	for (i = 0; i < 4; i++) {
		char c = s[i];

		*v <<= 4;
		if (c >= '0' && c <= '9')
			*v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			*v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			*v |= c - 'A' + 10;
		else
			return -1;
	}
	return 0;
}

static void utf8_put(struct sbuf *sb, unsigned int cp)
{
	char b[4];

	if (cp < 0x80) {
		b[0] = cp;
		sb_addn(sb, b, 1);
	} else if (cp < 0x800) {
		b[0] = 0xc0 | (cp >> 6);
		b[1] = 0x80 | (cp & 0x3f);
		sb_addn(sb, b, 2);
	} else if (cp < 0x10000) {
		b[0] = 0xe0 | (cp >> 12);
		b[1] = 0x80 | ((cp >> 6) & 0x3f);
		b[2] = 0x80 | (cp & 0x3f);
		sb_addn(sb, b, 3);
	} else {
		b[0] = 0xf0 | (cp >> 18);
		b[1] = 0x80 | ((cp >> 12) & 0x3f);
		b[2] = 0x80 | ((cp >> 6) & 0x3f);
		b[3] = 0x80 | (cp & 0x3f);
		sb_addn(sb, b, 4);
	}
}

/* The string at @s (after its opening quote); NULL if malformed. */
static const char *json_str(const char *s, char **out)
{
	struct sbuf sb = { 0 };
	unsigned int cp, lo;

	for (;;) {
		unsigned char c = *s;

		if (c == '"')
			break;
		if (c < 0x20)
			goto bad;
		if (c != '\\') {
			sb_addn(&sb, s++, 1);
			continue;
		}
		s++;
		switch (*s++) {
		case '"':
			sb_addn(&sb, "\"", 1);
			break;
		case '\\':
			sb_addn(&sb, "\\", 1);
			break;
		case '/':
			sb_addn(&sb, "/", 1);
			break;
		case 'b':
			sb_addn(&sb, "\b", 1);
			break;
		case 'f':
			sb_addn(&sb, "\f", 1);
			break;
		case 'n':
			sb_addn(&sb, "\n", 1);
			break;
		case 'r':
			sb_addn(&sb, "\r", 1);
			break;
		case 't':
			sb_addn(&sb, "\t", 1);
			break;
		case 'u':
			if (hex4(s, &cp))
				goto bad;
			s += 4;
			if (cp >= 0xd800 && cp < 0xdc00 && s[0] == '\\' &&
			    s[1] == 'u' && !hex4(s + 2, &lo) &&
			    lo >= 0xdc00 && lo < 0xe000) {
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				     (lo - 0xdc00);
				s += 6;
			}
			/* A lone surrogate has no UTF-8 form. */
			if (cp >= 0xd800 && cp < 0xe000)
				cp = 0xfffd;
			if (!cp)
				cp = '?';
			utf8_put(&sb, cp);
			break;
		default:
			goto bad;
		}
	}
	*out = xstrdup(sb_str(&sb));
	sb_free(&sb);
	return s + 1;
bad:
	sb_free(&sb);
	return NULL;
}

static const char *json_num(const char *s)
{
	static const char * const words[] = {
		"NaN", "Infinity", "-Infinity",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(words); i++) {
		if (!strncmp(s, words[i], strlen(words[i])))
			return s + strlen(words[i]);
	}
	if (*s == '-')
		s++;
	if (*s == '0') {
		s++;
	} else if (*s >= '1' && *s <= '9') {
		while (*s >= '0' && *s <= '9')
			s++;
	} else {
		return NULL;
	}
	if (*s == '.') {
		s++;
		if (*s < '0' || *s > '9')
			return NULL;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (*s < '0' || *s > '9')
			return NULL;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	return s;
}

static const char *json_val(const char *s, int depth, struct json **out)
{
	struct json *j, *v;
	const char *e;
	char *key;

	*out = NULL;
	if (depth > JSON_MAX_DEPTH)
		return NULL;
	j = xmalloc(sizeof(*j));
	memset(j, 0, sizeof(*j));
	*out = j;
	s = json_ws(s);
	if (*s == '"') {
		j->type = J_STR;
		return json_str(s + 1, &j->str);
	}
	if (*s == '{' || *s == '[') {
		char close = *s == '{' ? '}' : ']';

		j->type = *s == '{' ? J_OBJ : J_ARR;
		s = json_ws(s + 1);
		if (*s == close)
			return s + 1;
		for (;;) {
			key = NULL;
			if (j->type == J_OBJ) {
				if (*s != '"')
					return NULL;
				s = json_str(s + 1, &key);
				if (!s)
					return NULL;
				s = json_ws(s);
				if (*s++ != ':') {
					free(key);
					return NULL;
				}
			}
			s = json_val(s, depth + 1, &v);
			json_add(j, key, v);
			if (!s)
				return NULL;
			s = json_ws(s);
			if (*s == close)
				return s + 1;
			if (*s != ',')
				return NULL;
			s = json_ws(s + 1);
		}
	}
	if (!strncmp(s, "true", 4) || !strncmp(s, "false", 5)) {
		j->type = J_BOOL;
		e = s + (*s == 't' ? 4 : 5);
	} else if (!strncmp(s, "null", 4)) {
		j->type = J_NULL;
		e = s + 4;
	} else {
		j->type = J_NUM;
		e = json_num(s);
		if (!e)
			return NULL;
	}
	j->str = xstrndup(s, e - s);
	return e;
}

void json_free(struct json *j)
{
	int i;

	if (!j)
		return;
	for (i = 0; i < j->n; i++) {
		free(j->keys[i]);
		json_free(j->vals[i]);
	}
	free(j->keys);
	free(j->vals);
	free(j->str);
	free(j);
}

struct json *json_parse(const char *s)
{
	struct json *j = NULL;
	const char *e = json_val(s, 0, &j);

	if (!e || *json_ws(e)) {
		json_free(j);
		return NULL;
	}
	return j;
}

const struct json *json_get(const struct json *j, const char *key)
{
	int i;

	if (!j || j->type != J_OBJ)
		return NULL;
	/* A repeated key: the last one counts. */
	for (i = j->n - 1; i >= 0; i--) {
		if (!strcmp(j->keys[i], key))
			return j->vals[i];
	}
	return NULL;
}

static const char *json_get_str(const struct json *j, const char *key)
{
	const struct json *v = json_get(j, key);

	return v && v->type == J_STR ? v->str : NULL;
}

/* ---- the lava-run log ---- */

struct lava_result {
	char *suite;	/* the monitor's name, NULL if none */
	char *lava_case;
	char *tcid;	/* extra.test_case_id, else the LAVA case */
	char *result;
	int used;
};

struct lava_log {
	struct sbuf console;
	struct lava_result *res;
	int nres;
	char *job_result;
	char **errors;
	int nerrors;
};

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static void add_error(struct lava_log *log, const char *msg)
{
	log->errors = xrealloc(log->errors,
			       (log->nerrors + 1) * sizeof(*log->errors));
	log->errors[log->nerrors++] = xstrdup(msg);
}

static void log_record(struct lava_log *log, const struct json *rec)
{
	const char *lvl = json_get_str(rec, "lvl");
	const struct json *msg = json_get(rec, "msg");
	const struct json *extra;
	struct lava_result *r;
	const char *def, *s;

	if (!lvl || !msg)
		return;
	if ((!strcmp(lvl, "target") || !strcmp(lvl, "feedback")) &&
	    msg->type == J_STR) {
		sb_addf(&log->console, "%s\n", msg->str);
	} else if (!strcmp(lvl, "results") && msg->type == J_OBJ) {
		def = json_get_str(msg, "definition");
		if (def && !strcmp(def, "lava")) {
			s = json_get_str(msg, "case");
			if (!s || strcmp(s, "job"))
				return;
			free(log->job_result);
			log->job_result = dup_or_null(json_get_str(msg,
								   "result"));
			s = json_get_str(msg, "error_msg");
			if (s && *s)
				add_error(log, s);
			return;
		}
		log->res = xrealloc(log->res,
				    (log->nres + 1) * sizeof(*log->res));
		r = &log->res[log->nres++];
		memset(r, 0, sizeof(*r));
		r->suite = dup_or_null(def);
		r->lava_case = dup_or_null(json_get_str(msg, "case"));
		extra = json_get(msg, "extra");
		s = json_get_str(extra, "test_case_id");
		r->tcid = dup_or_null(s ? s : r->lava_case);
		r->result = dup_or_null(json_get_str(msg, "result"));
	} else if (!strcmp(lvl, "error") && msg->type == J_STR) {
		add_error(log, msg->str);
	}
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	       c == '\v' || c == '\f';
}

static void log_parse(char *text, struct lava_log *log)
{
	char *line, *end, *next;
	struct json *rec;

	for (line = text; *line; line = next) {
		end = line + strcspn(line, "\r\n");
		next = *end ? end + 1 : end;
		*end = '\0';
		while (is_space(*line))
			line++;
		while (end > line && is_space(end[-1]))
			*--end = '\0';
		if (!strncmp(line, "- ", 2))
			line += 2;
		if (*line != '{')
			continue;
		rec = json_parse(line);
		if (rec)
			log_record(log, rec);
		json_free(rec);
	}
}

static void log_free(struct lava_log *log)
{
	int i;

	sb_free(&log->console);
	for (i = 0; i < log->nres; i++) {
		free(log->res[i].suite);
		free(log->res[i].lava_case);
		free(log->res[i].tcid);
		free(log->res[i].result);
	}
	free(log->res);
	free(log->job_result);
	for (i = 0; i < log->nerrors; i++)
		free(log->errors[i]);
	free(log->errors);
}

/* ---- monitors.tsv: "<num>\t<monitor name>\t<run id>" ---- */

struct monitor {
	char *name;
	char *run_id;
};

static int monitors_load(const char *path, struct monitor **out, int *nout)
{
	struct monitor *m = NULL;
	char *text, *line, *next, *t1, *t2;
	int n = 0, lineno = 0;

	text = read_text(path, NULL);
	if (!text) {
		fprintf(stderr, "pmu-report: %s: %s\n", path, strerror(errno));
		return -1;
	}
	for (line = text; *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		else
			next = line + strlen(line);
		lineno++;
		t1 = strchr(line, '\t');
		t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
		if (!t2 || strchr(t2 + 1, '\t') || t1 == line ||
		    strspn(line, "0123456789") != (size_t)(t1 - line)) {
			fprintf(stderr, "pmu-report: %s:%d: not <num>\\t<name>\\t<run id>\n",
				path, lineno);
			free(text);
			while (n--) {
				free(m[n].name);
				free(m[n].run_id);
			}
			free(m);
			return -1;
		}
		m = xrealloc(m, (n + 1) * sizeof(*m));
		m[n].name = xstrndup(t1 + 1, t2 - t1 - 1);
		m[n].run_id = xstrdup(t2 + 1);
		n++;
	}
	free(text);
	*out = m;
	*nout = n;
	return 0;
}

/* ---- outputs ---- */

/*
 * A YAML scalar as PyYAML's safe_dump writes it: plain when it reads back
 * as the same string, else single-quoted, or double-quoted when it holds
 * control characters.
 */
static int yaml_plain_ok(const char *s)
{
	/* What a plain scalar must not look like: PyYAML's implicit types. */
	static const char * const implicit[] = {
		"^(yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE)$",
		"^(on|On|ON|off|Off|OFF|~|null|Null|NULL|<<|=)$",
		"^[-+]?(0b[01_]+|0[0-7_]+|0|[1-9][0-9_]*|0x[0-9a-fA-F_]+)$",
		"^[-+]?[1-9][0-9_]*(:[0-5]?[0-9])+$",
		"^[-+]?([0-9][0-9_]*)?\\.[0-9_]*([eE][-+][0-9]+)?$",
		"^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\\.[0-9_]*$",
		"^([-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN))$",
		"^[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?",
	};
	size_t i, len = strlen(s);
	regex_t re;
	int m;

	if (!len || s[0] == ' ' || s[len - 1] == ' ' ||
	    strchr("#,[]{}&*!|>'\"%@`", s[0]) ||
	    (strchr("-?:", s[0]) && (s[1] == ' ' || !s[1])) ||
	    strstr(s, ": ") || s[len - 1] == ':' || strstr(s, " #") ||
	    !strncmp(s, "---", 3) || !strncmp(s, "...", 3))
		return 0;
	for (i = 0; i < ARRAY_SIZE(implicit); i++) {
		if (regcomp(&re, implicit[i], REG_EXTENDED | REG_NOSUB))
			return 0;
		m = regexec(&re, s, 0, NULL, 0);
		regfree(&re);
		if (!m)
			return 0;
	}
	return 1;
}

static void yaml_scalar(FILE *f, const char *s)
{
	const unsigned char *p;

	if (!s) {
		fputs("null", f);
		return;
	}
	for (p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			break;
	}
	if (*p) {
		fputc('"', f);
		for (p = (const unsigned char *)s; *p; p++) {
			if (*p == '"' || *p == '\\')
				fprintf(f, "\\%c", *p);
			else if (*p == '\n')
				fputs("\\n", f);
			else if (*p == '\t')
				fputs("\\t", f);
			else if (*p < 0x20 || *p == 0x7f)
				fprintf(f, "\\x%02X", *p);
			else
				fputc(*p, f);
		}
		fputc('"', f);
		return;
	}
	if (yaml_plain_ok(s)) {
		fputs(s, f);
		return;
	}
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputc('\'', f);
		fputc(*s, f);
	}
	fputc('\'', f);
}

struct lava_case {
	char *id;
	const char *result;
};

/* As "pmu-report cell" names a nested case: "<run>.<name>", no "global.". */
static char *child_id(const char *run_id, const char *name)
{
	struct sbuf sb = { 0 };
	char *id, *p;

	if (!strncmp(name, "global.", 7))
		name += 7;
	sb_addf(&sb, "%s.%s", run_id, name);
	id = xstrdup(sb_str(&sb));
	sb_free(&sb);
	for (p = id + strlen(run_id); *p; p++) {
		if (is_space(*p))
			*p = '_';
	}
	return id;
}

static FILE *out_open(const char *dir, const char *name, char **path)
{
	struct sbuf sb = { 0 };
	FILE *f;

	sb_addf(&sb, "%s/%s", dir, name);
	*path = xstrdup(sb_str(&sb));
	sb_free(&sb);
	f = fopen(*path, "w");
	if (!f)
		fprintf(stderr, "pmu-report: %s: %s\n", *path,
			strerror(errno));
	return f;
}

static int out_close(FILE *f, char *path)
{
	int ret = 0;

	if (fclose(f)) {
		fprintf(stderr, "pmu-report: %s: %s\n", path,
			strerror(errno));
		ret = -1;
	}
	free(path);
	return ret;
}

static const char *str_or_empty(const char *s)
{
	return s ? s : "";
}

/* Results of one run in console order, and the run it belongs to. */
struct raw_row {
	const struct lava_result *r;
	const char *run_id;
};

static int write_outputs(const char *outdir, const struct lava_log *log,
			 const struct raw_row *raw, int nraw,
			 const struct lava_case *cases, int ncases)
{
	char *path;
	FILE *f;
	int i, ret = 0;

	f = out_open(outdir, "console.log", &path);
	if (!f)
		return -1;
	fputs(sb_str((struct sbuf *)&log->console), f);
	if (!log->console.len)
		fputc('\n', f);
	ret |= out_close(f, path);

	f = out_open(outdir, "results.yaml", &path);
	if (!f)
		return -1;
	if (!nraw)
		fputs("[]\n", f);
	for (i = 0; i < nraw; i++) {
		fputs("- suite: ", f);
		yaml_scalar(f, raw[i].r->suite);
		fputs("\n  case: ", f);
		yaml_scalar(f, raw[i].r->lava_case);
		fputs("\n  test_case_id: ", f);
		yaml_scalar(f, raw[i].r->tcid);
		fputs("\n  result: ", f);
		yaml_scalar(f, raw[i].r->result);
		fputs("\n  run: ", f);
		yaml_scalar(f, raw[i].run_id);
		fputc('\n', f);
	}
	ret |= out_close(f, path);

	f = out_open(outdir, "results.tsv", &path);
	if (!f)
		return -1;
	for (i = 0; i < nraw; i++)
		fprintf(f, "%s\t%s\t%s\n", raw[i].run_id,
			str_or_empty(raw[i].r->tcid),
			str_or_empty(raw[i].r->result));
	ret |= out_close(f, path);

	f = out_open(outdir, "cases.tsv", &path);
	if (!f)
		return -1;
	for (i = 0; i < ncases; i++)
		fprintf(f, "%s\t%s\n", cases[i].id,
			str_or_empty(cases[i].result));
	ret |= out_close(f, path);
	return ret;
}

static int result_is(const char *result, const char *want)
{
	return result && !strcmp(result, want);
}

int lava_run(const struct lava_args *a, FILE *out, FILE *err)
{
	struct lava_log log = { 0 };
	struct monitor *mon = NULL;
	struct lava_case *cases = NULL;
	struct raw_row *raw = NULL;
	struct sbuf missing = { 0 };
	int nmon = 0, ncases = 0, nraw = 0, nmissing = 0;
	int i, k, first, last, kid_fail, ret = 0;
	int npass = 0, nfail = 0, nskip = 0, nmiss = 0;
	const struct lava_result *own;
	char *text;

	if (monitors_load(a->monitors, &mon, &nmon))
		return 2;
	text = read_text(a->log, NULL);
	if (!text) {
		fprintf(stderr, "pmu-report: %s: %s\n", a->log,
			strerror(errno));
		ret = 2;
		goto out;
	}
	log_parse(text, &log);
	free(text);
	if (mkdir(a->outdir, 0755) && errno != EEXIST) {
		fprintf(stderr, "pmu-report: %s: %s\n", a->outdir,
			strerror(errno));
		ret = 2;
		goto out;
	}

	raw = xmalloc(log.nres * sizeof(*raw));
	cases = xmalloc((log.nres + nmon) * sizeof(*cases));
	for (i = 0; i < nmon; i++) {
		first = nraw;
		for (k = 0; k < log.nres; k++) {
			if (log.res[k].used || !log.res[k].suite ||
			    strcmp(log.res[k].suite, mon[i].name))
				continue;
			log.res[k].used = 1;
			raw[nraw].r = &log.res[k];
			raw[nraw].run_id = mon[i].run_id;
			nraw++;
		}
		/* The run's own result line is its monitor's last result. */
		last = nraw - 1;
		own = NULL;
		if (nraw > first && raw[last].r->tcid &&
		    !strcmp(raw[last].r->tcid, mon[i].run_id))
			own = raw[last].r;
		else
			last = nraw;
		kid_fail = 0;
		for (k = first; k < last; k++) {
			cases[ncases].id = child_id(mon[i].run_id,
						    str_or_empty(raw[k].r->tcid));
			cases[ncases++].result = raw[k].r->result;
			kid_fail |= result_is(raw[k].r->result, "fail");
		}
		if (!own) {
			cases[ncases].id = xstrdup(mon[i].run_id);
			cases[ncases++].result = "missing";
			sb_addf(&missing, " %s", mon[i].run_id);
			nmissing++;
		} else if (last == first) {
			cases[ncases].id = xstrdup(mon[i].run_id);
			cases[ncases++].result = own->result;
		} else if (result_is(own->result, "fail") && !kid_fail) {
			/* Failed while no nested case did (a crash, an exit). */
			cases[ncases].id = xstrdup(mon[i].run_id);
			cases[ncases++].result = "fail";
		}
	}
	for (k = 0; k < log.nres; k++) {
		struct sbuf sb = { 0 };

		if (log.res[k].used)
			continue;
		/* Once per suite, in the order the suites first appear. */
		for (i = k + 1; i < log.nres; i++) {
			if (!log.res[i].used &&
			    !strcmp(str_or_empty(log.res[i].suite),
				    str_or_empty(log.res[k].suite)))
				log.res[i].used = 1;
		}
		sb_addf(&sb, "results of an unknown suite %s",
			log.res[k].suite ? log.res[k].suite : "None");
		add_error(&log, sb_str(&sb));
		sb_free(&sb);
	}

	if (write_outputs(a->outdir, &log, raw, nraw, cases, ncases)) {
		ret = 2;
		goto out;
	}

	for (i = 0; i < ncases; i++) {
		if (result_is(cases[i].result, "pass"))
			npass++;
		else if (result_is(cases[i].result, "fail"))
			nfail++;
		else if (result_is(cases[i].result, "skip"))
			nskip++;
		else if (result_is(cases[i].result, "missing"))
			nmiss++;
		if (!result_is(cases[i].result, "pass"))
			fprintf(out, "    %-7s %s\n",
				str_or_empty(cases[i].result), cases[i].id);
	}
	fprintf(out, "LAVA results: %d cases: %d pass, %d fail, %d skip, %d missing (job: %s, %d LAVA results)\n",
		ncases, npass, nfail, nskip, nmiss,
		log.job_result ? log.job_result : "none", nraw);
	if (!result_is(log.job_result, "pass")) {
		fprintf(err, "ERROR [lava]: the LAVA job did not finish (job result %s)",
			log.job_result ? log.job_result : "missing");
		for (i = log.nerrors > 3 ? log.nerrors - 3 : 0;
		     i < log.nerrors; i++)
			fprintf(err, "%s%s",
				i == (log.nerrors > 3 ? log.nerrors - 3 : 0) ?
				": " : "; ", log.errors[i]);
		fputc('\n', err);
		ret = 1;
	}
	if (nmissing) {
		fprintf(err, "ERROR [lava]: no LAVA result for %d run(s):%s\n",
			nmissing, sb_str(&missing));
		ret = 1;
	}
out:
	for (i = 0; i < ncases; i++)
		free(cases[i].id);
	free(cases);
	free(raw);
	sb_free(&missing);
	log_free(&log);
	for (i = 0; i < nmon; i++) {
		free(mon[i].name);
		free(mon[i].run_id);
	}
	free(mon);
	return ret;
}
