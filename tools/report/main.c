// SPDX-License-Identifier: GPL-2.0
/*
 * pmu-report: classify CI boots and summarise a patch series run.
 *
 *   pmu-report cell --console <log> --qemu-status <file> --tests <tests.txt>
 *                   --out <cases.tsv>
 *   pmu-report matrix --index <index.tsv> --tests <tests.txt>
 *                     --known <known-failures.txt> --profile <name>
 *                     --revision <id> --outdir <dir>
 *   pmu-report lava --log <lava-run log> --monitors <monitors.tsv>
 *                   --outdir <dir>
 *
 * Exit status: 0 clean, 1 problems found (matrix; lava: the job did not
 * finish or a run has no result), 2 bad usage or input (matrix: also
 * ERROR, a cell, stage or case without a result).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

struct opt {
	const char *name;
	const char **val;
};

static void print_usage(FILE *f)
{
	fputs("usage:\n"
	      "  pmu-report cell --console <log> --qemu-status <file>\n"
	      "                  --tests <tests.txt> --out <cases.tsv>\n"
	      "  pmu-report matrix --index <index.tsv> --tests <tests.txt>\n"
	      "                    --known <known-failures.txt> --profile <name>\n"
	      "                    --revision <id> --outdir <dir>\n"
	      "  pmu-report lava --log <lava-run log> --monitors <monitors.tsv>\n"
	      "                  --outdir <dir>\n", f);
}

static int parse_opts(int argc, char **argv, struct opt *opts, int nopts)
{
	int i, k;

	for (i = 0; i < argc; i++) {
		for (k = 0; k < nopts; k++) {
			if (!strcmp(argv[i], opts[k].name))
				break;
		}
		if (k == nopts || i + 1 == argc) {
			fprintf(stderr, "pmu-report: bad argument '%s'\n",
				argv[i]);
			return -1;
		}
		*opts[k].val = argv[++i];
	}
	for (k = 0; k < nopts; k++) {
		if (!*opts[k].val) {
			fprintf(stderr, "pmu-report: missing %s\n",
				opts[k].name);
			return -1;
		}
	}
	return 0;
}

static int cmd_cell(int argc, char **argv)
{
	const char *console = NULL, *qstatus = NULL, *tests = NULL;
	const char *outp = NULL;
	struct opt opts[] = {
		{ "--console", &console },
		{ "--qemu-status", &qstatus },
		{ "--tests", &tests },
		{ "--out", &outp },
	};
	struct cell_result cell;
	struct testlist tl;
	char *log, *qs, *tmp;
	FILE *f;

	if (parse_opts(argc, argv, opts, 4)) {
		print_usage(stderr);
		return 2;
	}
	if (tests_load(tests, &tl))
		return 2;
	log = read_text(console, NULL);
	qs = read_text(qstatus, NULL);
	cell_classify(log ? log : "# pmu-ci: error: console log missing\n",
		      qs, &tl, &cell);
	free(log);
	free(qs);
	tl_free(&tl);

	if (!strcmp(outp, "-")) {
		cell_write_tsv(stdout, &cell);
		cell_free(&cell);
		return 0;
	}
	tmp = xmalloc(strlen(outp) + 8);
	sprintf(tmp, "%s.tmp", outp);
	f = fopen(tmp, "w");
	if (!f) {
		fprintf(stderr, "pmu-report: %s: %s\n", tmp, strerror(errno));
		goto fail;
	}
	cell_write_tsv(f, &cell);
	if (fclose(f) || rename(tmp, outp)) {
		fprintf(stderr, "pmu-report: %s: %s\n", outp, strerror(errno));
		goto fail;
	}
	free(tmp);
	cell_free(&cell);
	return 0;
fail:
	free(tmp);
	cell_free(&cell);
	return 2;
}

static int cmd_matrix(int argc, char **argv)
{
	struct matrix_args a = { 0 };
	struct opt opts[] = {
		{ "--index", &a.index },
		{ "--tests", &a.tests },
		{ "--known", &a.known },
		{ "--profile", &a.profile },
		{ "--revision", &a.revision },
		{ "--outdir", &a.outdir },
	};

	if (parse_opts(argc, argv, opts, 6)) {
		print_usage(stderr);
		return 2;
	}
	return matrix_run(&a, stdout);
}

static int cmd_lava(int argc, char **argv)
{
	struct lava_args a = { 0 };
	struct opt opts[] = {
		{ "--log", &a.log },
		{ "--monitors", &a.monitors },
		{ "--outdir", &a.outdir },
	};

	if (parse_opts(argc, argv, opts, 3)) {
		print_usage(stderr);
		return 2;
	}
	return lava_run(&a, stdout, stderr);
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "cell"))
		return cmd_cell(argc - 2, argv + 2);
	if (argc >= 2 && !strcmp(argv[1], "matrix"))
		return cmd_matrix(argc - 2, argv + 2);
	if (argc >= 2 && !strcmp(argv[1], "lava"))
		return cmd_lava(argc - 2, argv + 2);
	if (argc >= 2 && (!strcmp(argv[1], "-h") ||
			  !strcmp(argv[1], "--help"))) {
		print_usage(stdout);
		return 0;
	}
	print_usage(stderr);
	return 2;
}
