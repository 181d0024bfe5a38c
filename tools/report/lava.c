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

#include <jansson.h>
#include <yaml.h>

#include "../common/compiler.h"
#include "report.h"

/* ---- the records, read with jansson ---- */

/* The string member @key of object @j (NULL if none, or not a string). */
static const char *json_get_str(const json_t *j, const char *key)
{
	return json_string_value(json_object_get(j, key));
}

/* A copy of string @v, a NUL in it as '?'; NULL if @v is not a string. */
static char *json_dup(const json_t *v)
{
	size_t i, n;
	char *s;

	if (!json_is_string(v))
		return NULL;
	n = json_string_length(v);
	s = xstrndup(json_string_value(v), n);
	for (i = 0; i < n; i++) {
		if (!s[i])
			s[i] = '?';
	}
	return s;
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

static void log_record(struct lava_log *log, const json_t *rec)
{
	const char *lvl = json_get_str(rec, "lvl");
	const json_t *msg = json_object_get(rec, "msg");
	const json_t *extra;
	struct lava_result *r;
	const char *def, *s;
	char *text;

	if (!lvl || !msg)
		return;
	if ((!strcmp(lvl, "target") || !strcmp(lvl, "feedback")) &&
	    json_is_string(msg)) {
		text = json_dup(msg);
		sb_addf(&log->console, "%s\n", text);
		free(text);
	} else if (!strcmp(lvl, "results") && json_is_object(msg)) {
		def = json_get_str(msg, "definition");
		if (def && !strcmp(def, "lava")) {
			s = json_get_str(msg, "case");
			if (!s || strcmp(s, "job"))
				return;
			free(log->job_result);
			log->job_result = json_dup(json_object_get(msg,
								   "result"));
			text = json_dup(json_object_get(msg, "error_msg"));
			if (text && *text)
				add_error(log, text);
			free(text);
			return;
		}
		log->res = xrealloc(log->res,
				    (log->nres + 1) * sizeof(*log->res));
		r = &log->res[log->nres++];
		memset(r, 0, sizeof(*r));
		r->suite = json_dup(json_object_get(msg, "definition"));
		r->lava_case = json_dup(json_object_get(msg, "case"));
		extra = json_object_get(msg, "extra");
		r->tcid = json_dup(json_object_get(extra, "test_case_id"));
		if (!r->tcid)
			r->tcid = dup_or_null(r->lava_case);
		r->result = json_dup(json_object_get(msg, "result"));
	} else if (!strcmp(lvl, "error") && json_is_string(msg)) {
		text = json_dup(msg);
		add_error(log, text);
		free(text);
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
	json_t *rec;

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
		/* One object and nothing after it, or the line is not one. */
		rec = json_loads(line, JSON_ALLOW_NUL, NULL);
		if (rec)
			log_record(log, rec);
		json_decref(rec);
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

/*
 * results.yaml, written with libyaml as PyYAML's safe_dump writes it: a
 * string that a YAML 1.1 resolver (PyYAML's) would read as another type
 * is quoted; libyaml chooses the style of every other scalar.
 */
static int yaml_implicit_type(const char *s)
{
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
	regex_t re;
	size_t i;
	int m;

	if (!*s)
		return 1;	/* an empty plain scalar is null */
	for (i = 0; i < ARRAY_SIZE(implicit); i++) {
		if (regcomp(&re, implicit[i], REG_EXTENDED | REG_NOSUB))
			return 1;
		m = regexec(&re, s, 0, NULL, 0);
		regfree(&re);
		if (!m)
			return 1;
	}
	return 0;
}

static int yaml_emit(yaml_emitter_t *e, yaml_event_t *ev, int ok)
{
	return ok && yaml_emitter_emit(e, ev);
}

/* A string scalar, or null for NULL; 0 on failure. */
static int yaml_str(yaml_emitter_t *e, const char *s)
{
	yaml_event_t ev;
	char *c;
	int ok, plain;

	if (!s)
		return yaml_emit(e, &ev, yaml_scalar_event_initialize(&ev,
			NULL, NULL, (yaml_char_t *)"null", 4, 1, 0,
			YAML_PLAIN_SCALAR_STYLE));
	c = text_clean(s, 0);
	plain = !yaml_implicit_type(c);
	ok = yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)c,
					  strlen(c), plain, 1,
					  YAML_ANY_SCALAR_STYLE);
	free(c);
	return yaml_emit(e, &ev, ok);
}

static int yaml_pair(yaml_emitter_t *e, const char *key, const char *val)
{
	return yaml_str(e, key) && yaml_str(e, val);
}

/* The LAVA results as a YAML list of mappings; 0 on failure. */
static int write_yaml(FILE *f, const struct raw_row *raw, int nraw)
{
	yaml_emitter_t e;
	yaml_event_t ev;
	int i, ok;

	if (!yaml_emitter_initialize(&e))
		return 0;
	yaml_emitter_set_output_file(&e, f);
	yaml_emitter_set_unicode(&e, 1);
	yaml_emitter_set_width(&e, -1);
	yaml_emitter_set_break(&e, YAML_LN_BREAK);
	ok = yaml_emit(&e, &ev, yaml_stream_start_event_initialize(&ev,
		YAML_UTF8_ENCODING));
	ok = yaml_emit(&e, &ev, ok && yaml_document_start_event_initialize(&ev,
		NULL, NULL, NULL, 1));
	ok = yaml_emit(&e, &ev, ok && yaml_sequence_start_event_initialize(&ev,
		NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE));
	for (i = 0; ok && i < nraw; i++) {
		ok = yaml_emit(&e, &ev, yaml_mapping_start_event_initialize(&ev,
			NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE));
		ok = ok && yaml_pair(&e, "suite", raw[i].r->suite);
		ok = ok && yaml_pair(&e, "case", raw[i].r->lava_case);
		ok = ok && yaml_pair(&e, "test_case_id", raw[i].r->tcid);
		ok = ok && yaml_pair(&e, "result", raw[i].r->result);
		ok = ok && yaml_pair(&e, "run", raw[i].run_id);
		ok = yaml_emit(&e, &ev, ok &&
			       yaml_mapping_end_event_initialize(&ev));
	}
	ok = yaml_emit(&e, &ev, ok && yaml_sequence_end_event_initialize(&ev));
	ok = yaml_emit(&e, &ev, ok && yaml_document_end_event_initialize(&ev,
		1));
	ok = yaml_emit(&e, &ev, ok && yaml_stream_end_event_initialize(&ev));
	ok = ok && yaml_emitter_flush(&e);
	if (!ok)
		fprintf(stderr, "pmu-report: results.yaml: libyaml: %s\n",
			e.problem ? e.problem : "out of memory");
	yaml_emitter_delete(&e);
	return ok;
}

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
	if (!write_yaml(f, raw, nraw))
		ret = -1;
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
