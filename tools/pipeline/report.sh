#!/bin/sh
# Stage "report": turn the per-cell results into the human summary, the
# Markdown matrix, JUnit XML and kunit-compatible JSON, and check the
# attribution rules and the 2x2 table.
#
# Usage:   report.sh <profile> <revision>
# Inputs:  $PMU_OUT/index.tsv, ci/tests.txt, ci/known-failures.txt
# Outputs: $PMU_OUT/report/{summary.txt,matrix.md,junit.xml,results.json}
#          exit status of pmu-report (0: the report holds, 1: it does
#          not, 2: ERROR, a result is missing or the input is bad)
set -eu
. "$(dirname "$0")/lib.sh"
stage_begin report
profile=$1
revision=$2
rc=0
run_timeout 120 "$PMU_TOOLS_BIN/pmu-report" matrix --index "$PMU_OUT/index.tsv" \
	--tests "${PMU_TESTS:-$LINE_CI/tests.txt}" --known "${PMU_KNOWN:-$LINE_CI/known-failures.txt}" \
	--profile "$profile" --revision "$revision" --outdir "$PMU_OUT/report" || rc=$?
case $rc in
0) stage_end report "the report holds" ;;
1) stage_end report "FAILED: see the errors above" ;;
*) stage_end report "ERROR: pmu-report exit $rc: results missing or bad input (see above)" ;;
esac
exit $rc
