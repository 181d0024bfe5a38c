#!/bin/sh
# Stage "measure": VM exits of the same guest workloads on the base and
# the tip kernel, from KVM's own vCPU statistics (tools/pipeline/exits.sh).
# Cached by the two Images and the measuring program.
#
# Usage:   measure.sh <tip-commit> <base-Image> <tip-Image>
# Outputs: $PMU_OUT/exits/table.txt; exit 1 if the tip adds exits, 2 if
#          the measurement has no result (exits.sh died): not cached, the
#          next run measures again
set -eu
. "$(dirname "$0")/lib.sh"
stage_begin measure
tip=$1
bimg=$2
timg=$3
P=$TOOLS/pipeline
WT=$APPLY_WT
h() { sha256sum | cut -c1-32; }
key=$(cat "$bimg" "$timg" "$TOOLS/measure/sbi_pmu_exits.c" "$P/exits.sh" \
	"$CI_DIR/profiles/aia.conf" | h)
c=$PMU_CACHE/exits/$key
if [ ! -f "$c/.done" ]; then
	rm -rf "$c"
	base=$(git -C "$PMU_LINUX" rev-parse base)
	git -C "$WT" -c advice.detachedHead=false checkout -q -f --detach "$tip"
	rc=0
	sh "$P/exits.sh" "$CHECK_WT" "$WT" "$bimg" "$timg" "$c" </dev/null || rc=$?
	git -C "$WT" checkout -q -f --detach "$base"
	# A result only if exits.sh got to its end (result: same or more).
	res=$(cat "$c/result" 2>/dev/null) || res=""
	case $rc:$res in
	0:same | 1:more) ;;
	*)
		stage_end measure "ERROR: no measurement"
		echo "ERROR [measure] $c: exits.sh exit $rc, no complete measurement (see above): not cached, the next run measures again" >&2
		exit 2
		;;
	esac
	echo "$rc" >"$c/rc"
	touch "$c/.done"
fi
mkdir -p "$PMU_OUT/exits"
cp "$c/table.txt" "$c/rc" "$PMU_OUT/exits/"
sed 's/^/    /' "$c/table.txt"
if [ "$(cat "$c/rc")" != 0 ]; then
	stage_end measure "FAILED"
	die measure "$PMU_OUT/exits/table.txt" "the tip adds VM exits"
fi
stage_end measure
