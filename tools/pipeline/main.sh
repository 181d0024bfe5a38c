#!/bin/sh
# The main job: install what is missing, rebuild the pinned base, apply the
# series, build and check every patch, boot the guest at every patch with
# the tip's selftests in every QEMU profile, and report (matrix,
# attribution, 2x2, JUnit, JSON).  Each patch prefix is one cell, built,
# booted and cached by cell.sh; this job runs the cells one after the
# other and writes index.tsv.
#
# Usage:   sh tools/pipeline/main.sh [profile...]
#          (default: the profiles listed in ci/profiles/list; the first is
#          the primary profile, whose cases keep their plain ids; cases of
#          the others are reported as "<profile>:<case>")
# Outputs: out/ (report/, cells/, logs/, timings.txt); exit 0 only if the
#          report holds, 1 if it does not, 2 if a result is missing (a
#          stage timed out, died or could not run: never cached, so the
#          next run tries again).
set -eu
. "$(dirname "$0")/lib.sh"
# shellcheck disable=SC2048,SC2086,SC2116 # the names, one space apart
PROFILES=$(echo ${*:-$(sed -e "s/#.*//" "$CI_DIR/profiles/list")})
PRIMARY=${PROFILES%% *}
P=$TOOLS/pipeline
T_START=$(_now)
# stage SECS SCRIPT ARGS...: every stage runs under an outer time limit (the
# stages also limit their own long steps); a stage that exceeds it fails
# the job, naming the stage and its script.
stage() {
	_lim=$1
	_scr=$2
	shift 2
	_src=0
	run_timeout "$_lim" sh "$P/$_scr" "$@" || _src=$?
	[ $_src -ne 124 ] ||
		echo "ERROR [${_scr%.sh}] $P/$_scr: stage timed out after ${_lim}s" >&2
	return $_src
}
cache_lock
rm -rf "$PMU_OUT"
mkdir -p "$PMU_OUT" "$LOG_DIR"
job_groups
echo "riscv-kvm-pmu main job: line $PMU_LINE, profiles $PROFILES, cache $PMU_CACHE, output $PMU_OUT"

stage 3000 deps.sh
stage 1200 base.sh
stage 900 apply.sh
series_rc=0
stage 1200 series-checks.sh || series_rc=1

stage_begin tools
run_timeout 600 make -s -C "$TOOLS" O="$PMU_TOOLS_BIN" guest-init report \
	>"$LOG_DIR/tools.log" 2>&1 || {
	cat "$LOG_DIR/tools.log" >&2
	die tools "$TOOLS/Makefile" "building the project's tools failed"
}
stage_end tools

# The guest test list of a profile: PROFILE_TESTS in its .conf, relative
# to ci/ (default tests.txt).
tests_of() {
	t=$(sed -n 's/^PROFILE_TESTS=//p' "$CI_DIR/profiles/$1.conf")
	echo "$LINE_CI/${t:-tests.txt}"
}
for p in $PROFILES; do
	[ -r "$CI_DIR/profiles/$p.conf" ] ||
		die main "$CI_DIR/profiles/$p.conf" "unknown profile '$p'"
done

COMMITS=$PMU_OUT/commits.tsv
tip=$(tail -1 "$COMMITS" | cut -f2)
# One selftests build serves every profile: all their test lists.
ALLTESTS=$PMU_OUT/tests-all.txt
for p in $PROFILES; do cat "$(tests_of "$p")"; done >"$ALLTESTS"
ST=$(PMU_TESTS=$ALLTESTS stage 1500 selftests.sh "$tip")

# The report sees one list: the primary's cases as they are, the other
# profiles' cases as "<profile>:<id>"; known failures likewise.
MERGED=$PMU_OUT/tests-merged.txt
KNOWN=$PMU_OUT/known-merged.txt
cp "$(tests_of "$PRIMARY")" "$MERGED"
awk -v pr="$PRIMARY" '$1 == pr' "$LINE_CI/known-failures.txt" >"$KNOWN"
h() { sha256sum | cut -c1-32; }
for p in $PROFILES; do
	PMU_TESTS=$(tests_of "$p") stage 300 initramfs.sh "$ST" "$PMU_OUT/initramfs-$p.cpio" \
		>"$PMU_OUT/initramfs-$p.sha"
	[ "$p" = "$PRIMARY" ] && continue
	awk -v p="$p" '$1 == "run" || $1 == "class" { $2 = p ":" $2 } { print }' \
		"$(tests_of "$p")" >>"$MERGED"
	printf 'run %s:boot 1 old /none\n' "$p" >>"$MERGED"
	awk -v p="$p" -v pr="$PRIMARY" '$1 == p { $1 = pr; $2 = p ":" $2; print }' \
		"$LINE_CI/known-failures.txt" >>"$KNOWN"
done
cp "$PMU_OUT/initramfs-$PRIMARY.cpio" "$PMU_OUT/initramfs.cpio"

base=$(sed -n 's/^commit:[[:space:]]*//p' "$PMU_BASE_COMMIT_FILE")
# The tools' versions, for the summary (cell.sh puts them in the keys).
tool_versions boot >"$PMU_OUT/versions.txt"
revision="$base+$(cut -f3 "$COMMITS" | tail -n +2 | while read -r p; do
	sha256sum "$PMU_PATCHDIR/$p" | cut -d' ' -f1
done | h)"
echo "revision: $revision" | tee "$PMU_OUT/revision"

# The cells, one cell.sh each (it computes the cache keys).  Its stages
# have their own limits (build 3000 s, checkpatch 600 s, 900 s a boot);
# the cell's limit is their sum and a margin.  A cell without a result
# (status 2, or any other failure of cell.sh) is never cached, and the
# job ends with status 2.
stage_begin cells
ncell=$(wc -l <"$COMMITS")
INDEX=$PMU_OUT/index.tsv
: >"$INDEX"
cell_lim=$((3000 + 600 + 900 * $(echo "$PROFILES" | wc -w) + 300))
infra=0
while IFS="$(printf '\t')" read -r idx _ _ kind subj; do
	progress "cell $idx/$((ncell - 1)): $subj"
	c_rc=0
	# shellcheck disable=SC2086 # the profile names, one space apart
	stage "$cell_lim" cell.sh "$idx" $PROFILES </dev/null || c_rc=$?
	if [ $c_rc -ne 0 ]; then
		[ $c_rc -eq 2 ] ||
			echo "ERROR [cells] $P/cell.sh: cell $idx: exit $c_rc (see above): not cached" >&2
		infra=$((infra + 1))
	fi
	printf '%s\t%s\t%s\t%s\n' "$idx" "$kind" "$PMU_OUT/cells/$(printf '%02d' "$idx")" "$subj" >>"$INDEX"
done <"$COMMITS"
stage_end cells "$ncell cells"
# The tip's Image, for the stages that run after the main job (LAVA).
tail -1 "$INDEX" | cut -f3 | while read -r d; do
	sed -n 's/^build_cell //p' "$d/cell.info"
done | sed 's|$|/Image|' >"$PMU_OUT/tip-image"

rel_rc=0
if [ "${PMU_RELIABILITY:-1}" = 1 ]; then
	stage 4000 reliability.sh "$tip" || rel_rc=$?
fi

mes_rc=0
stage 1200 measure.sh "$tip" "$(sed -n 's/^build_cell //p' "$PMU_OUT/cells/00/cell.info")/Image" \
	"$(cat "$PMU_OUT/tip-image")" || mes_rc=$?

PMU_TESTS=$MERGED PMU_KNOWN=$KNOWN stage 300 report.sh "$PRIMARY" "$revision" && rc=0 || rc=$?
# The job's status: 0 the report holds, 1 it does not (FAIL), 2 some
# result is missing (ERROR); a report stage that died is an ERROR.
case $rc in 0 | 1 | 2) ;; *) rc=2 ;; esac
stage 120 summary.sh "$T_START" "$rc" || true
worse() { # status: the job's status becomes status if that is worse
	[ "$1" -le "$rc" ] || rc=$1
}
if [ "$series_rc" -ne 0 ]; then
	echo "ERROR [series-checks]: the series artifacts failed their checks (see above)" >&2
	worse 1
fi
case $mes_rc in
0) ;;
1)
	echo "ERROR [measure] $PMU_OUT/exits/table.txt: the tip adds VM exits (see the table above)" >&2
	worse 1
	;;
*)
	echo "ERROR [measure]: no measurement (exit $mes_rc, see above): run the job again" >&2
	worse 2
	;;
esac
case $rel_rc in
0) ;;
1)
	echo "ERROR [reliability]: the tip is not clean under the debug profile (see above)" >&2
	worse 1
	;;
*)
	echo "ERROR [reliability]: no result (exit $rel_rc, see above): run the job again" >&2
	worse 2
	;;
esac
if [ "$infra" -ne 0 ]; then
	echo "ERROR [cells]: $infra cell(s) with a stage without a result (see above), none cached: run the job again" >&2
	worse 2
fi
exit "$rc"
