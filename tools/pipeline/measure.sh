#!/bin/sh
# Stage "measure": VM exits of the same guest workloads on the base and
# the tip kernel, from KVM's own vCPU statistics (tools/pipeline/exits.sh).
# Cached by the two Images and the measuring program.
#
# Usage:   measure.sh <tip-commit> <base-Image> <tip-Image>
# Outputs: $PMU_OUT/exits/table.txt; exit 1 if the tip adds exits
set -eu
. "$(dirname "$0")/lib.sh"
stage_begin measure
tip=$1
bimg=$2
timg=$3
P=$TOOLS/pipeline
WT=$PMU_CACHE/apply-wt
h() { sha256sum | cut -c1-32; }
key=$(cat "$bimg" "$timg" "$TOOLS/measure/sbi_pmu_exits.c" "$P/exits.sh" \
	"$CI_DIR/profiles/aia.conf" | h)
c=$PMU_CACHE/exits/$key
if [ ! -f "$c/.done" ]; then
	rm -rf "$c"
	base=$(git -C "$PMU_CACHE/linux" rev-parse base)
	git -C "$WT" -c advice.detachedHead=false checkout -q -f --detach "$tip"
	rc=0
	sh "$P/exits.sh" "$PMU_CACHE/check-wt" "$WT" "$bimg" "$timg" "$c" </dev/null || rc=$?
	git -C "$WT" checkout -q -f --detach "$base"
	echo "$rc" >"$c/rc"
	touch "$c/.done"
fi
mkdir -p "$PMU_OUT/exits"
cp "$c/table.txt" "$c/rc" "$PMU_OUT/exits/"
sed 's/^/    /' "$c/table.txt"
if [ "$(cat "$c/rc")" != 0 ]; then
	stage_end measure "FAILED"
	die measure "$PMU_OUT/exits/table.txt" "the tip adds VM exits, or the measurement failed"
fi
stage_end measure
