#!/bin/sh
# Stage "checkpatch": scripts/checkpatch.pl --strict on one patch file.
#
# Usage:   checkpatch.sh <patch-file> <cell-dir>
# Inputs:  $APPLY_WT (checkpatch.pl of the base tree)
# Outputs: <cell-dir>/checkpatch.log, a stages.tsv line
#
# Two message types are ignored, each because another check does its job:
#  - UNKNOWN_COMMIT_ID: the base is a tarball import without history, so
#    checkpatch cannot look up upstream ids in Fixes: tags; those ids are
#    checked against mainline history when the message is written;
#  - FILE_PATH_CHANGES ("does MAINTAINERS need updating?"), raised for any
#    new file: series-checks.sh verifies that MAINTAINERS-snippet, copied
#    from the base MAINTAINERS, covers every file the series touches.
set -eu
. "$(dirname "$0")/lib.sh"
p=$1
cell=$2
# shellcheck disable=SC2034 # read by lib.sh (progress, need)
STAGE=checkpatch
t0=$(_now)
[ -r "$p" ] || die checkpatch "$p" "patch not found"
WT=$APPLY_WT
rc=0
(cd "$WT" && run_timeout 300 perl scripts/checkpatch.pl --strict --no-color \
	--ignore UNKNOWN_COMMIT_ID,FILE_PATH_CHANGES --summary-file "$p") >"$cell/checkpatch.log" 2>&1 || rc=$?
dt=$(($(_now) - t0))
sum=$(grep -o 'total: .*' "$cell/checkpatch.log" | tail -1)
if [ $rc -eq 0 ] && ! grep -qE '^(WARNING|ERROR|CHECK):' "$cell/checkpatch.log"; then
	printf 'checkpatch\tpass\t%s\t%s\n' "$dt" "$sum" >>"$cell/stages.tsv"
else
	st=fail
	[ $rc -eq 124 ] && st=timeout
	printf 'checkpatch\t%s\t%s\t%s\n' "$st" "$dt" "$sum" >>"$cell/stages.tsv"
	echo "    checkpatch: $(basename "$p"): $sum"
fi
echo "checkpatch $dt" >>"$cell/timings"
